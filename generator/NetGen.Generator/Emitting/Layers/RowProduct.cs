using NetGen.Generator.Emitting.Activations;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// The product of rows with a row-major weight matrix W (outputs × inputs), shared by the layers that compute one:
    /// Dense (a row per example, or per step) and Conv1D (a row per window). y[r, :] = f(W·x[r, :] + b), and its input
    /// deltas δx[r, :] = Σ_o δ[r, o]·W[o, :].
    /// </summary>
    internal static class RowProduct
    {
        /// <summary>
        /// Layer{l}ForwardRows(ref p, ref x, ref y, n, count): y = f(x·Wᵀ + b) for the rows [n, count), 4 rows × 4 outputs
        /// sharing their loads, with W and b at the generated constants <paramref name="weights"/> and <paramref name="bias"/>.
        /// </summary>
        public static void EmitForwardRows(CodeWriter w, Numeric t, Kernels kernels, string index, string weights, string bias, int inputs, int outputs, Activation activation, string rows = "examples", string name = "ForwardRows")
        {
            string block = kernels.DotBlock(inputs);
            string dot = kernels.Dot(inputs);
            int rows4 = outputs / 4 * 4;
            w.Line();
            w.Line($"/// <summary>Layer {index} forward for the rows [n, count): 4 rows × 4 {rows} at a time, then + b{index}, {activation.Name}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{index}{name}(ref {t.Type} p, ref {t.Type} x, ref {t.Type} y, nuint n, nuint count)"))
            {
                w.Line($"ref {t.Type} w = ref Unsafe.Add(ref p, {weights});");
                w.Line($"ref {t.Type} b = ref Unsafe.Add(ref p, {bias});");
                w.Line("nuint rest = n;");
                using (w.Block("for (; n + 4 <= count; n += 4)"))
                {
                    w.Line($"ref {t.Type} xn = ref Unsafe.Add(ref x, n * {inputs});");
                    w.Line($"ref {t.Type} yn = ref Unsafe.Add(ref y, n * {outputs});");
                    if (rows4 > 0)
                    {
                        using (w.Block($"for (nuint o = 0; o < {rows4}; o += 4)"))
                        {
                            w.Line($"{block}(ref Unsafe.Add(ref w, o * {inputs}), ref xn, ref Unsafe.Add(ref yn, o), {outputs});");
                        }
                    }

                    if (outputs > rows4)
                    {
                        using (w.Block($"for (nuint o = {rows4}; o < {outputs}; o++)"))
                        {
                            using (w.Block("for (nuint k = 0; k < 4; k++)"))
                            {
                                w.Line($"Unsafe.Add(ref yn, (k * {outputs}) + o) = {dot}(ref Unsafe.Add(ref w, o * {inputs}), ref Unsafe.Add(ref xn, k * {inputs}));");
                            }
                        }
                    }
                }

                using (w.Block("for (; n < count; n++)"))
                {
                    using (w.Block($"for (nuint o = 0; o < {outputs}; o++)"))
                    {
                        w.Line($"Unsafe.Add(ref y, (n * {outputs}) + o) = {dot}(ref Unsafe.Add(ref w, o * {inputs}), ref Unsafe.Add(ref x, n * {inputs}));");
                    }
                }

                w.Line();
                w.Line($"// + b{index}, then {activation.Name}");
                using (w.Block("for (nuint r = rest; r < count; r++)"))
                {
                    w.Line($"{kernels.BiasActivation(activation, outputs)}(ref Unsafe.Add(ref y, r * {outputs}), ref b);");
                }
            }
        }

        /// <summary>
        /// Statements adding α·Σ_r d[r, o]·x[r, :] to row o of the weights at ref <paramref name="target"/> for every o, over
        /// the <paramref name="count"/> rows of <paramref name="x"/> (inputs wide) and <paramref name="d"/> (outputs wide), 8 rows o at a time.
        /// </summary>
        public static void EmitWeightGradient(CodeWriter w, Kernels kernels, int inputs, int outputs, string x, string d, string count, string target)
        {
            string gemm8 = kernels.Gemm(8, inputs);
            string gemm1 = kernels.Gemm(1, inputs);
            int rows8 = outputs / 8 * 8;
            if (rows8 > 0)
            {
                using (w.Block($"for (nuint o = 0; o < {rows8}; o += 8)"))
                {
                    w.Line($"{gemm8}(ref {x}, {inputs}, ref Unsafe.Add(ref {d}, o), {outputs}, 1, {count}, ref Unsafe.Add(ref {target}, o * {inputs}), {inputs}, alpha, accumulate: true);");
                }
            }

            if (outputs > rows8)
            {
                using (w.Block($"for (nuint o = {rows8}; o < {outputs}; o++)"))
                {
                    w.Line($"{gemm1}(ref {x}, {inputs}, ref Unsafe.Add(ref {d}, o), {outputs}, 0, {count}, ref Unsafe.Add(ref {target}, o * {inputs}), {inputs}, alpha, accumulate: true);");
                }
            }
        }

        /// <summary>
        /// Statements writing dx[r, :] = Σ_o d[r, o]·W[o, :] for the <paramref name="count"/> rows of <paramref name="d"/>
        /// (the weights w in scope), 8 rows at a time; no derivative applied.
        /// </summary>
        public static void EmitInputDeltas(CodeWriter w, Numeric t, Kernels kernels, int inputs, int outputs, string d, string dx, string count, string n = "n")
        {
            string gemm8 = kernels.Gemm(8, inputs);
            string gemm1 = kernels.Gemm(1, inputs);
            w.Line($"nuint {n} = 0;");
            using (w.Block($"for (; {n} + 8 <= {count}; {n} += 8)"))
            {
                w.Line($"{gemm8}(ref w, {inputs}, ref Unsafe.Add(ref {d}, {n} * {outputs}), 1, {outputs}, {outputs}, ref Unsafe.Add(ref {dx}, {n} * {inputs}), {inputs}, {t.One}, accumulate: false);");
            }

            using (w.Block($"for (; {n} < {count}; {n}++)"))
            {
                w.Line($"{gemm1}(ref w, {inputs}, ref Unsafe.Add(ref {d}, {n} * {outputs}), 1, 0, {outputs}, ref Unsafe.Add(ref {dx}, {n} * {inputs}), {inputs}, {t.One}, accumulate: false);");
            }
        }
    }
}
