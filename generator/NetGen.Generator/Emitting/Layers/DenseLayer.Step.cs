namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>The mini-batch backward pass with the optimizer's step fused in, block of weight rows by block.</summary>
    internal sealed partial class DenseLayer
    {
        /// <summary>Every Dense layer over one row per example can step its weights block by block (many-to-many rows are too many for one block).</summary>
        public override bool SupportsStepBlocks => Rows == 1;

        /// <summary>The gradient of 8 weight rows (or of the bias).</summary>
        public override int StepBlock => System.Math.Max(8 * Inputs, Outputs);

        /// <summary>
        /// Layer{l}BackwardDeltas(ref p, ref x, ref d, ref dx, count) (the layers after the first): δ_{l−1} = (δ_l·W_l) ⊙
        /// f′(a_{l−1}) into dx, with the weights before the step; the mini-batch backward pass calls it first, and the fused
        /// step computes every layer's deltas before any gradient, so it can tell whether every gradient will be finite
        /// before it changes anything.
        /// </summary>
        private void EmitBackwardDeltas(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line($"/// <summary>Layer {I} backward, deltas only: δ{Previous!.Index} = (δ{I}·W{I}) ⊙ f′(a{Previous.Index}) for count examples, with the weights before the step.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardDeltas(ref {t.Type} p, ref {t.Type} x, ref {t.Type} d, ref {t.Type} dx, int count)"))
            {
                EmitDeltasBelow(w, t, kernels);
            }
        }

        /// <summary>
        /// Layer{l}StepBlocks(ref p, ref x, ref d, count, ref block, in step): 8 rows of W_l at a time, their gradient
        /// Σₙ δₙ·xₙᵀ into block (it stays in the first-level cache) and at once the optimizer's step on those rows and their
        /// state; then the same for b_l. No gradient buffer is written or read. At most 2 chunks of BlockExamples examples
        /// (the caller's StepBatch).
        /// </summary>
        public override void EmitStepBlocks(CodeWriter w, Numeric t, Kernels kernels)
        {
            string x = InputName;
            string gemm8 = kernels.Gemm(8, Inputs);
            string gemm1 = kernels.Gemm(1, Inputs);
            int rows8 = Outputs / 8 * 8;
            int chunk = kernels.BlockExamples;
            string span = "MemoryMarshal.CreateReadOnlySpan(ref block, ";
            w.Line($"/// <summary>Layer {I}'s step for at most {2 * chunk} examples: 8 rows of W{I} at a time, g = Σₙ δ{I}ₙ·{x}ₙᵀ into block and the step on those rows at once; then b{I} with g = Σₙ δ{I}ₙ.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}StepBlocks(ref {t.Type} x, ref {t.Type} d, int count, ref {t.Type} block, in global::NetGen.Runtime.OptimizerStep<{t.Type}> step)"))
            {
                w.Line("nuint m = (nuint)count;");
                w.Line($"nuint chunks = (m + {chunk - 1}) / {chunk};");
                bool sparse = SkipsZeroInputs && rows8 > 0;
                int steps = kernels.ColumnSteps(Inputs);
                if (sparse)
                {
                    w.Line($"// Per chunk of {chunk} examples and step of the column loop, the examples whose inputs there are all zero are skipped.");
                    w.Line($"Span<uint> columns = stackalloc uint[{2 * steps}];");
                    w.Line("ref uint masks = ref MemoryMarshal.GetReference(columns);");
                    w.Line($"bool sparse0 = {kernels.NonzeroColumns(Inputs)}(ref x, m < {chunk} ? m : {chunk}, ref masks);");
                    w.Line($"bool sparse1 = chunks > 1 && {kernels.NonzeroColumns(Inputs)}(ref Unsafe.Add(ref x, {chunk * Inputs}), m - {chunk}, ref Unsafe.Add(ref masks, {steps}));");
                }

                if (rows8 > 0)
                {
                    w.Line($"// W{I}[o..o+8, :]: the gradient of the block, then its step");
                    using (w.Block($"for (nuint o = 0; o < {rows8}; o += 8)"))
                    {
                        EmitBlockGradient(w, t, chunk, steps, sparse, 8, gemm8, kernels);
                        w.Line($"step.Apply({W} + (int)(o * {Inputs}), {span}{8 * Inputs}));");
                    }
                }

                if (Outputs > rows8)
                {
                    using (w.Block($"for (nuint o = {rows8}; o < {Outputs}; o++)"))
                    {
                        EmitBlockGradient(w, t, chunk, steps, sparse: false, 1, gemm1, kernels);
                        w.Line($"step.Apply({W} + (int)(o * {Inputs}), {span}{Inputs}));");
                    }
                }

                w.Line($"// b{I}: g = Σₙ δ{I}ₙ, then its step");
                w.Line($"MemoryMarshal.CreateSpan(ref block, {Outputs}).Clear();");
                w.Line($"{kernels.SumRows(Outputs)}(ref d, m, ref block, {t.One});");
                w.Line($"step.Apply({B}, {span}{Outputs}));");
            }
        }

        /// <summary>block = Σₙ δ[n, o..]·x[n, :] over the (one or two) chunks of examples, the first chunk writing, the second adding.</summary>
        private void EmitBlockGradient(CodeWriter w, Numeric t, int chunk, int steps, bool sparse, int rows, string gemm, Kernels kernels)
        {
            string cj = rows == 8 ? "1" : "0";
            for (int c = 0; c < 2; c++)
            {
                string count = c == 0 ? $"m < {chunk} ? m : {chunk}" : $"m - {chunk}";
                string arguments = $"(ref Unsafe.Add(ref x, {c * chunk * Inputs}), {Inputs}, ref Unsafe.Add(ref d, {(c == 0 ? "o" : $"{chunk * Outputs} + o")}), {Outputs}, {cj}, {count}, ref block, {Inputs}, {t.One}, accumulate: {(c == 0 ? "false" : "true")}";
                using (c == 1 ? w.Block("if (chunks > 1)") : null)
                {
                    if (sparse)
                    {
                        using (w.Block($"if (sparse{c})"))
                        {
                            w.Line($"{kernels.GemmSparse(Inputs)}{arguments}, ref {(c == 0 ? "masks" : $"Unsafe.Add(ref masks, {steps})")});");
                        }

                        using (w.Block("else"))
                        {
                            w.Line($"{gemm}{arguments});");
                        }
                    }
                    else
                    {
                        w.Line($"{gemm}{arguments});");
                    }
                }
            }
        }
    }
}
