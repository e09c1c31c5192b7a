using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Multi-head self-attention over the T steps of a sequence (nn.MultiheadAttention with query = key = value,
    /// batch_first): qkv_t = W_in·x_t + b_in (rows of 3·dim, through the Dense layers' row kernels), then per head h and
    /// step i the scores s_ij = q_i·k_j/√d_h over the steps j (j ≤ i when causal), p_i = softmax(s_i), o_i = Σ_j p_ij·v_j
    /// into the head's slice of o_i, and y_t = W_out·o_t + b_out. Stored per example after the output: qkv (T × 3·dim),
    /// every head's probabilities (heads × T × T: the memory that grows with T²), and o (T × dim). The backward pass is the
    /// same products transposed, with the softmax's Jacobian applied per row: δs_ij = p_ij·(δp_ij − Σ_k p_ik·δp_ik).
    /// </summary>
    internal sealed partial class AttentionLayer : Layer
    {
        /// <summary>The twin's module: nn.MultiheadAttention called with query = key = value (its tensors keep their names).</summary>
        private const string SelfAttentionClass =
            "class SelfAttention(torch.nn.MultiheadAttention):\n" +
            "    \"\"\"nn.MultiheadAttention(dim, heads, batch_first=True) with query = key = value; causal masks the future.\"\"\"\n" +
            "    def __init__(self, dim, heads, causal=False):\n" +
            "        super().__init__(dim, heads, batch_first=True)\n" +
            "        self.causal = causal\n" +
            "    def forward(self, x):\n" +
            "        t = x.shape[1]\n" +
            "        mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1) if self.causal else None\n" +
            "        return super().forward(x, x, x, attn_mask=mask, need_weights=False)[0]";

        private readonly MultiHeadAttentionModel _m;

        public AttentionLayer(LayerContext context, MultiHeadAttentionModel model)
            : base(context)
        {
            _m = model;
        }

        private int D => _m.Dim;

        private int H => _m.Heads;

        /// <summary>Values per head, d_h = dim/heads.</summary>
        private int Dh => D / H;

        private int D3 => 3 * D;

        /// <summary>Steps T.</summary>
        private int Tn => _m.Steps;

        private bool Causal => _m.Causal;

        /// <summary>1/√d_h, the scale of the scores, as a literal of the network's type.</summary>
        private string Scale(Numeric t) => t.Type == "float"
            ? ((float)(1.0 / Math.Sqrt(Dh))).ToString("R", CultureInfo.InvariantCulture) + "f"
            : (1.0 / Math.Sqrt(Dh)).ToString("R", CultureInfo.InvariantCulture);

        public override int Inputs => D;

        public override int Outputs => D;

        public override int InputWidth => Tn * D;

        public override int OutputRows => Tn;

        public override int ParameterCount => (4 * D * D) + (4 * D);

        /// <summary>Offsets of q·k·v, the probabilities and o after the outputs, per example (times the examples for a mini-batch).</summary>
        private int QkvWidth => Tn * D3;

        private int ProbabilityWidth => H * Tn * Tn;

        public override bool BackwardUsesStored => true;

        public override bool SupportsUpdate => false;

        public override int BatchScratch(Kernels kernels) => 0;

        private string Constructor => $"SelfAttention({D}, {H}{(Causal ? ", causal=True" : string.Empty)})";

        public override string Modules => $"MultiheadAttention({D}, {H}, batch_first=True{(Causal ? ", causal mask" : string.Empty)})";

        public override IEnumerable<TorchModule> TorchModules => new[] { new TorchModule(Module, Constructor) { Helpers = new[] { SelfAttentionClass } } };

        public override string TopologyToken => "attn" + Text(H) + "x" + Text(Dh);

        public override string Summary =>
            $"MultiHeadAttention({D}, {H} heads{(Causal ? ", causal" : string.Empty)}) → {Tn} steps × {D}, {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters";

        public override string Layout => "W_in (3·dim × dim, row-major), b_in (3·dim), W_out (dim × dim), b_out";

        /// <summary>Score pairs (i, j) per head: T², or T(T + 1)/2 when causal.</summary>
        private long Pairs => Causal ? (long)Tn * (Tn + 1) / 2 : (long)Tn * Tn;

        public override long ForwardFlops => (8L * Tn * D * D) + (4L * Pairs * D);

        public override long BackwardFlops => (Previous is null ? 14L : 16L) * Tn * D * D + (8L * Pairs * D);

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"q_t, k_t, v_t = W_in{I}·{InputName}[t] + b_in{I},  W_in{I} ∈ ℝ^{D3}×{D}, each split into {H} heads of {Dh}",
            $"p_h[i, j] = softmax_j(q_h[i]·k_h[j] / √{Dh}){(Causal ? " over j ≤ i (causal: the future masked)" : string.Empty)},  o_h[i] = Σ_j p_h[i, j]·v_h[j]",
            $"a{I}[t] = W_out{I}·o[t] + b_out{I},  o[t] = the {H} heads' o_h[t] side by side; stored per example: {H} × {Tn} × {Tn} probabilities, growing with T²",
        };

        public override IEnumerable<string> BackwardEquations => new[]
        {
            $"δo[t] = W_out{I}ᵀ·δ{I}[t];  per head: δv_h[j] = Σ_i p_h[i, j]·δo_h[i],  δp_h[i, j] = δo_h[i]·v_h[j],  δs_h[i, j] = p_h[i, j]·(δp_h[i, j] − Σ_k p_h[i, k]·δp_h[i, k])",
            $"    δq_h[i] = Σ_j δs_h[i, j]·k_h[j] / √{Dh},  δk_h[j] = Σ_i δs_h[i, j]·q_h[i] / √{Dh}" + (Previous is null
                ? string.Empty
                : $";  δ{Previous.Index}[t] = W_in{I}ᵀ·δqkv[t]" + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty)),
        };

        public override string GradientEquation =>
            "∂L/∂W_in = Σ_batch Σ_t δqkv_t·x_tᵀ, ∂L/∂b_in = Σ δqkv_t, ∂L/∂W_out = Σ_batch Σ_t δ_t·o_tᵀ, ∂L/∂b_out = Σ δ_t   (attention)";

        private string Win => "Win" + I;

        private string Bin => "Bin" + I;

        private string Wout => "Wout" + I;

        private string Bout => "Bout" + I;

        public override IReadOnlyList<ParameterTensor> Tensors => new[]
        {
            new ParameterTensor("in_proj_weight", new[] { D3, D }, Win, D3 * D, $"Layer{I}InProjectionWeights", $"W_in{I}, the query, key and value projections of layer {I}: {D3} × {D}, row-major (PyTorch nn.MultiheadAttention in_proj_weight)."),
            new ParameterTensor("in_proj_bias", new[] { D3 }, Bin, D3, $"Layer{I}InProjectionBias", $"b_in{I}, their bias: {D3} values."),
            new ParameterTensor("out_proj.weight", new[] { D, D }, Wout, D * D, $"Layer{I}OutProjectionWeights", $"W_out{I}, the output projection of layer {I}: {D} × {D}, row-major."),
            new ParameterTensor("out_proj.bias", new[] { D }, Bout, D, $"Layer{I}OutProjectionBias", $"b_out{I}, its bias: {D} values."),
        };

        public override void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of W_in{I} ({D3}×{D}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {Win} = {ParameterOffset};");
            w.Line($"/// <summary>Offset of b_in{I} ({D3}).</summary>");
            w.Line($"private const int {Bin} = {ParameterOffset + (D3 * D)};");
            w.Line($"/// <summary>Offset of W_out{I} ({D}×{D}).</summary>");
            w.Line($"private const int {Wout} = {ParameterOffset + (D3 * D) + D3};");
            w.Line($"/// <summary>Offset of b_out{I} ({D}).</summary>");
            w.Line($"private const int {Bout} = {ParameterOffset + (D3 * D) + D3 + (D * D)};");
            w.Line($"/// <summary>Offset of a{I} ({Tn} steps × {D}), then qkv, the probabilities and o, in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
            w.Line($"// Layer {I}: as nn.MultiheadAttention: W_in{I} Glorot (Xavier) uniform, U(±√(6 / ({D} + {D3}))); W_out{I} U(±1/√{D}); the biases 0.");
            w.Line($"global::NetGen.Runtime.Initializers.Uniform(Layer{I}InProjectionWeights, Math.Sqrt(6.0 / {D + D3}), ref state);");
            w.Line($"Layer{I}InProjectionBias.Clear();");
            w.Line($"global::NetGen.Runtime.Initializers.Uniform(Layer{I}OutProjectionWeights, 1.0 / Math.Sqrt({D}), ref state);");
            w.Line($"Layer{I}OutProjectionBias.Clear();");
        }

        // Gemm for q, k, v; [N, T, 3, heads, d_h] to q, k, v each [N, heads, T, d_h]; MatMul, scale, (mask), Softmax, MatMul; back to rows; Gemm.
        public override void EmitOnnx(CodeWriter w, string module)
        {
            IReadOnlyList<ParameterTensor> tensors = Tensors;
            string Initializer(int k) => $"g.Initializer(\"{module}.{tensors[k].Name}\", {ShapeLiteral(tensors[k])}, {tensors[k].View})";
            w.Line($"x = g.Node(\"Gemm\", new[] {{ x, {Initializer(0)}, {Initializer(1)} }}, global::NetGen.IO.OnnxAttribute.Int(\"transB\", 1));");
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Tn}, 3, {H}, {Dh}) }});");
            w.Line("x = g.Node(\"Transpose\", new[] { x }, global::NetGen.IO.OnnxAttribute.Ints(\"perm\", 2, 0, 3, 1, 4));");
            w.Line($"string query{I} = g.Node(\"Reshape\", new[] {{ g.Node(\"Gather\", new[] {{ x, g.Int64s(0) }}, global::NetGen.IO.OnnxAttribute.Int(\"axis\", 0)), g.Int64s(-1, {H}, {Tn}, {Dh}) }});");
            w.Line($"string key{I} = g.Node(\"Reshape\", new[] {{ g.Node(\"Gather\", new[] {{ x, g.Int64s(1) }}, global::NetGen.IO.OnnxAttribute.Int(\"axis\", 0)), g.Int64s(-1, {H}, {Dh}, {Tn}) }});");
            w.Line($"key{I} = g.Node(\"Transpose\", new[] {{ g.Node(\"Reshape\", new[] {{ key{I}, g.Int64s(-1, {H}, {Tn}, {Dh}) }}) }}, global::NetGen.IO.OnnxAttribute.Ints(\"perm\", 0, 1, 3, 2));");
            w.Line($"string value{I} = g.Node(\"Reshape\", new[] {{ g.Node(\"Gather\", new[] {{ x, g.Int64s(2) }}, global::NetGen.IO.OnnxAttribute.Int(\"axis\", 0)), g.Int64s(-1, {H}, {Tn}, {Dh}) }});");
            w.Line($"x = g.Node(\"Mul\", new[] {{ g.Node(\"MatMul\", new[] {{ query{I}, key{I} }}), g.Scalar(1.0 / Math.Sqrt({Dh})) }});");
            if (Causal)
            {
                w.Line($"x = g.Node(\"Add\", new[] {{ x, g.CausalMask({Tn}) }});");
            }

            w.Line("x = g.Node(\"Softmax\", new[] { x }, global::NetGen.IO.OnnxAttribute.Int(\"axis\", -1));");
            w.Line($"x = g.Node(\"MatMul\", new[] {{ x, value{I} }});");
            w.Line("x = g.Node(\"Transpose\", new[] { x }, global::NetGen.IO.OnnxAttribute.Ints(\"perm\", 0, 2, 1, 3));");
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {D}) }});");
            w.Line($"x = g.Node(\"Gemm\", new[] {{ x, {Initializer(2)}, {Initializer(3)} }}, global::NetGen.IO.OnnxAttribute.Int(\"transB\", 1));");
        }

        /// <summary>Layer{l}Forward(ref p, ref x, ref a): one example, its qkv, probabilities and o stored after its output.</summary>
        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            RowProduct.EmitForwardRows(w, t, kernels, I, Win, Bin, D, D3, Identity.Instance, "steps", "InProjectionRows");
            RowProduct.EmitForwardRows(w, t, kernels, I, Wout, Bout, D, D, Identity.Instance, "steps", "OutProjectionRows");
            w.Line();
            EmitAttend(w, t, kernels);
            EmitAttendStep(w, t, kernels);
            w.Line();
            w.Line($"/// <summary>Layer {I} (attention) forward for one example: qkv = rows of W_in{I}·x + b_in{I}, the heads' attention into o, a{I} = rows of W_out{I}·o + b_out{I}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            {
                w.Line($"ref {T} qkv = ref Unsafe.Add(ref a, {OutputWidth});");
                w.Line($"ref {T} probabilities = ref Unsafe.Add(ref qkv, {QkvWidth});");
                w.Line($"ref {T} mix = ref Unsafe.Add(ref probabilities, {ProbabilityWidth});");
                w.Line($"Layer{I}InProjectionRows(ref p, ref x, ref qkv, 0, {Tn});");
                w.Line($"Layer{I}Attend(ref qkv, ref probabilities, ref mix);");
                w.Line($"Layer{I}OutProjectionRows(ref p, ref mix, ref a, 0, {Tn});");
            }
        }

        /// <summary>Layer{l}ForwardBatch: the projections over all count·T rows at once, the attention example by example.</summary>
        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (attention) forward for a mini-batch: q, k, v of all its rows, each example's attention, the output projection of all rows; qkv, the probabilities and o stored after the outputs.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s)"))
            {
                EmitStoredRefs(w, T, "y");
                w.Line($"Layer{I}InProjectionRows(ref p, ref x, ref qkv, 0, rows);");
                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"Layer{I}Attend(ref Unsafe.Add(ref qkv, n * {QkvWidth}), ref Unsafe.Add(ref probabilities, n * {ProbabilityWidth}), ref Unsafe.Add(ref mix, n * {OutputWidth}));");
                }

                w.Line($"Layer{I}OutProjectionRows(ref p, ref mix, ref y, 0, rows);");
            }
        }

        /// <summary>rows, and refs qkv, probabilities and mix (o) to the parts after the count outputs at ref <paramref name="region"/>.</summary>
        private void EmitStoredRefs(CodeWriter w, string T, string region)
        {
            w.Line($"nuint rows = (nuint)count * {Tn};");
            w.Line($"ref {T} qkv = ref Unsafe.Add(ref {region}, (nuint)count * {OutputWidth});");
            w.Line($"ref {T} probabilities = ref Unsafe.Add(ref qkv, (nuint)count * {QkvWidth});");
            w.Line($"ref {T} mix = ref Unsafe.Add(ref probabilities, (nuint)count * {ProbabilityWidth});");
        }

        /// <summary>Layer{l}Attend(ref qkv, ref probabilities, ref mix): one example's heads, each row's scores, softmax and mix.</summary>
        private void EmitAttend(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I}: for each of the {H} heads and each step i, p[i, j] = softmax_j(q_i·k_j/√{Dh}){(Causal ? " over j ≤ i" : string.Empty)} and o_i = Σ_j p[i, j]·v_j (the head's slice of o).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Attend(ref {T} qkv, ref {T} probabilities, ref {T} mix)"))
            using (w.Block($"for (nuint h = 0; h < {H}; h++)"))
            using (w.Block($"for (nuint i = 0; i < {Tn}; i++)"))
            {
                w.Line($"ref {T} q = ref Unsafe.Add(ref qkv, (i * {D3}) + (h * {Dh}));");
                w.Line($"ref {T} row = ref Unsafe.Add(ref probabilities, ((h * {Tn}) + i) * {Tn});");
                w.Line(Causal ? "nuint steps = i + 1; // causal: the steps after i are masked" : $"nuint steps = {Tn};");
                EmitHeadRow(w, t, kernels, "q", j => $"Unsafe.Add(ref qkv, ({j} * {D3}) + {D} + (h * {Dh}))", j => $"Unsafe.Add(ref qkv, ({j} * {D3}) + {2 * D} + (h * {Dh}))", $"Unsafe.Add(ref mix, (i * {D}) + (h * {Dh}))", storeProbabilities: true);
                if (Causal)
                {
                    w.Line($"MemoryMarshal.CreateSpan(ref Unsafe.Add(ref row, steps), (int)({Tn} - steps)).Clear();");
                }
            }
        }

        /// <summary>
        /// One head's row: the scores q·k_j·scale over j &lt; steps into row, their softmax (max subtracted), and o = Σ_j p_j·v_j
        /// into <paramref name="mix"/>; with <paramref name="storeProbabilities"/> the probabilities stay in row (for the
        /// backward pass). Shared by Predict's rows and Step's, so the two compute alike.
        /// </summary>
        private void EmitHeadRow(CodeWriter w, Numeric t, Kernels kernels, string q, Func<string, string> key, Func<string, string> value, string mix, bool storeProbabilities)
        {
            string T = t.Type;
            string dot = kernels.Dot(Dh);
            string axpy = kernels.Axpy(Dh);
            w.Line($"{T} max = {T}.NegativeInfinity;");
            using (w.Block("for (nuint j = 0; j < steps; j++)"))
            {
                w.Line($"{T} score = {dot}(ref {q}, ref {key("j")}) * {Scale(t)};");
                w.Line("Unsafe.Add(ref row, j) = score;");
                w.Line($"max = {t.Math}.Max(max, score);");
            }

            w.Line($"{T} sum = {t.Zero};");
            using (w.Block("for (nuint j = 0; j < steps; j++)"))
            {
                w.Line($"{T} e = {t.Math}.Exp(Unsafe.Add(ref row, j) - max);");
                w.Line("Unsafe.Add(ref row, j) = e;");
                w.Line("sum += e;");
            }

            w.Line($"{T} inverse = {t.One} / sum;");
            w.Line($"ref {T} o = ref {mix};");
            w.Line($"MemoryMarshal.CreateSpan(ref o, {Dh}).Clear();");
            using (w.Block("for (nuint j = 0; j < steps; j++)"))
            {
                w.Line($"{T} pj = Unsafe.Add(ref row, j) * inverse;");
                if (storeProbabilities)
                {
                    w.Line("Unsafe.Add(ref row, j) = pj;");
                }

                w.Line($"{axpy}(ref o, pj, ref {value("j")});");
            }
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
