using System;
using System.Globalization;
using System.Linq;

namespace NetGen.Generator.Emitting
{
    /// <summary>Writes the forward tiles and transposes of mini-batches that <see cref="Kernels"/> registered.</summary>
    internal sealed class ForwardBlockWriter : KernelWriter
    {
        public ForwardBlockWriter(Numeric t)
            : base(t)
        {
        }

        internal void EmitTransposeBlock(CodeWriter w, int n)
        {
            string t = _t.Type;
            int block = BlockExamples;
            int chunk = 64 / _t.Size;
            w.Line($"/// <summary>xt[i·{block} + j] = x[j·{n} + i] for the {block} examples j of a block and i &lt; {n}: the inputs with the examples along the vectors.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static void TransposeBlock{n}(ref {t} x, ref {t} xt)"))
            {
                int squares = n / 8 * 8;
                if (t == "float" && squares > 0)
                {
                    using (w.Block("if (global::System.Runtime.Intrinsics.X86.Avx.IsSupported)"))
                    {
                        w.Line("// 8 × 8 squares: 8 rows of 8 inputs in, 8 rows of 8 examples out, through 24 in-register shuffles.");
                        using (w.Block($"for (nuint i = 0; i < {squares}; i += 8)"))
                        {
                            using (w.Block($"for (nuint j = 0; j < {block}; j += 8)"))
                            {
                                w.Line($"ref {t} from = ref Unsafe.Add(ref x, (j * {n}) + i);");
                                for (int r = 0; r < 8; r++)
                                {
                                    w.Line($"Vector256<{t}> r{r} = Vector256.LoadUnsafe(ref from{(r == 0 ? string.Empty : $", {r * n}")});");
                                }

                                for (int r = 0; r < 8; r += 2)
                                {
                                    w.Line($"Vector256<{t}> l{r} = global::System.Runtime.Intrinsics.X86.Avx.UnpackLow(r{r}, r{r + 1}), h{r} = global::System.Runtime.Intrinsics.X86.Avx.UnpackHigh(r{r}, r{r + 1});");
                                }

                                foreach (int r in new[] { 0, 4 })
                                {
                                    w.Line($"Vector256<{t}> s{r} = global::System.Runtime.Intrinsics.X86.Avx.Shuffle(l{r}, l{r + 2}, 0x44), s{r + 1} = global::System.Runtime.Intrinsics.X86.Avx.Shuffle(l{r}, l{r + 2}, 0xEE);");
                                    w.Line($"Vector256<{t}> s{r + 2} = global::System.Runtime.Intrinsics.X86.Avx.Shuffle(h{r}, h{r + 2}, 0x44), s{r + 3} = global::System.Runtime.Intrinsics.X86.Avx.Shuffle(h{r}, h{r + 2}, 0xEE);");
                                }

                                w.Line($"ref {t} to = ref Unsafe.Add(ref xt, (i * {block}) + j);");
                                for (int r = 0; r < 8; r++)
                                {
                                    string control = r < 4 ? "0x20" : "0x31";
                                    w.Line($"global::System.Runtime.Intrinsics.X86.Avx.Permute2x128(s{r % 4}, s{(r % 4) + 4}, {control}).StoreUnsafe(ref to, {r * block});");
                                }
                            }
                        }

                        if (n > squares)
                        {
                            using (w.Block($"for (nuint j = 0; j < {block}; j++)"))
                            {
                                using (w.Block($"for (nuint i = {squares}; i < {n}; i++)"))
                                {
                                    w.Line($"Unsafe.Add(ref xt, (i * {block}) + j) = Unsafe.Add(ref x, (j * {n}) + i);");
                                }
                            }
                        }

                        w.Line("return;");
                    }

                    w.Line();
                }

                w.Line($"// {chunk} inputs of every example at a time: the lines written stay in L1.");
                using (w.Block($"for (nuint i0 = 0; i0 < {n}; i0 += {chunk})"))
                {
                    w.Line($"nuint end = {(n % chunk == 0 ? $"i0 + {chunk}" : $"Math.Min(i0 + {chunk}, {n})")};");
                    using (w.Block($"for (nuint j = 0; j < {block}; j++)"))
                    {
                        w.Line($"ref {t} row = ref Unsafe.Add(ref x, j * {n});");
                        using (w.Block("for (nuint i = i0; i < end; i++)"))
                        {
                            w.Line($"Unsafe.Add(ref xt, (i * {block}) + j) = Unsafe.Add(ref row, i);");
                        }
                    }
                }
            }
        }

        internal void EmitForwardBlock(CodeWriter w, int rows, int n, bool prefetching, bool sparse)
        {
            string t = _t.Type;
            int block = BlockExamples;
            string name = (prefetching ? "ForwardBlockPrefetching" : "ForwardBlock") + (sparse ? "Sparse" : string.Empty) + $"{rows}x{n}";
            string parameters = (sparse ? ", ref int ks, nuint count" : string.Empty) + (prefetching ? $", ref {t} next, nuint nextLength" : string.Empty);
            w.Line("/// <summary>");
            w.Line($"/// yt[o·{block} + j] = Σₖ w[o·{n} + k]·xt[k·{block} + j] for {rows} weight rows o and {block} examples j: the forward product of a layer");
            w.Line("/// in broadcast form. The examples lie along the vectors (xt is the transposed input block), each weight is broadcast");
            w.Line("/// once per step and multiplies every example's vector lane, and a tile of rows × vectors accumulates in registers over");
            w.Line("/// the whole reduction: no horizontal sums, and each input vector loaded feeds one multiply-add per row of the tile.");
            if (prefetching)
            {
                w.Line($"/// Meanwhile the next block's inputs (nextLength values from next, 0 for none) are prefetched, one {64 / _t.Size}-value cache");
                w.Line($"/// line every {(sparse ? 2 : 4)} steps of the reduction, so that their arrival from memory overlaps the arithmetic.");
            }

            if (sparse)
            {
                w.Line("/// The reduction visits only the count steps k listed in ks (NonzeroRows): a row of xt that is all zero would add");
                w.Line("/// exactly +0 to every accumulator (for finite weights), so the result is bit-identical to the dense kernel's.");
            }

            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static void {name}(ref {t} w, ref {t} xt, ref {t} yt{parameters})"))
            {
                foreach (int bits in s_widths)
                {
                    int lanes = _t.Lanes(bits);
                    int vectors = block / lanes;
                    // Registers: 32 with AVX-512 (24 accumulators), 16 below it.
                    int budget = bits == 512 ? 24 : 8;
                    if (vectors > budget)
                    {
                        continue;
                    }

                    int tile = Math.Max(1, Math.Min(rows, budget / vectors));
                    using (w.Block($"if (Vector{bits}.IsHardwareAccelerated)"))
                    {
                        if (prefetching)
                        {
                            w.Line("nuint prefetched = 0;");
                        }

                        int full = rows / tile * tile;
                        if (full > 0)
                        {
                            w.Line($"// {rows} rows = {Describe(rows / tile, tile, rows - full)}; each tile keeps {tile} × {vectors} accumulators");
                            using (w.Block($"for (nuint o = 0; o < {full}; o += {tile})"))
                            {
                                EmitForwardTile(w, bits, lanes, vectors, tile, n, "o", prefetching, sparse);
                            }
                        }

                        if (rows > full)
                        {
                            using (w.Block())
                            {
                                w.Line($"nuint o = {full};");
                                EmitForwardTile(w, bits, lanes, vectors, rows - full, n, "o", prefetching, sparse);
                            }
                        }

                        w.Line("return;");
                    }

                    w.Line();
                }

                using (w.Block($"for (nuint o = 0; o < {rows}; o++)"))
                {
                    using (w.Block($"for (nuint j = 0; j < {block}; j++)"))
                    {
                        w.Line($"{t} sum = {_t.Zero};");
                        using (w.Block(sparse ? "for (nuint c = 0; c < count; c++)" : $"for (nuint k = 0; k < {n}; k++)"))
                        {
                            if (sparse)
                            {
                                w.Line("nuint k = (nuint)Unsafe.Add(ref ks, c);");
                            }

                            w.Line($"sum += Unsafe.Add(ref w, (o * {n}) + k) * Unsafe.Add(ref xt, (k * {block}) + j);");
                        }

                        w.Line($"Unsafe.Add(ref yt, (o * {block}) + j) = sum;");
                    }
                }
            }

            static string Describe(int tiles, int tile, int rest) =>
                $"{tiles} tile{(tiles == 1 ? string.Empty : "s")} of {tile}" + (rest > 0 ? $" + one of {rest}" : string.Empty);
        }

        /// <summary>One tile of ForwardBlock: r rows from row `o` on, all the block's examples (`vectors` vectors).</summary>
        private void EmitForwardTile(CodeWriter w, int bits, int lanes, int vectors, int r, int n, string o, bool prefetching, bool sparse)
        {
            string t = _t.Type;
            string vt = $"Vector{bits}<{t}>";
            int block = vectors * lanes;
            w.Line($"ref {t} wo = ref Unsafe.Add(ref w, {o} * {n});");
            for (int j = 0; j < r; j++)
            {
                w.Line($"{vt} " + string.Join(", ", Enumerable.Range(0, vectors).Select(q => $"a{j}_{q} = {vt}.Zero")) + ";");
            }

            using (w.Block(sparse ? "for (nuint c = 0; c < count; c++)" : $"for (nuint k = 0; k < {n}; k++)"))
            {
                if (sparse)
                {
                    w.Line("nuint k = (nuint)Unsafe.Add(ref ks, c);");
                }

                if (prefetching)
                {
                    using (w.Block(sparse ? "if ((c & 1) == 0 && prefetched < nextLength)" : "if ((k & 3) == 0 && prefetched < nextLength)"))
                    {
                        w.Line("global::NetGen.Runtime.Memory.Prefetch(ref Unsafe.Add(ref next, prefetched));");
                        w.Line($"prefetched += {64 / _t.Size};");
                    }
                }

                w.Line($"ref {t} xk = ref Unsafe.Add(ref xt, k * {block});");
                for (int q = 0; q < vectors; q++)
                {
                    w.Line($"{vt} x{q} = Vector{bits}.LoadUnsafe(ref xk{(q == 0 ? string.Empty : $", {q * lanes}")});");
                }

                w.Line($"ref {t} wk = ref Unsafe.Add(ref wo, k);");
                for (int j = 0; j < r; j++)
                {
                    string weight = j == 0 ? "wk" : $"Unsafe.Add(ref wk, {j * n})";
                    w.Line($"{vt} c{j} = Vector{bits}.Create({weight});");
                    for (int q = 0; q < vectors; q++)
                    {
                        w.Line($"a{j}_{q} = MultiplyAdd(c{j}, x{q}, a{j}_{q});");
                    }
                }
            }

            w.Line($"ref {t} yo = ref Unsafe.Add(ref yt, {o} * {block});");
            for (int j = 0; j < r; j++)
            {
                for (int q = 0; q < vectors; q++)
                {
                    w.Line($"a{j}_{q}.StoreUnsafe(ref yo, {(j * block) + (q * lanes)});");
                }
            }
        }
    }
}
