using System;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// A convolution over a mini-batch: G examples at a time, their windows side by side in one Kc × G·P matrix, so that a
    /// small image (7 × 7: 49 windows, three vectors and one column left) still gives the products long rows (G·P ≥ 176
    /// columns); the products write a Cout × G·P block whose rows are then copied to each example (and the deltas gathered
    /// into one). A group short of G examples has its missing windows and deltas as zeros, which add nothing.
    /// </summary>
    internal sealed partial class Conv2DLayer
    {
        /// <summary>Columns a product should have at least: 11 Vector512s of floats.</summary>
        private const int GroupColumns = 176;

        /// <summary>Examples whose windows go side by side into one product: 1 when one example's already give enough columns.</summary>
        private int G => P >= GroupColumns ? 1 : Math.Min(16, (GroupColumns + P - 1) / P);

        /// <summary>Columns of a group's product: G·P.</summary>
        private int GP => G * P;

        /// <summary>Layer{l}ForwardBatch: whole groups of G examples at a time, then the examples left one by one.</summary>
        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            if (G == 1)
            {
                w.Line($"/// <summary>Layer {I} forward for a mini-batch: row n of y from row n of x, one example at a time, with s for the windows.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s)"))
                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"Layer{I}Forward(ref p, ref Unsafe.Add(ref x, n * {Inputs}), ref Unsafe.Add(ref y, n * {Outputs}), ref s);");
                }

                return;
            }

            w.Line("/// <summary>");
            w.Line($"/// Layer {I} forward for a mini-batch, {G} examples at a time: their windows side by side in s ({Kc} × {GP}), one product");
            w.Line($"/// a = {Activation.Name}(W{I}·cols + b{I}) into a {Cout} × {GP} block, then each example's {Cout} rows of {P} copied to its row of y;");
            w.Line("/// the examples after the last whole group one by one.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s)"))
            {
                w.Line($"ref {T} cols = ref s;");
                w.Line($"ref {T} block = ref Unsafe.Add(ref s, {Kc * GP});");
                w.Line($"ref {T} xp = ref Unsafe.Add(ref block, {Cout * GP});");
                w.Line("nuint n0 = 0;");
                using (w.Block($"for (; n0 + {G} <= (nuint)count; n0 += {G})"))
                {
                    EmitGroupColumns(w);
                    w.Line($"Layer{I}ProductGroup(ref p, ref cols, ref block);");
                    EmitGroupCopy(w, T, fromBlock: true, "block", "y");
                }

                using (w.Block("for (; n0 < (nuint)count; n0++)"))
                {
                    w.Line($"Layer{I}Forward(ref p, ref Unsafe.Add(ref x, n0 * {Inputs}), ref Unsafe.Add(ref y, n0 * {Outputs}), ref s);");
                }
            }
        }

        /// <summary>
        /// Layer{l}BackwardBatch(ref p, ref target, alpha, ref x, ref d[, ref dx], ref s, count): every example's δ of the input
        /// first (with the weights before any update), then target += α·∂L/∂θ; whole groups of G examples at a time, then the
        /// examples left one by one.
        /// </summary>
        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line("/// <summary>");
            w.Line($"/// Layer {I} backward for a mini-batch{(G > 1 ? $", {G} examples at a time" : string.Empty)}: " + (Previous is null ? string.Empty : $"δ{Previous.Index} = the windows of W{I}ᵀ·δ{I} added back onto the input (⊙ f′), with the weights before any update; then ")
                + $"W{I} += α·δ{I}·cols({InputName})ᵀ{(HasBias ? $" and b{I} += α·Σ δ{I}" : string.Empty)}.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} d{dxParameter}, ref {T} s, int count)"))
            {
                w.Line($"ref {T} w = ref Unsafe.Add(ref p, {Wc});");
                w.Line($"ref {T} cols = ref s;");
                int next = Kc * GP;
                if (Previous is not null)
                {
                    w.Line($"ref {T} dcols = ref Unsafe.Add(ref s, {next});");
                    next += Kc * GP;
                }

                if (G > 1)
                {
                    w.Line($"ref {T} block = ref Unsafe.Add(ref s, {next});");
                    next += Cout * GP;
                }

                w.Line($"ref {T} xp = ref Unsafe.Add(ref s, {next});");
                if (Previous is not null)
                {
                    w.Line($"// colsδ[r, :] = Σ_o W{I}[o, r]·δ{I}[o, :], 8 rows r at a time; then each column back onto its window of δ{Previous.Index}");
                    w.Line("nuint n0 = 0;");
                    if (G > 1)
                    {
                        using (w.Block($"for (; n0 + {G} <= (nuint)count; n0 += {G})"))
                        {
                            EmitGroupCopy(w, T, fromBlock: false, "block", "d");
                            EmitInputDeltas(w, t, kernels, "block", GP);
                        }
                    }

                    using (w.Block("for (; n0 < (nuint)count; n0++)"))
                    {
                        w.Line($"ref {T} dn = ref Unsafe.Add(ref d, n0 * {Outputs});");
                        EmitInputDeltas(w, t, kernels, "dn", P);
                    }

                    EmitSourceDerivative(w, kernels, 0, "dx", "x", "(nuint)count");
                    w.Line();
                }

                w.Line($"// W{I}[o, r] += α·Σ_windows δ{I}[o, :]·cols[r, :] (four o at a time sharing the loads of cols){(HasBias ? $"; b{I}[o] += α·Σ δ{I}[o, :]" : string.Empty)}");
                w.Line($"ref {T} tw = ref Unsafe.Add(ref target, {Wc});");
                if (HasBias)
                {
                    w.Line($"ref {T} tb = ref Unsafe.Add(ref target, {Bc});");
                }

                if (SumsOnStack)
                {
                    w.Line($"Span<{T}> sums = stackalloc {T}[{SumsLength}];");
                    w.Line($"ref {T} g4 = ref MemoryMarshal.GetReference(sums);");
                }
                else
                {
                    w.Line($"ref {T} g4 = ref Unsafe.Add(ref s, {BackwardScratch - SumsLength}); // {SumsLength} sums: too many for the stack");
                }
                w.Line(Previous is null ? "nuint m0 = 0;" : "nuint m0 = 0; // the examples again");
                if (G > 1)
                {
                    using (w.Block($"for (; m0 + {G} <= (nuint)count; m0 += {G})"))
                    {
                        EmitGroupCopy(w, T, fromBlock: false, "block", "d", "m0");
                        EmitGroupColumns(w, "m0");
                        EmitWeightGradient(w, T, kernels, "block", GP);
                    }
                }

                using (w.Block("for (; m0 < (nuint)count; m0++)"))
                {
                    w.Line($"ref {T} dn = ref Unsafe.Add(ref d, m0 * {Outputs});");
                    w.Line($"Layer{I}Columns(ref Unsafe.Add(ref x, m0 * {Inputs}), ref cols, ref xp, {P});");
                    EmitWeightGradient(w, T, kernels, "dn", P);
                }
            }
        }

        /// <summary>colsδ = Wᵀ·δ over n columns (one example's, or a group's), then each example's columns back onto its δ of the input.</summary>
        private void EmitInputDeltas(CodeWriter w, Numeric t, Kernels kernels, string dn, int n)
        {
            EmitBlocks(w, kernels, Kc, (r, rows) =>
                $"{kernels.Gemm(rows, n)}(ref {dn}, {n}, ref Unsafe.Add(ref w, {r}), {Kc}, 1, {Cout}, ref Unsafe.Add(ref dcols, {r} * {n}), {n}, {t.One}, accumulate: false);");
            if (n == P)
            {
                w.Line($"Layer{I}Scatter(ref dcols, ref Unsafe.Add(ref dx, n0 * {Inputs}), ref xp, {P});");
                return;
            }

            using (w.Block($"for (nuint j = 0; j < {G}; j++)"))
            {
                w.Line($"Layer{I}Scatter(ref Unsafe.Add(ref dcols, j * {P}), ref Unsafe.Add(ref dx, (n0 + j) * {Inputs}), ref xp, {GP});");
            }
        }

        /// <summary>W[o, r] += α·Σ δ[o, :]·cols[r, :] over n columns, four o at a time; and the bias's Σ δ[o, :].</summary>
        private void EmitWeightGradient(CodeWriter w, string T, Kernels kernels, string dn, int n)
        {
            // Sixteen rows' sums at once where the rows are long enough (one reduction tree for all sixteen), then four, then one.
            int rows16 = kernels.HasDotRows16(n) ? Cout / 16 * 16 : 0;
            int rows4 = Cout / 4 * 4;
            using (w.Block($"for (nuint r = 0; r < {Kc}; r++)"))
            {
                w.Line($"ref {T} cr = ref Unsafe.Add(ref cols, r * {n});");
                if (rows16 > 0)
                {
                    w.Line($"{kernels.DotRows16(n)}(ref {dn}, ref cr, ref g4, {rows16});");
                }

                if (rows4 > rows16)
                {
                    w.Line(rows16 == 0
                        ? $"{kernels.DotRows(n)}(ref {dn}, ref cr, ref g4, {rows4});"
                        : $"{kernels.DotRows(n)}(ref Unsafe.Add(ref {dn}, {rows16 * n}), ref cr, ref Unsafe.Add(ref g4, {rows16}), {rows4 - rows16});");
                }

                if (rows4 > 0)
                {
                    using (w.Block($"for (nuint o = 0; o < {rows4}; o++)"))
                    {
                        w.Line($"Unsafe.Add(ref tw, (o * {Kc}) + r) += alpha * Unsafe.Add(ref g4, o);");
                    }
                }

                if (Cout > rows4)
                {
                    using (w.Block($"for (nuint o = {rows4}; o < {Cout}; o++)"))
                    {
                        w.Line($"Unsafe.Add(ref tw, (o * {Kc}) + r) += alpha * {kernels.Dot(n)}(ref Unsafe.Add(ref {dn}, o * {n}), ref cr);");
                    }
                }
            }

            if (HasBias)
            {
                EmitBiasGradient(w, T, dn, n);
            }
        }

        /// <summary>The group's windows side by side in cols (rows of G·P).</summary>
        private void EmitGroupColumns(CodeWriter w, string first = "n0")
        {
            using (w.Block($"for (nuint j = 0; j < {G}; j++)"))
            {
                w.Line($"Layer{I}Columns(ref Unsafe.Add(ref x, ({first} + j) * {Inputs}), ref Unsafe.Add(ref cols, j * {P}), ref xp, {GP});");
            }
        }

        /// <summary>Each example's Cout rows of P between its row of the batch and the group's block (rows of G·P).</summary>
        private void EmitGroupCopy(CodeWriter w, string type, bool fromBlock, string block, string batch, string first = "n0")
        {
            string T = type;
            string bytes = (P * (type == "float" ? 4 : 8)).ToString(System.Globalization.CultureInfo.InvariantCulture); // one row of one example
            using (w.Block($"for (nuint j = 0; j < {G}; j++)"))
            {
                w.Line($"ref {T} example = ref Unsafe.Add(ref {batch}, ({first} + j) * {Outputs});");
                using (w.Block($"for (nuint o = 0; o < {Cout}; o++)"))
                {
                    w.Line($"ref {T} inBlock = ref Unsafe.Add(ref {block}, (o * {GP}) + (j * {P}));");
                    w.Line($"ref {T} inExample = ref Unsafe.Add(ref example, o * {P});");
                    w.Line(fromBlock
                        ? $"Unsafe.CopyBlockUnaligned(ref Unsafe.As<{T}, byte>(ref inExample), ref Unsafe.As<{T}, byte>(ref inBlock), {bytes});"
                        : $"Unsafe.CopyBlockUnaligned(ref Unsafe.As<{T}, byte>(ref inBlock), ref Unsafe.As<{T}, byte>(ref inExample), {bytes});");
                }
            }
        }

        /// <summary>b[o] += α·Σ δ[o, :] over rows of n.</summary>
        private void EmitBiasGradient(CodeWriter w, string T, string dn, int n)
        {
            using (w.Block($"for (nuint o = 0; o < {Cout}; o++)"))
            {
                w.Line($"ref {T} row = ref Unsafe.Add(ref {dn}, o * {n});");
                w.Line($"global::System.Numerics.Vector<{T}> lanes = global::System.Numerics.Vector<{T}>.Zero;");
                w.Line("nuint i = 0;");
                using (w.Block($"for (; i + (nuint)global::System.Numerics.Vector<{T}>.Count <= {n}; i += (nuint)global::System.Numerics.Vector<{T}>.Count)"))
                {
                    w.Line("lanes += global::System.Numerics.Vector.LoadUnsafe(ref row, i);");
                }

                w.Line($"{T} sum = global::System.Numerics.Vector.Sum(lanes);");
                using (w.Block($"for (; i < {n}; i++)"))
                {
                    w.Line("sum += Unsafe.Add(ref row, i);");
                }

                w.Line("Unsafe.Add(ref tb, o) += alpha * sum;");
            }
        }
    }
}
