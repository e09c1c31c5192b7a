using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// A Dense layer l with its activation: z = W·x + b, a = f(z), W ∈ ℝ^{outputs×inputs} row-major.
    /// Knows where its parameters and activations live and writes its own forward pass, its backward pass
    /// (gradient-accumulating and fused-SGD forms) and its equations.
    /// </summary>
    internal sealed partial class DenseLayer : Layer
    {
        public DenseLayer(LayerContext context, DenseModel model)
            : base(context)
        {
            Inputs = model.Inputs;
            Outputs = model.Outputs;
            Rows = context.Node.Rows;
            Activation = context.Activation;
            ActivationModule = context.ActivationModule;
        }

        /// <summary>The module of the fused activation, when there is one.</summary>
        private string? ActivationModule { get; }

        public override int Inputs { get; }

        public override int Outputs { get; }

        /// <summary>Rows per example: 1, or T after a recurrent layer that returns sequences (the layer then runs per step).</summary>
        public int Rows { get; }

        public override int InputWidth => Rows * Inputs;

        public override int OutputRows => Rows;

        public Activation Activation { get; }

        public int WeightCount => Inputs * Outputs;

        public int BiasOffset => ParameterOffset + WeightCount;

        public override int ParameterCount => WeightCount + Outputs;

        public override string Modules => $"Linear({Inputs}, {Outputs})" + (Activation is Identity ? string.Empty : ", " + Activation.Name);

        public override IEnumerable<TorchModule> TorchModules => Activation is Identity
            ? new[] { new TorchModule(Module, $"torch.nn.Linear({Inputs}, {Outputs})") }
            : new[] { new TorchModule(Module, $"torch.nn.Linear({Inputs}, {Outputs})"), new TorchModule(ActivationModule!, Activation.TorchModule) };

        public override string TopologyToken => Outputs.ToString(CultureInfo.InvariantCulture);

        public override string Summary => $"Dense({Inputs}, {Outputs}) + {Activation.Name,-10} {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters";

        public override string Layout => "W (outputs × inputs, row-major) then b";

        public override long ForwardFlops => 2L * WeightCount * Rows;

        public override long BackwardFlops => (Previous is null ? 2L : 4L) * WeightCount * Rows;

        public override IEnumerable<string> ForwardEquations => new[] { ForwardEquation + (Rows > 1 ? $"   (at every step t of {Rows})" : string.Empty) };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[] { $"δ{Previous.Index} = (W{I}ᵀ·δ{I})" + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty) };

        public override string GradientEquation => "∂L/∂W_l = Σ_batch δ_l·a_{l−1}ᵀ,  ∂L/∂b_l = Σ_batch δ_l   (a_{−1} = x)";

        public override string? OutputDerivativeEquation => Activation.DerivativeEquation;

        public override bool HasOutputDerivative => Activation is not Identity;

        public override bool SupportsBlocks => Rows == 1;

        public override int BatchScratch(Kernels kernels) => kernels.BlockExamples * (Inputs + Outputs);

        public override IReadOnlyList<ParameterTensor> Tensors => new[]
        {
            new ParameterTensor("weight", new[] { Outputs, Inputs }, W, WeightCount, $"Layer{I}Weights", $"W{I}, the weights of layer {I}: {Outputs} rows × {Inputs} columns, row-major (PyTorch nn.Linear layout)."),
            new ParameterTensor("bias", new[] { Outputs }, B, Outputs, $"Layer{I}Bias", $"b{I}, the bias of layer {I}: {Outputs} values."),
        };

        public override int StreamScratch => Outputs;

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"Layer{I}{(Rows > 1 ? "ForwardRow" : "Forward")}(ref p, ref {input}, ref {scratch});");
            w.Line($"ref {t.Type} {output} = ref {scratch};");
        }

        // Gemm with transB = 1: x·Wᵀ + b, W in PyTorch's [outputs, inputs] layout; then the activation's node, if any.
        public override void EmitOnnx(CodeWriter w, string module)
        {
            IReadOnlyList<ParameterTensor> tensors = Tensors;
            string weights = $"g.Initializer(\"{module}.{tensors[0].Name}\", {ShapeLiteral(tensors[0])}, {tensors[0].View})";
            string bias = $"g.Initializer(\"{module}.{tensors[1].Name}\", {ShapeLiteral(tensors[1])}, {tensors[1].View})";
            w.Line($"x = g.Node(\"Gemm\", new[] {{ x, {weights}, {bias} }}, global::NetGen.IO.OnnxAttribute.Int(\"transB\", 1));");
            string? activation = Activation.Onnx("g", "x");
            if (activation is not null)
            {
                w.Line($"x = {activation};");
            }
        }

        public override void EmitOutputDerivative(CodeWriter w, Kernels kernels, string delta, string outputs, string? count = null) =>
            Activation.EmitDerivative(w, kernels, Index, delta, outputs, Outputs, count);

        /// <summary>
        /// Whether the forward pass and the fused update skip the parts of the input that are all zero: the first layer,
        /// which reads the network's input (images are mostly background: 81 % of MNIST's pixels are 0, and 42 % of its
        /// 16-pixel chunks), when that input is large enough for the list of nonzero parts to pay for itself. The skipped
        /// terms are w·0 = ±0, so every result is bit-identical to the dense loops' (for finite weights).
        /// </summary>
        public bool SkipsZeroInputs => Previous is null && Inputs >= MinSparseInputs && Inputs <= MaxSparseInputs;

        /// <summary>Inputs from which the first layer skips zero parts of its input (4 vectors of 16 floats).</summary>
        private const int MinSparseInputs = 64;

        /// <summary>Inputs up to which it does: the lists of nonzero parts live on the stack (16 KB at most).</summary>
        private const int MaxSparseInputs = 4096;

        public string W => "W" + I;

        public string B => "B" + I;

        public string ForwardEquation =>
            $"a{I} = {Activation.Name}(W{I}·{InputName} + b{I}),  W{I} ∈ ℝ^{Outputs}×{Inputs}";

        public override void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of W{I} ({Outputs}×{Inputs}, row-major) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {W} = {ParameterOffset};");
            w.Line($"/// <summary>Offset of b{I} ({Outputs}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {B} = {BiasOffset};");
            w.Line($"/// <summary>Offset of a{I} ({Outputs}) in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
            string bound = Activation.Init == InitKind.He
                ? $"Math.Sqrt(6.0 / {Inputs})"
                : $"Math.Sqrt(6.0 / ({Inputs} + {Outputs}))";
            string name = Activation.Init == InitKind.He ? "He (Kaiming) uniform, for " + Activation.Name : "Glorot (Xavier) uniform, for " + Activation.Name;
            w.Line($"// Layer {I}: {name}: W{I} ~ U(±{bound.Replace("Math.Sqrt", "√")}), b{I} = 0.");
            w.Line($"global::NetGen.Runtime.Initializers.Uniform(Layer{I}Weights, {bound}, ref state);");
            w.Line($"Layer{I}Bias.Clear();");
        }

        /// <summary>Layer{l}Forward(ref p, ref x, ref a): a = f(W·x + b).</summary>
        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string dot = kernels.Dot(Inputs);
            w.Line($"/// <summary>Layer {I} forward: {Escape(ForwardEquation)}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            if (Rows > 1)
            {
                using (w.Block($"private static void Layer{I}Forward(ref {t.Type} p, ref {t.Type} x, ref {t.Type} a)"))
                {
                    w.Line($"// At each of the {Rows} steps: row t of the output from row t of the input.");
                    using (w.Block($"for (nuint t = 0; t < {Rows}; t++)"))
                    {
                        w.Line($"Layer{I}ForwardRow(ref p, ref Unsafe.Add(ref x, t * {Inputs}), ref Unsafe.Add(ref a, t * {Outputs}));");
                    }
                }

                w.Line();
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            }

            using (w.Block($"private static void Layer{I}{(Rows > 1 ? "ForwardRow" : "Forward")}(ref {t.Type} p, ref {t.Type} x, ref {t.Type} a)"))
            {
                w.Line($"ref {t.Type} w = ref Unsafe.Add(ref p, {W});");
                w.Line($"ref {t.Type} b = ref Unsafe.Add(ref p, {B});");
                int rows4 = Outputs / 4 * 4;
                if (rows4 > 0)
                {
                    w.Line($"{(SkipsZeroInputs ? kernels.DotRowsSparse(Inputs) : kernels.DotRows(Inputs))}(ref w, ref x, ref a, {rows4});");
                }

                if (Outputs > rows4)
                {
                    using (w.Block($"for (nuint o = {rows4}; o < {Outputs}; o++)"))
                    {
                        w.Line($"Unsafe.Add(ref a, o) = {dot}(ref Unsafe.Add(ref w, o * {Inputs}), ref x);");
                    }
                }

                w.Line($"// + b{I}, then {Activation.Name}");
                w.Line($"{kernels.BiasActivation(Activation, Outputs)}(ref a, ref b);");
            }
        }

        /// <summary>
        /// Layer{l}ForwardBatch(ref p, ref x, ref y, count, ref s): y = f(x·Wᵀ + b) for count examples (rows of x and y).
        /// Full blocks of examples go through the broadcast-form kernel (inputs transposed into s, outputs transposed back
        /// with the bias and activation); the examples left over through 4×4 dot-product blocks.
        /// </summary>
        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string forwardBlock = kernels.ForwardBlock(Outputs, Inputs, SkipsZeroInputs);
            int examples = kernels.BlockExamples;
            w.Line($"/// <summary>");
            w.Line($"/// Layer {I} forward for a mini-batch: each row n of y is {Escape(ForwardEquation)} of row n of x.");
            w.Line($"/// Blocks of {examples} examples: x transposed into s (examples along the vectors), the broadcast-form product,");
            w.Line($"/// + b{I} and {Activation.Name} on its rows, then transposed back. The rest: 4 rows × 4 examples sharing their loads.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {t.Type} p, ref {t.Type} x, ref {t.Type} y, int count, ref {t.Type} s)"))
            {
                if (Rows > 1)
                {
                    w.Line($"count *= {Rows}; // one row per example and step");
                }

                w.Line($"ref {t.Type} w = ref Unsafe.Add(ref p, {W});");
                w.Line($"ref {t.Type} b = ref Unsafe.Add(ref p, {B});");
                w.Line($"ref {t.Type} xt = ref s;");
                w.Line($"ref {t.Type} yt = ref Unsafe.Add(ref s, {examples * Inputs});");
                if (SkipsZeroInputs)
                {
                    w.Line($"// The inputs k that are 0 in every example of a block are skipped (MNIST: about 42 % of them per block of 32).");
                    w.Line($"Span<int> steps = stackalloc int[{Inputs}];");
                    w.Line("ref int ks = ref MemoryMarshal.GetReference(steps);");
                }

                w.Line("nuint n = 0;");
                using (w.Block($"for (; n + {examples} <= (nuint)count; n += {examples})"))
                {
                    w.Line($"{kernels.TransposeBlock(Inputs)}(ref Unsafe.Add(ref x, n * {Inputs}), ref xt);");
                    // (No prefetch of the next block here: measured no faster in training, where the step itself
                    // keeps the memory system busy; batched prediction does prefetch, see Layer0ForwardBlock.)
                    if (SkipsZeroInputs)
                    {
                        EmitBlockDenseOrSparse(
                            w,
                            kernels,
                            "nonzero",
                            $"{kernels.ForwardBlock(Outputs, Inputs)}(ref w, ref xt, ref yt);",
                            $"{forwardBlock}(ref w, ref xt, ref yt, ref ks, (nuint)nonzero);");
                    }
                    else
                    {
                        w.Line($"{forwardBlock}(ref w, ref xt, ref yt);");
                    }

                    EmitBlockBiasActivation(w, kernels);

                    w.Line($"ref {t.Type} yn = ref Unsafe.Add(ref y, n * {Outputs});");
                    using (w.Block($"for (nuint j = 0; j < {examples}; j++)"))
                    {
                        w.Line($"ref {t.Type} yj = ref Unsafe.Add(ref yn, j * {Outputs});");
                        using (w.Block($"for (nuint o = 0; o < {Outputs}; o++)"))
                        {
                            w.Line($"Unsafe.Add(ref yj, o) = Unsafe.Add(ref yt, (o * {examples}) + j);");
                        }
                    }
                }

                w.Line();
                w.Line("// The examples after the last whole block, in a method of their own (JIT-compiled only if ever needed).");
                using (w.Block("if (n < (nuint)count)"))
                {
                    w.Line($"Layer{I}ForwardRows(ref p, ref x, ref y, n, (nuint)count);");
                }
            }

            RowProduct.EmitForwardRows(w, t, kernels, I, W, B, Inputs, Outputs, Activation);
        }

        /// <summary>
        /// Layer{l}ForwardBlock(ref p, ref xt, ref yt[, ref next, nextLength]): one block of examples in transposed form,
        /// yt = f(W·xt + b); the first layer also prefetches the next block's inputs.
        /// </summary>
        public override void EmitForwardBlock(CodeWriter w, Numeric t, Kernels kernels)
        {
            int examples = kernels.BlockExamples;
            w.Line($"/// <summary>Layer {I} forward for one block of {examples} examples kept transposed (examples along the vectors): yt[o·{examples} + j] = {Activation.Name}((W{I}·xt)[o, j] + b{I}[o]).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string next = Previous is null ? $", ref {t.Type} next, nuint nextLength" : string.Empty;
            using (w.Block($"private static void Layer{I}ForwardBlock(ref {t.Type} p, ref {t.Type} xt, ref {t.Type} yt{next})"))
            {
                if (SkipsZeroInputs)
                {
                    w.Line($"// The inputs k that are 0 in every example of the block are skipped.");
                    w.Line($"Span<int> steps = stackalloc int[{Inputs}];");
                    w.Line("ref int ks = ref MemoryMarshal.GetReference(steps);");
                    EmitBlockDenseOrSparse(
                        w,
                        kernels,
                        "count",
                        $"{kernels.ForwardBlockPrefetching(Outputs, Inputs)}(ref Unsafe.Add(ref p, {W}), ref xt, ref yt, ref next, nextLength);",
                        $"{kernels.ForwardBlockPrefetching(Outputs, Inputs, sparse: true)}(ref Unsafe.Add(ref p, {W}), ref xt, ref yt, ref ks, (nuint)count, ref next, nextLength);");
                }
                else
                {
                    w.Line(Previous is null
                        ? $"{kernels.ForwardBlockPrefetching(Outputs, Inputs)}(ref Unsafe.Add(ref p, {W}), ref xt, ref yt, ref next, nextLength);"
                        : $"{kernels.ForwardBlock(Outputs, Inputs)}(ref Unsafe.Add(ref p, {W}), ref xt, ref yt);");
                }
                w.Line($"ref {t.Type} b = ref Unsafe.Add(ref p, {B});");
                EmitBlockBiasActivation(w, kernels);
            }
        }

        /// <summary>
        /// The first layer's choice for one transposed block xt: the reduction steps that are nonzero listed in ks (their
        /// count in <paramref name="count"/>), then the dense kernel call if most are, else the sparse one.
        /// </summary>
        private void EmitBlockDenseOrSparse(CodeWriter w, Kernels kernels, string count, string dense, string sparse)
        {
            w.Line($"int {count} = {kernels.NonzeroRows(Inputs)}(ref xt, ref ks);");
            EmitEither(w, $"{count} > {Kernels.DenseAbove(Inputs)}", dense, sparse);
        }

        /// <summary>if (condition) { whenTrue } else { whenFalse }, one statement each.</summary>
        private static void EmitEither(CodeWriter w, string condition, string whenTrue, string whenFalse)
        {
            using (w.Block($"if ({condition})"))
            {
                w.Line(whenTrue);
            }

            using (w.Block("else"))
            {
                w.Line(whenFalse);
            }
        }

        /// <summary>yt[o·B + j] = f(yt[o·B + j] + b[o]) over a transposed block yt, with b the layer's bias in scope.</summary>
        private void EmitBlockBiasActivation(CodeWriter w, Kernels kernels)
        {
            int examples = kernels.BlockExamples;
            using (w.Block($"for (nuint o = 0; o < {Outputs}; o++)"))
            {
                w.Line($"{kernels.BroadcastBiasActivation(Activation, examples)}(ref Unsafe.Add(ref yt, o * {examples}), Unsafe.Add(ref b, o));");
            }
        }

        /// <summary>
        /// Layer{l}BackwardBatch(ref p, ref target, alpha, ref x, ref d[, ref dx], count): for count examples with deltas δ
        /// (rows of d) and inputs x, first δ_{l−1} = (δ W_l) ⊙ f′(a_{l−1}) into dx with the current weights, then
        /// target_W += α·δᵀx and target_b += α·Σₙ δₙ. With target = the gradient and α = 1 this accumulates the
        /// gradient; with target = the parameters and α = −η it is the SGD step, fused.
        /// </summary>
        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string x = InputName;
            string gemm8 = kernels.Gemm(8, Inputs);
            string gemm1 = kernels.Gemm(1, Inputs);
            int rows8 = Outputs / 8 * 8;
            w.Line("/// <summary>");
            w.Line($"/// Layer {I} backward for a mini-batch: " + (Previous is null ? string.Empty : $"δ{Previous.Index} = (δ{I}·W{I}) ⊙ f′(a{Previous.Index}) first, with the weights before any update; then ") + $"W{I} += α·δ{I}ᵀ·{x}, b{I} += α·Σₙ δ{I}ₙ.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string dxParameter = Previous is null ? string.Empty : $", ref {t.Type} dx";
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {t.Type} p, ref {t.Type} target, {t.Type} alpha, ref {t.Type} x, ref {t.Type} d{dxParameter}, int count)"))
            {
                w.Line(Rows > 1 ? $"nuint m = (nuint)count * {Rows}; // one row per example and step" : "nuint m = (nuint)count;");
                if (Previous is not null)
                {
                    w.Line($"Layer{I}BackwardDeltas(ref p, ref x, ref d, ref dx, count);");
                    w.Line();
                }

                // Over a few examples at a time: at batch 128 the rank-128 update ran 19 % slower per example than over 32
                // (measured on layer 0 of MNIST; likely cause: 128 rows of x span more pages than the first-level TLB holds).
                int chunk = kernels.BlockExamples;
                w.Line($"// W{I}[o, :] += α·Σₙ δ{I}[n, o]·{x}[n, :], 8 rows at a time, over {chunk} examples at a time (the rows of {x} in use stay few pages)");
                w.Line($"ref {t.Type} tw = ref Unsafe.Add(ref target, {W});");
                bool sparse = SkipsZeroInputs && rows8 > 0;
                if (sparse)
                {
                    w.Line($"// Per step of the column loop, the examples whose inputs there are all zero are skipped (MNIST: about a quarter).");
                    w.Line($"Span<uint> columns = stackalloc uint[{kernels.ColumnSteps(Inputs)}];");
                    w.Line("ref uint masks = ref MemoryMarshal.GetReference(columns);");
                }

                using (w.Block($"for (nuint r0 = 0; r0 < m; r0 += {chunk})"))
                {
                    w.Line($"nuint rows = m - r0 < {chunk} ? m - r0 : {chunk};");
                    w.Line($"ref {t.Type} xr = ref Unsafe.Add(ref x, r0 * {Inputs});");
                    w.Line($"ref {t.Type} dr = ref Unsafe.Add(ref d, r0 * {Outputs});");
                    if (sparse)
                    {
                        w.Line($"bool sparse = {kernels.NonzeroColumns(Inputs)}(ref xr, rows, ref masks);");
                    }

                    if (rows8 > 0)
                    {
                        using (w.Block($"for (nuint o = 0; o < {rows8}; o += 8)"))
                        {
                            string arguments = $"(ref xr, {Inputs}, ref Unsafe.Add(ref dr, o), {Outputs}, 1, rows, ref Unsafe.Add(ref tw, o * {Inputs}), {Inputs}, alpha, accumulate: true";
                            if (sparse)
                            {
                                EmitEither(w, "sparse", $"{kernels.GemmSparse(Inputs)}{arguments}, ref masks);", $"{gemm8}{arguments});");
                            }
                            else
                            {
                                w.Line($"{gemm8}{arguments});");
                            }
                        }
                    }

                    if (Outputs > rows8)
                    {
                        using (w.Block($"for (nuint o = {rows8}; o < {Outputs}; o++)"))
                        {
                            w.Line($"{gemm1}(ref xr, {Inputs}, ref Unsafe.Add(ref dr, o), {Outputs}, 0, rows, ref Unsafe.Add(ref tw, o * {Inputs}), {Inputs}, alpha, accumulate: true);");
                        }
                    }
                }

                w.Line($"// b{I}[o] += α·Σₙ δ{I}[n, o]");
                w.Line($"{kernels.SumRows(Outputs)}(ref d, m, ref Unsafe.Add(ref target, {B}), alpha);");
            }

            if (Previous is not null)
            {
                w.Line();
                EmitBackwardDeltas(w, t, kernels);
            }
        }

        /// <summary>m, the rows of the mini-batch, then δ_{l−1} = (δ_l·W_l) ⊙ f′(a_{l−1}) into dx with the current weights.</summary>
        private void EmitDeltasBelow(CodeWriter w, Numeric t, Kernels kernels)
        {
            Layer previous = Previous!;
            w.Line(Rows > 1 ? $"nuint m = (nuint)count * {Rows}; // one row per example and step" : "nuint m = (nuint)count;");
            w.Line($"ref {t.Type} w = ref Unsafe.Add(ref p, {W});");
            w.Line($"// δ{previous.Index}[n, :] = Σ_o δ{I}[n, o]·W{I}[o, :], 8 examples at a time");
            RowProduct.EmitInputDeltas(w, t, kernels, Inputs, Outputs, "d", "dx", "m");
            EmitSourceDerivative(w, kernels, 0, "dx", "x", "m");
        }

        /// <summary>
        /// Layer{l}Update(ref p, ref x, ref d[, ref dx], rate): the batch-1 SGD step fused into the backward pass.
        /// Each row of W_l is read once: its contribution to W_lᵀδ_l is taken from the old weights, then the row is
        /// updated in place, w ← w − η·δ_o·x, without materializing the gradient.
        /// </summary>
        public override void EmitUpdate(CodeWriter w, Numeric t, Kernels kernels)
        {
            string x = InputName;
            w.Line($"/// <summary>");
            w.Line($"/// Layer {I} backward fused with SGD: W{I} −= η·δ{I}·{x}ᵀ, b{I} −= η·δ{I}" + (Previous is null ? "." : $", δ{Previous.Index} = (W{I}ᵀ·δ{I}) ⊙ f′(a{Previous.Index}) with the weights before the step."));
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string dxParameter = Previous is null ? string.Empty : $", ref {t.Type} dx";
            using (w.Block($"private static void Layer{I}Update(ref {t.Type} p, ref {t.Type} x, ref {t.Type} d{dxParameter}, {t.Type} rate)"))
            {
                if (Rows > 1)
                {
                    w.Line($"// One example is {Rows} rows: the mini-batch backward pass with the parameters as its target (dx first, then the step).");
                    w.Line($"Layer{I}BackwardBatch(ref p, ref p, -rate, ref x, ref d{(Previous is null ? string.Empty : ", ref dx")}, 1);");
                    return;
                }

                w.Line($"ref {t.Type} w = ref Unsafe.Add(ref p, {W});");
                w.Line($"ref {t.Type} b = ref Unsafe.Add(ref p, {B});");
                if (Previous is not null)
                {
                    w.Line($"MemoryMarshal.CreateSpan(ref dx, {Inputs}).Clear();");
                }

                bool gather = Activation.HasZeroGradientRegion && Outputs <= MaxGatheredRows;
                if (gather)
                {
                    // A branch on δ = 0 per row mispredicts about half the time (which units are inactive is data);
                    // gathering the active rows first costs no branch on the data (measured 4 % faster per batch-1 epoch).
                    w.Line($"// Rows whose δ is 0 ({Activation.Name} inactive) contribute nothing: the others are gathered first, without a branch on δ.");
                    w.Line($"Span<int> rows = stackalloc int[{Outputs}];");
                    w.Line("ref int row = ref MemoryMarshal.GetReference(rows);");
                    w.Line("int active = 0;");
                    using (w.Block($"for (int o = 0; o < {Outputs}; o++)"))
                    {
                        w.Line("Unsafe.Add(ref row, active) = o;");
                        w.Line($"active += Unsafe.Add(ref d, o) != {t.Zero} ? 1 : 0;");
                    }

                    w.Line();
                }

                if (SkipsZeroInputs)
                {
                    w.Line($"// Chunks of {x} that are all zero change no weight (w − step·0 = w): they are listed once and skipped in every row.");
                    w.Line($"Span<int> chunks = stackalloc int[{kernels.ChunkCapacity(Inputs)}];");
                    w.Line("ref int chunk = ref MemoryMarshal.GetReference(chunks);");
                    w.Line($"int nonzero = {kernels.NonzeroChunks(Inputs)}(ref x, ref chunk);");
                    w.Line();
                }

                using (w.Block(gather ? "for (int i = 0; i < active; i++)" : $"for (nuint o = 0; o < {Outputs}; o++)"))
                {
                    if (gather)
                    {
                        w.Line("nuint o = (nuint)Unsafe.Add(ref row, i);");
                    }

                    w.Line($"{t.Type} delta = Unsafe.Add(ref d, o);");
                    if (!gather)
                    {
                        EmitZeroSkip(w, t);
                    }

                    w.Line($"{t.Type} step = rate * delta;");
                    w.Line("Unsafe.Add(ref b, o) -= step;");
                    if (SkipsZeroInputs)
                    {
                        w.Line($"{kernels.AxpyChunks(Inputs)}(ref Unsafe.Add(ref w, o * {Inputs}), -step, ref x, ref chunk, nonzero);");
                    }
                    else if (Previous is null)
                    {
                        w.Line($"{kernels.Axpy(Inputs)}(ref Unsafe.Add(ref w, o * {Inputs}), -step, ref x);");
                    }
                    else
                    {
                        w.Line($"{kernels.UpdateRow(Inputs)}(ref Unsafe.Add(ref w, o * {Inputs}), ref x, ref dx, delta, step);");
                    }
                }

                EmitPreviousDerivative(w, kernels);
            }
        }

        /// <summary>Layers up to this many outputs gather their active rows in a stackalloc'd index list (4 KB at most).</summary>
        private const int MaxGatheredRows = 1024;

        private void EmitZeroSkip(CodeWriter w, Numeric t)
        {
            if (Activation.HasZeroGradientRegion)
            {
                w.Line($"if (delta == {t.Zero})");
                w.Line("{");
                w.Line($"    continue; // {Activation.Name} was inactive: this row contributes nothing");
                w.Line("}");
                w.Line();
            }
        }

        private void EmitPreviousDerivative(CodeWriter w, Kernels kernels)
        {
            if (Previous is null || !Previous.HasOutputDerivative || !Routes[0].AppliesDerivative)
            {
                return;
            }

            w.Line();
            EmitSourceDerivative(w, kernels, 0, "dx", "x", null);
        }
    }
}
