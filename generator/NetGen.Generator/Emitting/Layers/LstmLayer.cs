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
        public LstmLayer(int index, LstmModel model, int parameterOffset, int activationOffset, Layer? previous, int sequenceLength)
            : base(index, model, parameterOffset, activationOffset, previous, sequenceLength)
        {
        }

        protected override string Module => "LSTM";

        protected override string Kind => "Lstm";

        protected override int CellWidth => 5 * H;

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

        protected override void EmitCellForward(CodeWriter w, Numeric t)
        {
            string T = t.Type;
            w.Line("// i, f, g, o from the two parts; c_t = f ⊙ c_{t−1} + i ⊙ g; h_t = o ⊙ tanh(c_t).");
            using (w.Block($"for (nuint j = 0; j < {H}; j++)"))
            {
                w.Line($"{T} i = {Sigmoid($"{At("current", 0)} + {At("gh", 0)}", t)};");
                w.Line($"{T} f = {Sigmoid($"{At("current", H)} + {At("gh", H)}", t)};");
                w.Line($"{T} g = {t.Math}.Tanh({At("current", 2 * H)} + {At("gh", 2 * H)});");
                w.Line($"{T} o = {Sigmoid($"{At("current", 3 * H)} + {At("gh", 3 * H)}", t)};");
                w.Line($"{T} c = (f * {At("previous", 4 * H)}) + (i * g);");
                w.Line($"{At("current", 0)} = i;");
                w.Line($"{At("current", H)} = f;");
                w.Line($"{At("current", 2 * H)} = g;");
                w.Line($"{At("current", 3 * H)} = o;");
                w.Line($"{At("current", 4 * H)} = c;");
                w.Line($"{At("current", 5 * H)} = o * {t.Math}.Tanh(c);");
            }
        }

        protected override void EmitCellBackward(CodeWriter w, Numeric t)
        {
            string T = t.Type;
            string one = t.One;
            w.Line("// work holds δh_t, then δc_{t+1} ⊙ f_{t+1}; the gate pre-activation deltas go to dg, δc_t ⊙ f_t back to work.");
            using (w.Block($"for (nuint j = 0; j < {H}; j++)"))
            {
                w.Line($"{T} i = {At("current", 0)}, f = {At("current", H)}, g = {At("current", 2 * H)}, o = {At("current", 3 * H)};");
                w.Line($"{T} tc = {t.Math}.Tanh({At("current", 4 * H)});");
                w.Line($"{T} dh = {At("work", 0)};");
                w.Line($"{T} dc = {At("work", H)} + (dh * o * ({one} - (tc * tc)));");
                w.Line($"{At("dg", 0)} = dc * g * i * ({one} - i);");
                w.Line($"{At("dg", H)} = dc * {At("previous", 4 * H)} * f * ({one} - f);");
                w.Line($"{At("dg", 2 * H)} = dc * i * ({one} - (g * g));");
                w.Line($"{At("dg", 3 * H)} = dh * tc * o * ({one} - o);");
                w.Line($"{At("work", H)} = dc * f;");
            }
        }
    }
}
