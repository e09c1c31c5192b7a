using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Long short-term memory, PyTorch's nn.LSTM (gate order i, f, g, o). A step record holds the activated gates i, f, g, o,
    /// then c_t, then h_t.
    /// </summary>
    internal sealed class LstmLayer : RecurrentLayer
    {
        public LstmLayer(LayerContext context, LstmModel model)
            : base(context, model)
        {
        }

        protected override string TorchClass => "LSTM";

        protected override string Kind => "Lstm";

        protected override string OnnxOperator => "LSTM";

        // ONNX: i, o, f, c; PyTorch: i, f, g, o.
        protected override int[] OnnxGateOrder => new[] { 0, 3, 1, 2 };

        protected override int CellWidth => 5 * H;

        protected override bool SumsParts => true;

        protected override string InitialState => "h_0 = 0, c_0 = 0";

        protected override IEnumerable<string> CellEquations => new[]
        {
            "i = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi),  f = σ(W_if x_t + … ),  g = tanh(W_ig x_t + … ),  o = σ(W_io x_t + … )",
            "c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)",
        };

        protected override IEnumerable<string> CellBackwardEquations => new[]
        {
            "δc_t = δh_t ⊙ o ⊙ (1 − tanh² c_t) + δc_{t+1} ⊙ f_{t+1}",
            "δg_t = [δc_t ⊙ g ⊙ i(1 − i),  δc_t ⊙ c_{t−1} ⊙ f(1 − f),  δc_t ⊙ i ⊙ (1 − g²),  δh_t ⊙ tanh(c_t) ⊙ o(1 − o)]   (i, f, g, o)",
        };

        protected override string CellForwardComment => "i, f, g, o from the two parts; c_t = f ⊙ c_{t−1} + i ⊙ g; h_t = o ⊙ tanh(c_t).";

        protected override string CellBackwardComment => "work holds δh_t, then δc_{t+1} ⊙ f_{t+1}; the gate pre-activation deltas go to dg, δc_t ⊙ f_t back to work.";

        protected override IEnumerable<string> CellForward(UnitSpec s) => new[]
        {
            $"{s.Type} i = {s.Sigmoid($"{s.Load("current", 0)} + {s.Load("gh", 0)}")};",
            $"{s.Type} f = {s.Sigmoid($"{s.Load("current", H)} + {s.Load("gh", H)}")};",
            $"{s.Type} g = {s.Tanh($"{s.Load("current", 2 * H)} + {s.Load("gh", 2 * H)}")};",
            $"{s.Type} o = {s.Sigmoid($"{s.Load("current", 3 * H)} + {s.Load("gh", 3 * H)}")};",
            $"{s.Type} c = (f * {s.Load("previous", 4 * H)}) + (i * g);",
            s.Store("current", 0, "i"),
            s.Store("current", H, "f"),
            s.Store("current", 2 * H, "g"),
            s.Store("current", 3 * H, "o"),
            s.Store("current", 4 * H, "c"),
            s.Store("current", 5 * H, $"o * {s.Tanh("c")}"),
        };

        protected override IEnumerable<string> CellBackward(UnitSpec s) => new[]
        {
            $"{s.Type} i = {s.Load("current", 0)}, f = {s.Load("current", H)}, g = {s.Load("current", 2 * H)}, o = {s.Load("current", 3 * H)};",
            $"{s.Type} tc = {s.Tanh(s.Load("current", 4 * H))};",
            $"{s.Type} dh = {s.Load("work", 0)};",
            $"{s.Type} dc = {s.Load("work", H)} + (dh * o * ({s.One} - (tc * tc)));",
            s.Store("dg", 0, $"dc * g * i * ({s.One} - i)"),
            s.Store("dg", H, $"dc * {s.Load("previous", 4 * H)} * f * ({s.One} - f)"),
            s.Store("dg", 2 * H, $"dc * i * ({s.One} - (g * g))"),
            s.Store("dg", 3 * H, $"dh * tc * o * ({s.One} - o)"),
            s.Store("work", H, "dc * f"),
        };
    }
}
