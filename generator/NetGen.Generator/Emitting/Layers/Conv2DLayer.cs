using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// A 2-D convolution with its activation, computed as a matrix product: the input's windows are copied into the
    /// columns of a Kc × P matrix (Kc = C·k·k values per window, P = H′·W′ windows: "im2col"), then a = f(W·cols + b)
    /// with W the Cout × Kc weight matrix, through the same register-blocked product as the Dense layers' mini-batches.
    /// The backward pass is the same product transposed: colsδ = Wᵀ·δ, scattered back onto the input's positions (the
    /// convolution of δ with the flipped kernel), and ∂L/∂W = δ·colsᵀ, a dot product per weight.
    /// </summary>
    internal sealed partial class Conv2DLayer : Layer
    {
        private readonly Conv2DModel _m;

        public Conv2DLayer(LayerContext context, Conv2DModel model)
            : base(context)
        {
            _m = model;
            Activation = context.Activation;
            ActivationModule = context.ActivationModule;
        }

        /// <summary>The module of the fused activation, when there is one.</summary>
        private string? ActivationModule { get; }

        public Activation Activation { get; }

        private int Cin => _m.InChannels;

        private int Cout => _m.OutChannels;

        private int K => _m.Kernel;

        private int S => _m.Stride;

        private int Pad => _m.Padding;

        private int H => _m.Height;

        private int Wd => _m.Width;

        private int Ho => _m.OutHeight;

        private int Wo => _m.OutWidth;

        /// <summary>Windows P = H′·W′: the columns of the product.</summary>
        private int P => Ho * Wo;

        /// <summary>Values per window Kc = C·k·k: the rows of the product.</summary>
        private int Kc => Cin * K * K;

        public override int Inputs => Cin * H * Wd;

        public override int Outputs => Cout * P;

        public override int InputWidth => Inputs;

        public override int OutputRows => 1;

        public int WeightCount => Cout * Kc;

        /// <summary>Whether the layer adds a bias per output channel (Bias = false: none, as PyTorch's bias=False).</summary>
        private bool HasBias => _m.Bias;

        public override int ParameterCount => WeightCount + (HasBias ? Cout : 0);

        private string Options => (S != 1 ? $", stride={S}" : string.Empty) + (Pad != 0 ? $", padding={Pad}" : string.Empty) + (HasBias ? string.Empty : ", bias=False");

        public override string Modules => $"Conv2d({Cin}, {Cout}, {K}{Options})" + (Activation is Identity ? string.Empty : ", " + Activation.Name);

        public override IEnumerable<TorchModule> TorchModules => Activation is Identity
            ? new[] { new TorchModule(Module, $"torch.nn.Conv2d({Cin}, {Cout}, {K}{Options})") }
            : new[] { new TorchModule(Module, $"torch.nn.Conv2d({Cin}, {Cout}, {K}{Options})"), new TorchModule(ActivationModule!, Activation.TorchModule) };

        public override string? TorchInputShape => $"-1, {Cin}, {H}, {Wd}";

        public override string TopologyToken => Text(Cout) + "x" + Text(Ho) + "x" + Text(Wo);

        public override string Summary =>
            $"Conv2D({Cin}, {Cout}, {K}{Options.Replace(", bias=False", ", no bias").Replace("=", " ")}) + {Activation.Name,-10} → {Cout}×{Ho}×{Wo}, {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters";

        public override string Layout => HasBias ? "W (out channels × in channels × k × k, row-major) then b" : "W (out channels × in channels × k × k, row-major), no bias";

        public override long ForwardFlops => 2L * Cout * P * Kc;

        public override long BackwardFlops => (Previous is null ? 2L : 4L) * Cout * P * Kc;

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"a{I}[o, i, j] = {Activation.Name}({(HasBias ? $"b{I}[o] + " : string.Empty)}Σ_c Σ_u Σ_v W{I}[o, c, u, v]·{InputName}[c, {Index2("i", "u")}, {Index2("j", "v")}]),  W{I} ∈ ℝ^{Cout}×{Cin}×{K}×{K}, a{I} ∈ ℝ^{Cout}×{Ho}×{Wo}" + (Pad > 0 ? $" ({InputName} = 0 outside its {H}×{Wd})" : string.Empty),
            $"    as one product: a{I} = {Activation.Name}(W{I}·cols({InputName}){(HasBias ? $" + b{I}" : string.Empty)}), cols = the {Kc} × {P} matrix whose column (i, j) is the window at (i, j)",
        };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[]
            {
                $"δ{Previous.Index}[c, y, x] = Σ_o Σ_u Σ_v W{I}[o, c, u, v]·δ{I}[o, i, j] over the windows (i, j) that read (y, x): the convolution of δ{I} with the flipped kernel"
                    + (Previous.OutputDerivativeEquation is { } derivative ? $", ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty),
                $"    as one product: colsδ = W{I}ᵀ·δ{I}, each column added back onto the window it came from",
            };

        public override string GradientEquation =>
            "∂L/∂W_l[o, c, u, v] = Σ_batch Σ_i Σ_j δ_l[o, i, j]·a_{l−1}[c, s·i + u − p, s·j + v − p] (δ_l·colsᵀ),  ∂L/∂b_l[o] = Σ_batch Σ_i Σ_j δ_l[o, i, j]";

        public override string? OutputDerivativeEquation => Activation.DerivativeEquation;

        public override bool HasOutputDerivative => Activation is not Identity;

        /// <summary>Rows and columns of the input with its zero border.</summary>
        private int Hp => H + (2 * Pad);

        private int Wp => Wd + (2 * Pad);

        /// <summary>Values of the padded copy of one input (none without padding: the input is read in place).</summary>
        private int Padded => Pad > 0 ? Cin * Hp * Wp : 0;

        public override int ForwardScratch => (Kc * P) + Padded;

        public override int BatchScratch(Kernels kernels) => G == 1 ? ForwardScratch : (Kc * GP) + (Cout * GP) + Padded;

        public override int BackwardScratch => ((Previous is null ? 1 : 2) * Kc * GP) + (G > 1 ? Cout * GP : 0) + Padded + (SumsOnStack ? 0 : SumsLength);

        /// <summary>The weight gradient's per-row sums: four rows at a time, so Cout rounded down to 4 (at least 4).</summary>
        private int SumsLength => Math.Max(4, Cout / 4 * 4);

        /// <summary>Whether those sums fit the stack's bound (16,384 values); else they take the end of the scratch.</summary>
        private bool SumsOnStack => SumsLength <= 16_384;

        public override bool SupportsUpdate => false;

        public override IReadOnlyList<ParameterTensor> Tensors => new[]
        {
            new ParameterTensor("weight", new[] { Cout, Cin, K, K }, Wc, WeightCount, $"Layer{I}Weights", $"W{I}, the kernels of layer {I}: {Cout} × {Cin} × {K} × {K}, row-major (PyTorch nn.Conv2d layout)."),
            new ParameterTensor("bias", new[] { Cout }, Bc, Cout, $"Layer{I}Bias", $"b{I}, the bias of layer {I}: one value per output channel, {Cout}."),
        }.Take(HasBias ? 2 : 1).ToArray();

        public override int StreamScratch => Outputs + ForwardScratch;

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"Layer{I}Forward(ref p, ref {input}, ref {scratch}, ref Unsafe.Add(ref {scratch}, {Outputs}));");
            w.Line($"ref {t.Type} {output} = ref {scratch};");
        }

        // Conv on the input seen as [N, C, H, W], the activation's node, and the result flat again, [N, C′·H′·W′].
        public override void EmitOnnx(CodeWriter w, string module)
        {
            IReadOnlyList<ParameterTensor> tensors = Tensors;
            string weights = $"g.Initializer(\"{module}.{tensors[0].Name}\", {ShapeLiteral(tensors[0])}, {tensors[0].View})";
            string bias = HasBias ? $", g.Initializer(\"{module}.{tensors[1].Name}\", {ShapeLiteral(tensors[1])}, {tensors[1].View})" : string.Empty;
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Cin}, {H}, {Wd}) }});");
            w.Line($"x = g.Node(\"Conv\", new[] {{ x, {weights}{bias} }}, global::NetGen.IO.OnnxAttribute.Ints(\"kernel_shape\", {K}, {K}), global::NetGen.IO.OnnxAttribute.Ints(\"strides\", {S}, {S}), global::NetGen.IO.OnnxAttribute.Ints(\"pads\", {Pad}, {Pad}, {Pad}, {Pad}));");
            string? activation = Activation.Onnx("g", "x");
            if (activation is not null)
            {
                w.Line($"x = {activation};");
            }

            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Outputs}) }});");
        }

        public override void EmitOutputDerivative(CodeWriter w, Kernels kernels, string delta, string outputs, string? count = null) =>
            Activation.EmitDerivative(w, kernels, Index, delta, outputs, Outputs, count);

        private string Wc => "W" + I;

        private string Bc => "B" + I;

        public override void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of W{I} ({Cout}×{Cin}×{K}×{K}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {Wc} = {ParameterOffset};");
            if (HasBias)
            {
                w.Line($"/// <summary>Offset of b{I} ({Cout}) in <see cref=\"Parameters\"/>.</summary>");
                w.Line($"private const int {Bc} = {ParameterOffset + WeightCount};");
            }

            w.Line($"/// <summary>Offset of a{I} ({Cout}×{Ho}×{Wo}) in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
            int fanIn = Kc;
            int fanOut = Cout * K * K;
            string bound = Activation.Init == InitKind.He ? $"Math.Sqrt(6.0 / {fanIn})" : $"Math.Sqrt(6.0 / ({fanIn} + {fanOut}))";
            string name = Activation.Init == InitKind.He ? "He (Kaiming) uniform, for " + Activation.Name : "Glorot (Xavier) uniform, for " + Activation.Name;
            w.Line($"// Layer {I}: {name}, fan_in = C·k·k = {fanIn}: W{I} ~ U(±{bound.Replace("Math.Sqrt", "√")}), b{I} = 0.");
            w.Line($"global::NetGen.Runtime.Initializers.Uniform(Layer{I}Weights, {bound}, ref state);");
            if (HasBias)
            {
                w.Line($"Layer{I}Bias.Clear();");
            }
        }

        /// <summary>Layer{l}Forward(ref p, ref x, ref a, ref s): the windows into s, then a = f(W·cols + b).</summary>
        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            EmitColumns(w, t, kernels, scatter: false);
            w.Line();
            EmitColumns(w, t, kernels, scatter: true);
            w.Line();
            EmitProduct(w, t, kernels, $"Layer{I}Product", P);
            w.Line();
            if (G > 1)
            {
                EmitProduct(w, t, kernels, $"Layer{I}ProductGroup", GP);
                w.Line();
            }

            w.Line($"/// <summary>Layer {I} forward for one example: the windows of x into s ({Kc} × {P}), then a{I} = {Activation.Name}(W{I}·s + b{I}).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {t.Type} p, ref {t.Type} x, ref {t.Type} a, ref {t.Type} s)"))
            {
                w.Line($"Layer{I}Columns(ref x, ref s, ref Unsafe.Add(ref s, {Kc * P}), {P});");
                w.Line($"Layer{I}Product(ref p, ref s, ref a);");
            }
        }

        /// <summary>
        /// Layer{l}Product(ref p, ref cols, ref a): a = f(W·cols + b) over n columns (the windows of one example, or of a group of
        /// examples side by side), 8 (then 4, then 1) output channels at a time.
        /// </summary>
        private void EmitProduct(CodeWriter w, Numeric t, Kernels kernels, string name, int n)
        {
            string T = t.Type;
            int P = n;
            w.Line($"/// <summary>a{I}[o, :] = {Activation.Name}(Σ_r W{I}[o, r]·cols[r, :] + b{I}[o]): the {Cout} × {Kc} weights times the {Kc} × {P} windows.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {name}(ref {T} p, ref {T} cols, ref {T} a)"))
            {
                w.Line($"ref {T} w = ref Unsafe.Add(ref p, {Wc});");
                if (HasBias)
                {
                    w.Line($"ref {T} b = ref Unsafe.Add(ref p, {Bc});");
                }

                EmitBlocks(w, kernels, Cout, (o, rows) =>
                    $"{kernels.Gemm(rows, P)}(ref cols, {P}, ref Unsafe.Add(ref w, {o} * {Kc}), 1, {Kc}, {Kc}, ref Unsafe.Add(ref a, {o} * {P}), {P}, {t.One}, accumulate: false);");
                if (HasBias)
                {
                    w.Line($"// + b{I}[o] on channel o, then {Activation.Name}");
                    using (w.Block($"for (nuint o = 0; o < {Cout}; o++)"))
                    {
                        w.Line($"{kernels.BroadcastBiasActivation(Activation, P)}(ref Unsafe.Add(ref a, o * {P}), Unsafe.Add(ref b, o));");
                    }
                }
                else if (Activation is not Identity)
                {
                    w.Line($"// no bias; {Activation.Name}");
                    w.Line($"{kernels.Activate(Activation, Cout * P)}(ref a, ref a);");
                }
            }
        }

        /// <summary>
        /// Loops over <paramref name="total"/> rows in blocks of 8 (a loop, so the code does not grow with the size), then one
        /// block of the rows left over (a kernel with that many accumulators: 6 channels are one pass over the windows).
        /// </summary>
        private static void EmitBlocks(CodeWriter w, Kernels kernels, int total, Func<string, int, string> call)
        {
            int eights = total / 8 * 8;
            w.Line("nuint q = 0;");
            if (eights > 0)
            {
                using (w.Block($"for (; q < {eights}; q += 8)"))
                {
                    w.Line(call("q", 8));
                }
            }

            if (total > eights)
            {
                w.Line(call("q", total - eights));
            }
        }

        /// <summary>
        /// Layer{l}Columns(ref x, ref cols, ref xp): row r = (c·k + u)·k + v of cols holds, for every window (i, j), the
        /// input value x[c, s·i + u − p, s·j + v − p], read from xp, the input with a border of p zeros (x itself when p = 0),
        /// so that every window row is one copy without a test. Layer{l}Scatter(ref cols, ref dx, ref dxp) is its
        /// transpose: every value of cols added back onto the (padded) position it came from, then the border dropped.
        /// </summary>
        private void EmitColumns(CodeWriter w, Numeric t, Kernels kernels, bool scatter)
        {
            string T = t.Type;
            w.Line(scatter
                ? $"/// <summary>The transpose of Layer{I}Columns: dx = 0, then every value of cols added onto the input position its window read{(Pad > 0 ? " (in dxp, the input with its border, then copied without it)" : string.Empty)}.</summary>"
                : $"/// <summary>The windows of x as the columns of a {Kc} × {P} matrix whose rows lie ld apart: cols[((c·{K} + u)·{K} + v)·ld + i·{Wo} + j] = x[c, {Index2("i", "u")}, {Index2("j", "v")}]{(Pad > 0 ? ", 0 in the border (read from xp, x with its border)" : string.Empty)}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string signature = scatter
                ? $"private static void Layer{I}Scatter(ref {T} cols, ref {T} x, ref {T} xp, nuint ld)"
                : $"private static void Layer{I}Columns(ref {T} x, ref {T} cols, ref {T} xp, nuint ld)";
            using (w.Block(signature))
            {
                string padded = Pad > 0 ? "xp" : "x";
                if (Pad > 0)
                {
                    w.Line($"MemoryMarshal.CreateSpan(ref xp, {Padded}).Clear();");
                    if (!scatter)
                    {
                        EmitBorderCopy(w, t, toPadded: true);
                    }
                }
                else if (scatter)
                {
                    w.Line($"MemoryMarshal.CreateSpan(ref x, {Inputs}).Clear();");
                }

                using (w.Block($"for (nuint c = 0; c < {Cin}; c++)"))
                using (w.Block($"for (nuint u = 0; u < {K}; u++)"))
                using (w.Block($"for (nuint v = 0; v < {K}; v++)"))
                {
                    w.Line($"ref {T} row = ref Unsafe.Add(ref cols, (((c * {K}) + u) * {K} + v) * ld);");
                    w.Line($"ref {T} source = ref Unsafe.Add(ref {padded}, (((c * {Hp}) + u) * {Wp}) + v);");
                    using (w.Block($"for (nuint i = 0; i < {Ho}; i++)"))
                    {
                        w.Line($"ref {T} window = ref Unsafe.Add(ref row, i * {Wo});");
                        w.Line($"ref {T} input = ref Unsafe.Add(ref source, i * {S * Wp});");
                        if (S == 1)
                        {
                            w.Line(scatter
                                ? $"{kernels.Axpy(Wo)}(ref input, {t.One}, ref window);"
                                : $"Unsafe.CopyBlockUnaligned(ref Unsafe.As<{T}, byte>(ref window), ref Unsafe.As<{T}, byte>(ref input), {Wo * t.Size});");
                        }
                        else
                        {
                            using (w.Block($"for (nuint j = 0; j < {Wo}; j++)"))
                            {
                                w.Line(scatter
                                    ? $"Unsafe.Add(ref input, j * {S}) += Unsafe.Add(ref window, j);"
                                    : $"Unsafe.Add(ref window, j) = Unsafe.Add(ref input, j * {S});");
                            }
                        }
                    }
                }

                if (scatter && Pad > 0)
                {
                    EmitBorderCopy(w, t, toPadded: false);
                }
            }
        }

        /// <summary>Rows of x into the inside of xp (toPadded), or the inside of xp back into x.</summary>
        private void EmitBorderCopy(CodeWriter w, Numeric t, bool toPadded)
        {
            string T = t.Type;
            using (w.Block($"for (nuint c = 0; c < {Cin}; c++)"))
            using (w.Block($"for (nuint y = 0; y < {H}; y++)"))
            {
                w.Line($"ref {T} plain = ref Unsafe.Add(ref x, ((c * {H}) + y) * {Wd});");
                w.Line($"ref {T} bordered = ref Unsafe.Add(ref xp, (((c * {Hp}) + y + {Pad}) * {Wp}) + {Pad});");
                w.Line(toPadded
                    ? $"Unsafe.CopyBlockUnaligned(ref Unsafe.As<{T}, byte>(ref bordered), ref Unsafe.As<{T}, byte>(ref plain), {Wd * t.Size});"
                    : $"Unsafe.CopyBlockUnaligned(ref Unsafe.As<{T}, byte>(ref plain), ref Unsafe.As<{T}, byte>(ref bordered), {Wd * t.Size});");
            }
        }

        /// <summary>"s·i + u − p" with this layer's constants, e.g. "2i + u − 1" or "i + u".</summary>
        private string Index2(string i, string u) =>
            (S == 1 ? i : Text(S) + i) + " + " + u + (Pad > 0 ? " − " + Text(Pad) : string.Empty);

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
