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
        public GruLayer(LayerContext context, GruModel model)
            : base(context, model)
        {
        }

        protected override string TorchClass => "GRU";

        protected override string Kind => "Gru";

        protected override string OnnxOperator => "GRU";

        // ONNX: z, r, h; PyTorch: r, z, n.
        protected override int[] OnnxGateOrder => new[] { 1, 0, 2 };

        // PyTorch applies r after the recurrent product and its bias: r ⊙ (W_hn h + b_hn), ONNX's linear_before_reset = 1.
        protected override string OnnxAttributes => ", global::NetGen.IO.OnnxAttribute.Int(\"linear_before_reset\", 1)";

        protected override int CellWidth => 4 * H;

        protected override string HiddenDeltaEquation => "W_hhᵀ·[δr, δz, r ⊙ δn]_t + z ⊙ δh_t (the direct path)";

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

        protected override string CellForwardComment => "r, z, then n = tanh(input part + r ⊙ (W_hn·h + b_hn)); h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}.";

        protected override string CellBackwardComment => "From δh_t (work): δr, δz, δn and r ⊙ δn into dg; the direct path z ⊙ δh_t into work[H, 2H).";

        protected override IEnumerable<string> CellForward(UnitSpec s) => new[]
        {
            $"{s.Type} r = {s.Sigmoid($"{s.Load("current", 0)} + {s.Load("gh", 0)}")};",
            $"{s.Type} z = {s.Sigmoid($"{s.Load("current", H)} + {s.Load("gh", H)}")};",
            $"{s.Type} hn = {s.Load("gh", 2 * H)};",
            $"{s.Type} n = {s.Tanh($"{s.Load("current", 2 * H)} + (r * hn)")};",
            s.Store("current", 0, "r"),
            s.Store("current", H, "z"),
            s.Store("current", 2 * H, "n"),
            s.Store("current", 3 * H, "hn"),
            s.Store("current", 4 * H, $"(({s.One} - z) * n) + (z * {s.Load("previous", 4 * H)})"),
        };

        protected override IEnumerable<string> CellBackward(UnitSpec s) => new[]
        {
            $"{s.Type} r = {s.Load("current", 0)}, z = {s.Load("current", H)}, n = {s.Load("current", 2 * H)}, hn = {s.Load("current", 3 * H)};",
            $"{s.Type} dh = {s.Load("work", 0)};",
            $"{s.Type} dn = dh * ({s.One} - z) * ({s.One} - (n * n));",
            s.Store("dg", 0, $"dn * hn * r * ({s.One} - r)"),
            s.Store("dg", H, $"dh * ({s.Load("previous", 4 * H)} - n) * z * ({s.One} - z)"),
            s.Store("dg", 2 * H, "dn"),
            s.Store("dg", 3 * H, "dn * r"),
            s.Store("work", H, "dh * z"),
        };

        protected override bool HasDirectPath => true;

        protected override void EmitDirectPath(CodeWriter w, Numeric t, Kernels kernels) =>
            w.Line($"{kernels.Axpy(H)}(ref work, {t.One}, ref Unsafe.Add(ref work, {H})); // + z ⊙ δh_t, the direct path");
    }
}
