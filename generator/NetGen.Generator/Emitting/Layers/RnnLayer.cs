using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>Elman recurrent layer with tanh, PyTorch's nn.RNN: the lecture's recurrent net. A step record holds h_t only.</summary>
    internal sealed class RnnLayer : RecurrentLayer
    {
        public RnnLayer(LayerContext context, RnnModel model)
            : base(context, model)
        {
        }

        protected override string TorchClass => "RNN";

        protected override string Kind => "Rnn";

        protected override string OnnxOperator => "RNN";

        protected override int[] OnnxGateOrder => new[] { 0 };

        protected override int CellWidth => 0;

        protected override IEnumerable<string> CellEquations => new[] { "h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)" };

        protected override IEnumerable<string> CellBackwardEquations => new[] { "δg_t = δh_t ⊙ (1 − h_t²)" };

        protected override string CellForwardComment => "h_t = tanh(input part + recurrent part).";

        protected override string CellBackwardComment => "δg_t = δh_t ⊙ (1 − h_t²).";

        protected override IEnumerable<string> CellForward(UnitSpec s) => new[]
        {
            s.Store("current", 0, s.Tanh($"{s.Load("current", 0)} + {s.Load("gh", 0)}")),
        };

        protected override IEnumerable<string> CellBackward(UnitSpec s) => new[]
        {
            $"{s.Type} h = {s.Load("current", 0)};",
            s.Store("dg", 0, $"{s.Load("work", 0)} * ({s.One} - (h * h))"),
        };
    }
}
