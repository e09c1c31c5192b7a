using System;
using System.Linq;

namespace NetGen.Generator.Emitting
{
    /// <summary>Writes the kernels that find and skip all-zero parts of an input that <see cref="Kernels"/> registered.</summary>
    internal sealed class SparseWriter : KernelWriter
    {
        public SparseWriter(Numeric t)
            : base(t)
        {
        }

        internal void EmitNonzeroChunks(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>");
            w.Line($"/// Writes to chunks the offsets of the chunks of x[0 .. {n}) that are not all zero (a NaN counts as not zero), in");
            w.Line($"/// increasing order, and returns their count; a chunk is one vector of the widest accelerated width, as in AxpyChunks{n}.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"internal static int NonzeroChunks{n}(ref {t} x, ref int chunks)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    w.Line("int count = 0;");
                    using (w.Block($"for (nuint i = 0; i < {vectors * lanes}; i += {lanes})"))
                    {
                        w.Line("Unsafe.Add(ref chunks, count) = (int)i;");
                        w.Line($"count += {v.Load("x", "i")} != Vector{bits}<{t}>.Zero ? 1 : 0;");
                    }

                    w.Line("return count;");
                });

                w.Line($"return 0; // without vectors, AxpyChunks{n} goes over all of x");
            }
        }

        internal void EmitAxpyChunks(CodeWriter w, int n)
        {
            string t = _t.Type;
            var scalar = new VectorSpec(0, 1, _t);
            Func<string, string[]> tail = i => new[] { scalar.Store("y", i, scalar.MultiplyAdd("alpha", scalar.Load("x", i), scalar.Load("y", i))) };
            w.Line($"/// <summary>");
            w.Line($"/// y[i] += α·x[i] for i &lt; {n} in the chunks listed by NonzeroChunks{n} (and the scalar remainder): Axpy{n} with the");
            w.Line("/// chunks of x that are all zero skipped, which would leave y as it is (y + α·0 = y for finite α).");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"internal static void AxpyChunks{n}(ref {t} y, {t} alpha, ref {t} x, ref int chunks, int count)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    w.Line($"if (count > {DenseAbove(vectors)})");
                    w.Line("{");
                    w.Line($"    Axpy{n}(ref y, alpha, ref x); // mostly nonzero: the dense loop is faster");
                    w.Line("    return;");
                    w.Line("}");
                    w.Line();
                    w.Line($"Vector{bits}<{t}> alphaV = Vector{bits}.Create(alpha);");
                    using (w.Block("for (int c = 0; c < count; c++)"))
                    {
                        w.Line("nuint i = (nuint)Unsafe.Add(ref chunks, c);");
                        w.Line(v.Store("y", "i", v.MultiplyAdd("alpha", v.Load("x", "i"), v.Load("y", "i"))));
                    }

                    EmitScalarTail(w, vectors * lanes, n, tail);
                    w.Line("return;");
                });

                EmitScalarTail(w, 0, n, tail);
            }
        }

        internal void EmitNonzeroRows(CodeWriter w, int n)
        {
            string t = _t.Type;
            int block = BlockExamples;
            w.Line($"/// <summary>");
            w.Line($"/// Writes to ks the k &lt; {n} whose row xt[k·{block} .. k·{block} + {block}) of a transposed block is not all zero (a NaN counts");
            w.Line("/// as not zero), in increasing order, and returns their count: the reduction steps a sparse forward block visits.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static int NonzeroRows{n}(ref {t} xt, ref int ks)"))
            {
                w.Line("int count = 0;");
                foreach (int bits in s_widths)
                {
                    int lanes = _t.Lanes(bits);
                    int vectors = block / lanes;
                    using (w.Block($"if (Vector{bits}.IsHardwareAccelerated)"))
                    {
                        using (w.Block($"for (nuint k = 0; k < {n}; k++)"))
                        {
                            w.Line($"ref {t} row = ref Unsafe.Add(ref xt, k * {block});");
                            // OR of the bits: all bits but the sign are 0 exactly when every value is ±0.
                            w.Line($"Vector{bits}<{t}> any = " + string.Join(" | ", Enumerable.Range(0, vectors).Select(q => $"Vector{bits}.LoadUnsafe(ref row{(q == 0 ? string.Empty : $", {q * lanes}")})")) + ";");
                            w.Line("Unsafe.Add(ref ks, count) = (int)k;");
                            w.Line($"count += any != Vector{bits}<{t}>.Zero ? 1 : 0;");
                        }

                        w.Line("return count;");
                    }

                    w.Line();
                }

                using (w.Block($"for (nuint k = 0; k < {n}; k++)"))
                {
                    w.Line("bool any = false;");
                    using (w.Block($"for (nuint j = 0; j < {block}; j++)"))
                    {
                        w.Line($"any |= Unsafe.Add(ref xt, (k * {block}) + j) != {_t.Zero};");
                    }

                    w.Line("Unsafe.Add(ref ks, count) = (int)k;");
                    w.Line("count += any ? 1 : 0;");
                }

                w.Line("return count;");
            }
        }

        internal void EmitNonzeroColumns(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>");
            w.Line($"/// masks[step] for GemmSparse8x{n}: bit k set when row k &lt; rows (at most 32) of v, {n} values each, has a value that is not");
            w.Line("/// zero (a NaN counts as not zero) in the columns of that step of the 8-row column loop. Returns whether the sparse");
            w.Line($"/// kernel pays: at most 7/8 of the bits set (otherwise, or without vectors, Gemm8x{n} is the one to call).");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static bool NonzeroColumns{n}(ref {t} v, nuint rows, ref uint masks)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    (int group, int groups, int singlesFrom, int steps) = GemmColumnLayout(bits, vectors, 8);
                    w.Line("int set = 0;");
                    using (w.Block($"for (int step = 0; step < {steps}; step++)"))
                    {
                        w.Line($"nuint i = step < {groups} ? (nuint)(step * {group * lanes}) : (nuint)({singlesFrom * lanes} + ((step - {groups}) * {lanes}));");
                        w.Line($"int width = step < {groups} ? {group} : 1;");
                        w.Line("uint mask = 0;");
                        using (w.Block("for (nuint k = 0; k < rows; k++)"))
                        {
                            w.Line($"ref {t} vk = ref Unsafe.Add(ref v, (k * {n}) + i);");
                            // OR of the bits: all bits but the sign are 0 exactly when every value is ±0.
                            w.Line($"Vector{bits}<{t}> any = Vector{bits}.LoadUnsafe(ref vk);");
                            using (w.Block("for (nuint q = 1; q < (nuint)width; q++)"))
                            {
                                w.Line($"any |= Vector{bits}.LoadUnsafe(ref vk, q * {lanes});");
                            }

                            w.Line($"mask |= (any != Vector{bits}<{t}>.Zero ? 1u : 0u) << (int)k;");
                        }

                        w.Line("Unsafe.Add(ref masks, step) = mask;");
                        w.Line("set += global::System.Numerics.BitOperations.PopCount(mask);");
                    }

                    w.Line($"return set <= {steps} * (int)rows - ({steps} * (int)rows / 8);");
                });

                w.Line("return false;");
            }
        }
    }
}
