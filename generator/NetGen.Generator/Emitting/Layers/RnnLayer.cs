using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>Elman recurrent layer with tanh, PyTorch's nn.RNN: the lecture's recurrent net. A step record holds h_t only.</summary>
    internal sealed class RnnLayer : RecurrentLayer
    {
        public RnnLayer(int index, RnnModel model, int parameterOffset, int activationOffset, Layer? previous, int sequenceLength)
            : base(index, model, parameterOffset, activationOffset, previous, sequenceLength)
        {
        }

        protected override string Module => "RNN";

        protected override string Kind => "Rnn";

        protected override int CellWidth => 0;

        protected override IEnumerable<string> CellEquations => new[] { "h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)" };

        protected override IEnumerable<string> CellBackwardEquations => new[] { "δg_t = δh_t ⊙ (1 − h_t²)" };

        protected override void EmitCellForward(CodeWriter w, Numeric t)
        {
            w.Line("// h_t = tanh(input part + recurrent part).");
            using (w.Block($"for (nuint j = 0; j < {H}; j++)"))
            {
                w.Line($"{At("current", 0)} = {t.Math}.Tanh({At("current", 0)} + {At("gh", 0)});");
            }
        }

        protected override void EmitCellBackward(CodeWriter w, Numeric t)
        {
            w.Line("// δg_t = δh_t ⊙ (1 − h_t²).");
            using (w.Block($"for (nuint j = 0; j < {H}; j++)"))
            {
                w.Line($"{t.Type} h = {At("current", 0)};");
                w.Line($"{At("dg", 0)} = {At("work", 0)} * ({t.One} - (h * h));");
            }
        }
    }
}
