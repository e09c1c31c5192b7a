using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Gated recurrent unit, PyTorch's nn.GRU (gate order r, z, n; n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))). A step
    /// record holds r, z, n, then W_hn·h_{t−1} + b_hn (needed for δr), then h_t. Its delta record holds δr, δz, δn (the input
    /// part's gate deltas) and r ⊙ δn (the recurrent part's, for the n rows of W_hh).
    /// </summary>
    internal sealed class GruLayer : RecurrentLayer
    {
        public GruLayer(int index, GruModel model, int parameterOffset, int activationOffset, Layer? previous, int sequenceLength)
            : base(index, model, parameterOffset, activationOffset, previous, sequenceLength)
        {
        }

        protected override string Module => "GRU";

        protected override string Kind => "Gru";

        protected override int CellWidth => 4 * H;

        protected override IReadOnlyList<(int Row, int Rows, int Offset)> HiddenSegments => new[] { (0, 2 * H, 0), (2 * H, H, 3 * H) };

        protected override IEnumerable<string> CellEquations => new[]
        {
            "r = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr),  z = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)",
            "n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn)),  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}",
        };

        protected override IEnumerable<string> CellBackwardEquations => new[]
        {
            "δn = δh_t ⊙ (1 − z) ⊙ (1 − n²),  δr = δn ⊙ (W_hn h_{t−1} + b_hn) ⊙ r(1 − r),  δz = δh_t ⊙ (h_{t−1} − n) ⊙ z(1 − z)",
            "input part δg_t = [δr, δz, δn]; recurrent part [δr, δz, r ⊙ δn]; the direct path adds z ⊙ δh_t to δh_{t−1}",
        };

        protected override void EmitCellForward(CodeWriter w, Numeric t)
        {
            string T = t.Type;
            w.Line("// r, z, then n = tanh(input part + r ⊙ (W_hn·h + b_hn)); h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}.");
            using (w.Block($"for (nuint j = 0; j < {H}; j++)"))
            {
                w.Line($"{T} r = {Sigmoid($"{At("current", 0)} + {At("gh", 0)}", t)};");
                w.Line($"{T} z = {Sigmoid($"{At("current", H)} + {At("gh", H)}", t)};");
                w.Line($"{T} hn = {At("gh", 2 * H)};");
                w.Line($"{T} n = {t.Math}.Tanh({At("current", 2 * H)} + (r * hn));");
                w.Line($"{At("current", 0)} = r;");
                w.Line($"{At("current", H)} = z;");
                w.Line($"{At("current", 2 * H)} = n;");
                w.Line($"{At("current", 3 * H)} = hn;");
                w.Line($"{At("current", 4 * H)} = (({t.One} - z) * n) + (z * {At("previous", 4 * H)});");
            }
        }

        protected override void EmitCellBackward(CodeWriter w, Numeric t)
        {
            string T = t.Type;
            string one = t.One;
            w.Line("// From δh_t (work): δr, δz, δn and r ⊙ δn into dg; the direct path z ⊙ δh_t into work[H, 2H).");
            using (w.Block($"for (nuint j = 0; j < {H}; j++)"))
            {
                w.Line($"{T} r = {At("current", 0)}, z = {At("current", H)}, n = {At("current", 2 * H)}, hn = {At("current", 3 * H)};");
                w.Line($"{T} dh = {At("work", 0)};");
                w.Line($"{T} dn = dh * ({one} - z) * ({one} - (n * n));");
                w.Line($"{At("dg", 0)} = dn * hn * r * ({one} - r);");
                w.Line($"{At("dg", H)} = dh * ({At("previous", 4 * H)} - n) * z * ({one} - z);");
                w.Line($"{At("dg", 2 * H)} = dn;");
                w.Line($"{At("dg", 3 * H)} = dn * r;");
                w.Line($"{At("work", H)} = dh * z;");
            }
        }

        protected override void EmitHiddenDelta(CodeWriter w, Numeric t, Kernels kernels)
        {
            base.EmitHiddenDelta(w, t, kernels);
            w.Line($"{kernels.Axpy(H)}(ref work, {t.One}, ref Unsafe.Add(ref work, {H}));");
        }
    }
}
