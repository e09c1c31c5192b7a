using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// A 1-D convolution over the steps of a sequence, time-major (T rows of C channels), with its activation, computed
    /// as a product of rows: the window each output step reads is copied into a row of C·k values (c-major, as a row of
    /// nn.Conv1d's weight), then y[t, :] = f(W·window_t + b) through the Dense layers' row kernels. The backward pass is the
    /// same product transposed: windowδ_t = Wᵀ·δ_t, added back onto the steps it came from, and ∂L/∂W = Σ_t δ_t·window_tᵀ.
    /// </summary>
    internal sealed partial class Conv1DLayer : Layer
    {
        /// <summary>The twin's module: nn.Conv1d reads [N, C, T]; NetGen's sequences are [N, T, C], and a causal one pads on the left only.</summary>
        private const string TimeMajorClass =
            "class TimeMajorConv1d(torch.nn.Conv1d):\n" +
            "    \"\"\"nn.Conv1d on [N, T, C] (time-major), after `left` zero steps (a causal convolution's padding).\"\"\"\n" +
            "    def __init__(self, *args, left=0, **kwargs):\n" +
            "        super().__init__(*args, **kwargs)\n" +
            "        self.left = left\n" +
            "    def forward(self, x):\n" +
            "        x = torch.nn.functional.pad(x.transpose(1, 2), (self.left, 0))\n" +
            "        return super().forward(x).transpose(1, 2)";

        /// <summary>Rows (windows) one product should have at least: short sequences take several examples at once.</summary>
        private const int GroupRows = 64;

        private readonly Conv1DModel _m;

        public Conv1DLayer(LayerContext context, Conv1DModel model)
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

        private int D => _m.Dilation;

        private int Left => _m.Left;

        private int Tin => _m.Steps;

        private int Tout => _m.OutSteps;

        /// <summary>Values per window, C·k: the inputs of the row product.</summary>
        private int Kc => Cin * K;

        /// <summary>Examples whose windows go through one product together (rows T′ each).</summary>
        private int G => Tout >= GroupRows ? 1 : Math.Min(32, (GroupRows + Tout - 1) / Tout);

        /// <summary>Steps of history a causal layer keeps for streaming: (k − 1)·dilation.</summary>
        private int History => _m.Causal ? (K - 1) * D : 0;

        public override int Inputs => Cin;

        public override int Outputs => Cout;

        public override int InputWidth => Tin * Cin;

        public override int OutputRows => Tout;

        public int WeightCount => Cout * Kc;

        public override int ParameterCount => WeightCount + Cout;

        private string Options =>
            (D != 1 ? $", dilation={D}" : string.Empty) + (!_m.Causal && Left > 0 ? $", padding={Left}" : string.Empty);

        private string TorchConstructor => $"TimeMajorConv1d({Cin}, {Cout}, {K}{Options}{(_m.Causal ? $", left={Left}" : string.Empty)})";

        public override string Modules => $"Conv1d({Cin}, {Cout}, {K}{Options}{(_m.Causal ? ", causal" : string.Empty)})" + (Activation is Identity ? string.Empty : ", " + Activation.Name);

        public override IEnumerable<TorchModule> TorchModules => Activation is Identity
            ? new[] { new TorchModule(Module, TorchConstructor) { Helpers = new[] { TimeMajorClass } } }
            : new[] { new TorchModule(Module, TorchConstructor) { Helpers = new[] { TimeMajorClass } }, new TorchModule(ActivationModule!, Activation.TorchModule) };

        public override string TopologyToken => Text(Tout) + "x" + Text(Cout);

        public override string Summary =>
            $"Conv1D({Cin}, {Cout}, {K}{Options.Replace("=", " ")}{(_m.Causal ? ", causal" : string.Empty)}) + {Activation.Name,-10} → {Tout} steps × {Cout}, {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters";

        public override string Layout => "W (out channels × in channels × k, row-major) then b";

        public override long ForwardFlops => 2L * Cout * Kc * Tout;

        public override long BackwardFlops => (Previous is null ? 2L : 4L) * Cout * Kc * Tout;

        /// <summary>"t + 2k − 3" with this layer's constants: the input step tap k of output step t reads.</summary>
        private string Tap => "t + " + (D == 1 ? "k" : Text(D) + "k") + (Left > 0 ? " − " + Text(Left) : string.Empty);

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"a{I}[t, o] = {Activation.Name}(b{I}[o] + Σ_c Σ_k W{I}[o, c, k]·{InputName}[{Tap}, c]),  W{I} ∈ ℝ^{Cout}×{Cin}×{K}, a{I} ∈ ℝ^{Tout}×{Cout}"
                + (Left + _m.Right > 0 ? $" ({InputName} = 0 outside its {Tin} steps{(_m.Causal ? ": causal, step t reads steps up to t" : string.Empty)})" : string.Empty),
            $"    as a product of rows: a{I}[t, :] = {Activation.Name}(W{I}·window_t + b{I}), window_t[c·{K} + k] = {InputName}[{Tap}, c]",
        };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[]
            {
                $"δ{Previous.Index}[s, c] = Σ_o Σ_k W{I}[o, c, k]·δ{I}[t, o] over the (t, k) with {Tap} = s"
                    + (Previous.OutputDerivativeEquation is { } derivative ? $", ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty),
                $"    as a product of rows: windowδ_t = W{I}ᵀ·δ{I}[t, :], each added back onto the steps its window read",
            };

        public override string GradientEquation =>
            "∂L/∂W_l[o, c, k] = Σ_batch Σ_t δ_l[t, o]·a_{l−1}[t + d·k − left, c] (Σ_t δ_t·window_tᵀ),  ∂L/∂b_l[o] = Σ_batch Σ_t δ_l[t, o]";

        public override string? OutputDerivativeEquation => Activation.DerivativeEquation;

        public override bool HasOutputDerivative => Activation is not Identity;

        public override int ForwardScratch => Tout * Kc;

        public override int BatchScratch(Kernels kernels) => G * Tout * Kc;

        public override int BackwardScratch => (Previous is null ? 1 : 2) * G * Tout * Kc;

        public override bool SupportsUpdate => false;

        public override IReadOnlyList<ParameterTensor> Tensors => new[]
        {
            new ParameterTensor("weight", new[] { Cout, Cin, K }, Wc, WeightCount, $"Layer{I}Weights", $"W{I}, the kernels of layer {I}: {Cout} × {Cin} × {K}, row-major (PyTorch nn.Conv1d layout)."),
            new ParameterTensor("bias", new[] { Cout }, Bc, Cout, $"Layer{I}Bias", $"b{I}, the bias of layer {I}: one value per output channel, {Cout}."),
        };

        private string Wc => "W" + I;

        private string Bc => "B" + I;

        // [N·T, C] rows to [N, C, T], Conv with the dilation and the (left, right) pads, back to [N·T′, C′] rows.
        public override void EmitOnnx(CodeWriter w, string module)
        {
            IReadOnlyList<ParameterTensor> tensors = Tensors;
            string weights = $"g.Initializer(\"{module}.{tensors[0].Name}\", {ShapeLiteral(tensors[0])}, {tensors[0].View})";
            string bias = $"g.Initializer(\"{module}.{tensors[1].Name}\", {ShapeLiteral(tensors[1])}, {tensors[1].View})";
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Tin}, {Cin}) }});");
            w.Line("x = g.Node(\"Transpose\", new[] { x }, global::NetGen.IO.OnnxAttribute.Ints(\"perm\", 0, 2, 1));");
            w.Line($"x = g.Node(\"Conv\", new[] {{ x, {weights}, {bias} }}, global::NetGen.IO.OnnxAttribute.Ints(\"kernel_shape\", {K}), global::NetGen.IO.OnnxAttribute.Ints(\"dilations\", {D}), global::NetGen.IO.OnnxAttribute.Ints(\"pads\", {Left}, {_m.Right}));");
            w.Line("x = g.Node(\"Transpose\", new[] { x }, global::NetGen.IO.OnnxAttribute.Ints(\"perm\", 0, 2, 1));");
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Cout}) }});");
            string? activation = Activation.Onnx("g", "x");
            if (activation is not null)
            {
                w.Line($"x = {activation};");
            }
        }

        public override void EmitOutputDerivative(CodeWriter w, Kernels kernels, string delta, string outputs, string? count = null) =>
            Activation.EmitDerivative(w, kernels, Index, delta, outputs, Cout, count ?? (Tout > 1 ? Text(Tout) : null));

        public override void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of W{I} ({Cout}×{Cin}×{K}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {Wc} = {ParameterOffset};");
            w.Line($"/// <summary>Offset of b{I} ({Cout}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {Bc} = {ParameterOffset + WeightCount};");
            w.Line($"/// <summary>Offset of a{I} ({Tout} steps × {Cout}) in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
            int fanIn = Kc;
            int fanOut = Cout * K;
            string bound = Activation.Init == InitKind.He ? $"Math.Sqrt(6.0 / {fanIn})" : $"Math.Sqrt(6.0 / ({fanIn} + {fanOut}))";
            string name = Activation.Init == InitKind.He ? "He (Kaiming) uniform, for " + Activation.Name : "Glorot (Xavier) uniform, for " + Activation.Name;
            w.Line($"// Layer {I}: {name}, fan_in = C·k = {fanIn}: W{I} ~ U(±{bound.Replace("Math.Sqrt", "√")}), b{I} = 0.");
            w.Line($"global::NetGen.Runtime.Initializers.Uniform(Layer{I}Weights, {bound}, ref state);");
            w.Line($"Layer{I}Bias.Clear();");
        }

        /// <summary>Layer{l}Forward(ref p, ref x, ref a, ref s): the windows of x into s, then a = f(W·windows + b), a row per step.</summary>
        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            EmitWindows(w, t, scatter: false);
            w.Line();
            EmitWindows(w, t, scatter: true);
            RowProduct.EmitForwardRows(w, t, kernels, I, Wc, Bc, Kc, Cout, Activation, "windows");
            w.Line();
            w.Line($"/// <summary>Layer {I} forward for one example: its {Tout} windows into s ({Tout} × {Kc}), then a{I} = {Activation.Name}(windows·W{I}ᵀ + b{I}).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {t.Type} p, ref {t.Type} x, ref {t.Type} a, ref {t.Type} s)"))
            {
                w.Line($"Layer{I}Windows(ref x, ref s, 1);");
                w.Line($"Layer{I}ForwardRows(ref p, ref s, ref a, 0, {Tout});");
            }
        }

        /// <summary>Layer{l}ForwardBatch: the windows of G examples at a time into s, one product of their G·T′ rows.</summary>
        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} forward for a mini-batch, {G} example(s) at a time: their windows into s ({G * Tout} × {Kc}), then one product of the rows.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s)"))
            using (w.Block($"for (nuint n0 = 0; n0 < (nuint)count; n0 += {G})"))
            {
                EmitGroupSize(w, "n0");
                w.Line($"Layer{I}Windows(ref Unsafe.Add(ref x, n0 * {InputWidth}), ref s, g);");
                w.Line($"Layer{I}ForwardRows(ref p, ref s, ref Unsafe.Add(ref y, n0 * {OutputWidth}), 0, g * {Tout});");
            }
        }

        /// <summary>
        /// Layer{l}BackwardBatch(ref p, ref target, alpha, ref x, ref d[, ref dx], ref s, count): every example's δ of the input
        /// first (the weights before any update), then target += α·∂L/∂θ; G examples' windows at a time.
        /// </summary>
        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            int rows = G * Tout * Kc;
            w.Line("/// <summary>");
            w.Line($"/// Layer {I} backward for a mini-batch: " + (Previous is null ? string.Empty : $"δ{Previous.Index} = the windows of δ{I}·W{I} added back onto the steps they read (⊙ f′), with the weights before any update; then ")
                + $"W{I} += α·Σ_t δ{I}[t, :]ᵀ·window_t and b{I} += α·Σ_t δ{I}[t, :].");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} d{dxParameter}, ref {T} s, int count)"))
            {
                w.Line($"ref {T} windows = ref s;");
                if (Previous is not null)
                {
                    w.Line($"ref {T} w = ref Unsafe.Add(ref p, {Wc});");
                    w.Line($"ref {T} dwindows = ref Unsafe.Add(ref s, {rows});");
                    w.Line($"// windowδ[r, :] = Σ_o δ{I}[r, o]·W{I}[o, :], then each window back onto the steps of δ{Previous.Index} it read");
                    using (w.Block($"for (nuint n0 = 0; n0 < (nuint)count; n0 += {G})"))
                    {
                        EmitGroupSize(w, "n0");
                        w.Line($"ref {T} dn = ref Unsafe.Add(ref d, n0 * {OutputWidth});");
                        RowProduct.EmitInputDeltas(w, t, kernels, Kc, Cout, "dn", "dwindows", $"g * {Tout}");
                        w.Line($"Layer{I}Scatter(ref dwindows, ref Unsafe.Add(ref dx, n0 * {InputWidth}), g);");
                    }

                    EmitSourceDerivative(w, kernels, 0, "dx", "x", Tin > 1 ? $"(nuint)count * {Tin}" : "(nuint)count");
                    w.Line();
                }

                w.Line($"// W{I}[o, :] += α·Σ_r δ{I}[r, o]·window_r, 8 rows o at a time, over the windows of {G} example(s) at a time");
                w.Line($"ref {T} tw = ref Unsafe.Add(ref target, {Wc});");
                using (w.Block($"for (nuint m0 = 0; m0 < (nuint)count; m0 += {G})"))
                {
                    EmitGroupSize(w, "m0");
                    w.Line($"nuint rows = g * {Tout};");
                    w.Line($"ref {T} dr = ref Unsafe.Add(ref d, m0 * {OutputWidth});");
                    w.Line($"Layer{I}Windows(ref Unsafe.Add(ref x, m0 * {InputWidth}), ref windows, g);");
                    RowProduct.EmitWeightGradient(w, kernels, Kc, Cout, "windows", "dr", "rows", "tw");
                }

                w.Line($"// b{I}[o] += α·Σ_r δ{I}[r, o]");
                w.Line($"{kernels.SumRows(Cout)}(ref d, (nuint)count * {Tout}, ref Unsafe.Add(ref target, {Bc}), alpha);");
            }
        }

        /// <summary>g, the examples of the group that starts at example <paramref name="first"/>: G, or the count left.</summary>
        private void EmitGroupSize(CodeWriter w, string first) =>
            w.Line($"nuint g = (nuint)count - {first} < {G} ? (nuint)count - {first} : {G};");

        /// <summary>
        /// Layer{l}Windows(ref x, ref windows, count): row t of example n's windows holds, at c·k + j, x[n, t + d·j − left, c]
        /// (0 outside the sequence). Layer{l}Scatter(ref windows, ref dx, count) is its transpose: dx = 0, then every value
        /// of the windows added onto the step and channel it was read from.
        /// </summary>
        private void EmitWindows(CodeWriter w, Numeric t, bool scatter)
        {
            string T = t.Type;
            w.Line(scatter
                ? $"/// <summary>The transpose of Layer{I}Windows: dx = 0 for count examples, then every window value added onto the step and channel it was read from.</summary>"
                : $"/// <summary>The windows of count examples as rows of {Kc}: windows[(n·{Tout} + t)·{Kc} + c·{K} + k] = x[n, {Tap}, c], 0 outside the {Tin} steps.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block(scatter
                ? $"private static void Layer{I}Scatter(ref {T} windows, ref {T} x, nuint count)"
                : $"private static void Layer{I}Windows(ref {T} x, ref {T} windows, nuint count)"))
            {
                if (scatter)
                {
                    w.Line($"MemoryMarshal.CreateSpan(ref x, (int)count * {InputWidth}).Clear();");
                }

                using (w.Block("for (nuint n = 0; n < count; n++)"))
                {
                    w.Line($"ref {T} xn = ref Unsafe.Add(ref x, n * {InputWidth});");
                    using (w.Block($"for (nuint t = 0; t < {Tout}; t++)"))
                    {
                        w.Line($"ref {T} row = ref Unsafe.Add(ref windows, ((n * {Tout}) + t) * {Kc});");
                        using (w.Block($"for (nuint k = 0; k < {K}; k++)"))
                        {
                            w.Line($"nuint step = t + (k * {D}) - {Left}; // wraps past the end when before the first step");
                            using (w.Block($"if (step < {Tin})"))
                            {
                                w.Line($"ref {T} at = ref Unsafe.Add(ref xn, step * {Cin});");
                                using (w.Block($"for (nuint c = 0; c < {Cin}; c++)"))
                                {
                                    w.Line(scatter
                                        ? $"Unsafe.Add(ref at, c) += Unsafe.Add(ref row, (c * {K}) + k);"
                                        : $"Unsafe.Add(ref row, (c * {K}) + k) = Unsafe.Add(ref at, c);");
                                }
                            }

                            if (!scatter)
                            {
                                using (w.Block("else"))
                                using (w.Block($"for (nuint c = 0; c < {Cin}; c++)"))
                                {
                                    w.Line($"Unsafe.Add(ref row, (c * {K}) + k) = {t.Zero};");
                                }
                            }
                        }
                    }
                }
            }
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
