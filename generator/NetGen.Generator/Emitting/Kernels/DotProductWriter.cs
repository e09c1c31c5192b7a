using System;
using System.Linq;

namespace NetGen.Generator.Emitting
{
    /// <summary>Writes the dot-product kernels that <see cref="Kernels"/> registered.</summary>
    internal sealed class DotProductWriter : KernelWriter
    {
        public DotProductWriter(Numeric t)
            : base(t)
        {
        }

        internal void EmitDot(CodeWriter w, int n)
        {
            w.Line($"/// <summary>Σᵢ a[i]·b[i] for i &lt; {n}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"internal static {_t.Type} Dot{n}(ref {_t.Type} a, ref {_t.Type} b)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    int accumulators = Math.Min(4, vectors);
                    int unrolled = vectors / 4 * 4;
                    w.Line($"// {n} = {Describe(n, lanes, unrolled, vectors)}");
                    for (int k = 0; k < accumulators; k++)
                    {
                        w.Line($"Vector{bits}<{_t.Type}> s{k} = Vector{bits}<{_t.Type}>.Zero;");
                    }

                    if (unrolled > 0)
                    {
                        using (w.Block($"for (nuint i = 0; i < {unrolled * lanes}; i += {4 * lanes})"))
                        {
                            for (int k = 0; k < 4; k++)
                            {
                                string i = Offset("i", k * lanes);
                                w.Line($"s{k} = {v.MultiplyAdd(v.Load("a", i), v.Load("b", i), $"s{k}")};");
                            }
                        }
                    }

                    for (int k = unrolled; k < vectors; k++)
                    {
                        string i = Lit(k * lanes);
                        w.Line($"s{k - unrolled} = {v.MultiplyAdd(v.Load("a", i), v.Load("b", i), $"s{k - unrolled}")};");
                    }

                    string sum = accumulators switch
                    {
                        1 => "s0",
                        2 => "s0 + s1",
                        3 => "(s0 + s1) + s2",
                        _ => "(s0 + s1) + (s2 + s3)",
                    };
                    w.Line($"{_t.Type} r = Vector{bits}.Sum({sum});");
                    EmitScalarTail(w, vectors * lanes, n, i => new[] { $"r += Unsafe.Add(ref a, {i}) * Unsafe.Add(ref b, {i});" });
                    w.Line("return r;");
                });

                w.Line($"{_t.Type} sum = {_t.Zero};");
                EmitScalarTail(w, 0, n, i => new[] { $"sum += Unsafe.Add(ref a, {i}) * Unsafe.Add(ref b, {i});" });
                w.Line("return sum;");
            }
        }

        internal void EmitDotRows(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>y[j] = Σᵢ w[j·{n} + i]·x[i] for rows j &lt; rows (a multiple of 4), 4 at a time: each input vector loaded feeds 4 multiply-adds (8 accumulators).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static void DotRows{n}(ref {t} w, ref {t} x, ref {t} y, nuint rows)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    string vt = $"Vector{bits}<{t}>";
                    int pairs = vectors / 2;
                    using (w.Block("for (nuint o = 0; o < rows; o += 4)"))
                    {
                        w.Line($"ref {t} wo = ref Unsafe.Add(ref w, o * {n});");
                        w.Line($"// {n} = {(pairs > 0 ? $"{pairs} × 2 × {lanes}" : string.Empty)}{(vectors % 2 == 1 ? $"{(pairs > 0 ? " + " : string.Empty)}{lanes}" : string.Empty)}{(n % lanes != 0 ? $" + {n % lanes} (a masked vector)" : string.Empty)}");
                        w.Line($"{vt} s0 = {vt}.Zero, s1 = {vt}.Zero, s2 = {vt}.Zero, s3 = {vt}.Zero;");
                        if (pairs > 0)
                        {
                            w.Line($"{vt} t0 = {vt}.Zero, t1 = {vt}.Zero, t2 = {vt}.Zero, t3 = {vt}.Zero;");
                            using (w.Block($"for (nuint i = 0; i < {pairs * 2 * lanes}; i += {2 * lanes})"))
                            {
                                w.Line($"{vt} x0 = {v.Load("x", "i")};");
                                w.Line($"{vt} x1 = {v.Load("x", Offset("i", lanes))};");
                                for (int j = 0; j < 4; j++)
                                {
                                    w.Line($"s{j} = MultiplyAdd({v.Load("wo", Offset("i", j * n))}, x0, s{j});");
                                    w.Line($"t{j} = MultiplyAdd({v.Load("wo", Offset("i", (j * n) + lanes))}, x1, t{j});");
                                }
                            }
                        }

                        if (vectors % 2 == 1)
                        {
                            int at = pairs * 2 * lanes;
                            w.Line($"{vt} xl = {v.Load("x", Lit(at))};");
                            for (int j = 0; j < 4; j++)
                            {
                                w.Line($"s{j} = MultiplyAdd({v.Load("wo", Lit(at + (j * n)))}, xl, s{j});");
                            }
                        }

                        EmitDotRowsRest(w, v, bits, lanes, n);
                        EmitDotRowsSums(w, bits, lanes, vectors, n);
                    }

                    w.Line("return;");
                });

                using (w.Block("for (nuint j = 0; j < rows; j++)"))
                {
                    w.Line($"Unsafe.Add(ref y, j) = Dot{n}(ref Unsafe.Add(ref w, j * {n}), ref x);");
                }
            }
        }

        private const string V16 = "Vector512<float>";

        private const string Avx512 = "global::System.Runtime.Intrinsics.X86.Avx512F";

        internal void EmitDotRows16(CodeWriter w, int n)
        {
            int vectors = n / 16;
            w.Line("/// <summary>");
            w.Line($"/// y[j] = Σᵢ w[j·{n} + i]·x[i] for rows j &lt; rows (a multiple of 16), 16 at a time: one accumulator per row over its {vectors} vector{(vectors > 1 ? "s" : string.Empty)},");
            w.Line("/// then the 16 accumulators summed by a transposing tree (halves, quarters, pairs, lanes) into one vector of their");
            w.Line("/// 16 sums: about 3 shuffles and adds per row instead of a horizontal sum each. Accumulator k is row 4·(k mod 4) + k/4,");
            w.Line("/// the order the tree leaves its lanes in.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static void DotRows16x{n}(ref float w, ref float x, ref float y, nuint rows)"))
            {
                using (w.Block($"if (!Vector512.IsHardwareAccelerated || !{Avx512}.IsSupported)"))
                {
                    w.Line($"DotRows{n}(ref w, ref x, ref y, rows);");
                    w.Line("return;");
                }

                using (w.Block("for (nuint o = 0; o < rows; o += 16)"))
                {
                    w.Line($"{V16} {string.Join(", ", Enumerable.Range(0, 16).Select(k => "a" + k.ToString(System.Globalization.CultureInfo.InvariantCulture)))};");
                    EmitRows16(w, "w", "x", n, first: true);
                    EmitTree16(w, "y", null);
                }
            }
        }

        internal void EmitDotRows16Pair(CodeWriter w, int n1, int n2)
        {
            w.Line("/// <summary>");
            w.Line($"/// y[j] = Σᵢ u[j·{n1} + i]·x[i] + Σᵢ v[j·{n2} + i]·h[i] + b[j] for rows j &lt; rows (a multiple of 16): two matrices' rows in the");
            w.Line($"/// same 16 accumulators, one transposing tree for both, and the bias added as they are stored (as DotRows16x{n1}).");
            w.Line("/// Only called where Vector512 is accelerated; elsewhere the same sums one row at a time.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static void DotRows16x{n1}x{n2}(ref float u, ref float x, ref float v, ref float h, ref float b, ref float y, nuint rows)"))
            {
                using (w.Block($"if (!Vector512.IsHardwareAccelerated || !{Avx512}.IsSupported)"))
                {
                    using (w.Block("for (nuint j = 0; j < rows; j++)"))
                    {
                        w.Line($"Unsafe.Add(ref y, j) = Dot{n1}(ref Unsafe.Add(ref u, j * {n1}), ref x) + Dot{n2}(ref Unsafe.Add(ref v, j * {n2}), ref h) + Unsafe.Add(ref b, j);");
                    }

                    w.Line("return;");
                }

                using (w.Block("for (nuint o = 0; o < rows; o += 16)"))
                {
                    w.Line($"{V16} {string.Join(", ", Enumerable.Range(0, 16).Select(k => "a" + k.ToString(System.Globalization.CultureInfo.InvariantCulture)))};");
                    EmitRows16(w, "u", "x", n1, first: true);
                    EmitRows16(w, "v", "h", n2, first: false);
                    EmitTree16(w, "y", "b");
                }
            }
        }

        /// <summary>
        /// The 16 rows from o of w (rows of n) times x into the accumulators a0…a15 (accumulator k: row 4·(k mod 4) + k/4):
        /// declared from the first vector, or added to.
        /// </summary>
        private static void EmitRows16(CodeWriter w, string weights, string x, int n, bool first)
        {
            int vectors = n / 16;
            using (w.Block())
            {
                w.Line($"ref float wo = ref Unsafe.Add(ref {weights}, o * {n});");
                w.Line($"{V16} x0 = Vector512.LoadUnsafe(ref {x});");
                for (int k = 0; k < 16; k++)
                {
                    int row = (4 * (k % 4)) + (k / 4);
                    w.Line(first
                        ? $"a{k} = Vector512.LoadUnsafe(ref wo, {row * n}) * x0;"
                        : $"a{k} = MultiplyAdd(Vector512.LoadUnsafe(ref wo, {row * n}), x0, a{k});");
                }

                if (n % 16 != 0)
                {
                    int rest = n % 16;
                    string mask = $"Vector512.Create({string.Join(", ", Enumerable.Range(0, 16).Select(k => k < 16 - rest ? "0f" : "1f"))})";
                    w.Line("// The rest of each row: one more vector ending at the row's end, the lanes already counted times 0.");
                    w.Line($"{V16} xr = Vector512.LoadUnsafe(ref {x}, {n - 16}) * {mask};");
                    for (int k = 0; k < 16; k++)
                    {
                        int row = (4 * (k % 4)) + (k / 4);
                        w.Line($"a{k} = MultiplyAdd(Vector512.LoadUnsafe(ref wo, {(row * n) + n - 16}), xr, a{k});");
                    }
                }

                if (vectors > 1)
                {
                    using (w.Block($"for (nuint i = 16; i < {vectors * 16}; i += 16)"))
                    {
                        w.Line($"{V16} xi = Vector512.LoadUnsafe(ref {x}, i);");
                        for (int k = 0; k < 16; k++)
                        {
                            int row = (4 * (k % 4)) + (k / 4);
                            w.Line($"a{k} = MultiplyAdd(Vector512.LoadUnsafe(ref wo, i{(row == 0 ? string.Empty : $" + {row * n}")}), xi, a{k});");
                        }
                    }
                }
            }
        }

        /// <summary>The accumulators a0…a15 summed by the transposing tree and stored at y + o (plus the bias at b + o).</summary>
        private static void EmitTree16(CodeWriter w, string y, string? bias)
        {
            w.Line("// Halves: b_m = [a_2m's halves added | a_2m+1's].");
            for (int m = 0; m < 8; m++)
            {
                w.Line($"{V16} b{m} = {Avx512}.Shuffle4x128(a{2 * m}, a{(2 * m) + 1}, 0x44) + {Avx512}.Shuffle4x128(a{2 * m}, a{(2 * m) + 1}, 0xEE);");
            }

            w.Line("// Quarters: c_m's quarter j holds a_4m+j's, 4 lanes.");
            for (int m = 0; m < 4; m++)
            {
                w.Line($"{V16} c{m} = {Avx512}.Shuffle4x128(b{2 * m}, b{(2 * m) + 1}, 0x88) + {Avx512}.Shuffle4x128(b{2 * m}, b{(2 * m) + 1}, 0xDD);");
            }

            w.Line("// Pairs, then lanes: quarter q of the result holds a_q, a_4+q, a_8+q, a_12+q, that is rows 4q to 4q + 3.");
            w.Line($"{V16} d0 = {Avx512}.Shuffle(c0, c1, 0x44) + {Avx512}.Shuffle(c0, c1, 0xEE);");
            w.Line($"{V16} d1 = {Avx512}.Shuffle(c2, c3, 0x44) + {Avx512}.Shuffle(c2, c3, 0xEE);");
            string sums = $"{Avx512}.Shuffle(d0, d1, 0x88) + {Avx512}.Shuffle(d0, d1, 0xDD)";
            w.Line(bias is null ? $"({sums}).StoreUnsafe(ref {y}, o);" : $"({sums} + Vector512.LoadUnsafe(ref {bias}, o)).StoreUnsafe(ref {y}, o);");
        }

        /// <summary>
        /// The rest of a row that is not a whole number of vectors, as one more vector ending at the row's end with the lanes
        /// already counted multiplied by 0 (a scalar tail summed through memory was a chain of dependent read-modify-writes).
        /// </summary>
        private void EmitDotRowsRest(CodeWriter w, VectorSpec v, int bits, int lanes, int n)
        {
            int rest = n % lanes;
            if (rest == 0)
            {
                return;
            }

            string mask = $"Vector{bits}.Create({string.Join(", ", Enumerable.Range(0, lanes).Select(k => k < lanes - rest ? _t.Zero : _t.One))})";
            w.Line($"Vector{bits}<{_t.Type}> xr = {v.Load("x", Lit(n - lanes))} * {mask};");
            for (int j = 0; j < 4; j++)
            {
                w.Line($"s{j} = MultiplyAdd({v.Load("wo", Lit((j * n) + n - lanes))}, xr, s{j});");
            }
        }

        /// <summary>The end of one 4-row step of DotRows: y[o + j] = Σ lanes of (s_j + t_j), then the scalar tail.</summary>
        private void EmitDotRowsSums(CodeWriter w, int bits, int lanes, int vectors, int n)
        {
            string t = _t.Type;
            w.Line($"ref {t} yo = ref Unsafe.Add(ref y, o);");
            if (t == "float")
            {
                // The four sums at once (Sum4): the rows' lanes folded together, then one 4 × 4 transposing add.
                w.Line($"Sum4({string.Join(", ", Enumerable.Range(0, 4).Select(j => vectors >= 2 ? $"s{j} + t{j}" : $"s{j}"))}).StoreUnsafe(ref yo);");
            }
            else
            {
                for (int j = 0; j < 4; j++)
                {
                    w.Line($"Unsafe.Add(ref yo, {j}) = Vector{bits}.Sum({(vectors >= 2 ? $"s{j} + t{j}" : $"s{j}")});");
                }
            }

            if (n % lanes != 0 && vectors == 0)
            {
                using (w.Block($"for (nuint i = {vectors * lanes}; i < {n}; i++)"))
                {
                    w.Line($"{t} xi = Unsafe.Add(ref x, i);");
                    for (int j = 0; j < 4; j++)
                    {
                        w.Line($"Unsafe.Add(ref yo, {j}) += Unsafe.Add(ref wo, {(j == 0 ? "i" : $"i + {j * n}")}) * xi;");
                    }
                }
            }
        }

        /// <summary>
        /// Sum4(a, b, c, d) = (Σ lanes of a, Σ b, Σ c, Σ d) for float vectors of each width: the halves of each added until
        /// 4 lanes are left, then three horizontal adds (SSE3) instead of four separate reductions; elsewhere four sums.
        /// </summary>
        internal void EmitSum4(CodeWriter w)
        {
            foreach (int bits in new[] { 512, 256 })
            {
                string v = $"Vector{bits}<float>";
                w.Line($"/// <summary>(Σ lanes of a, Σ b, Σ c, Σ d): each vector's halves added, down to 4 lanes.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                w.Line($"internal static Vector128<float> Sum4({v} a, {v} b, {v} c, {v} d) =>");
                w.Line("    Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());");
                w.Line();
            }

            w.Line("/// <summary>(Σ a, Σ b, Σ c, Σ d) of four 4-lane vectors: three horizontal adds where SSE3 has them (a 4 × 4 transposing add), else four sums.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block("internal static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)"))
            {
                w.Line("if (global::System.Runtime.Intrinsics.X86.Sse3.IsSupported)");
                w.Line("{");
                w.Line("    return global::System.Runtime.Intrinsics.X86.Sse3.HorizontalAdd(global::System.Runtime.Intrinsics.X86.Sse3.HorizontalAdd(a, b), global::System.Runtime.Intrinsics.X86.Sse3.HorizontalAdd(c, d));");
                w.Line("}");
                w.Line();
                w.Line("return Vector128.Create(Vector128.Sum(a), Vector128.Sum(b), Vector128.Sum(c), Vector128.Sum(d));");
            }
        }

        internal void EmitDotRowsSparse(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>");
            w.Line($"/// DotRows{n} for an input that is mostly zero: y[j] = Σᵢ w[j·{n} + i]·x[i] for rows j &lt; rows (a multiple of 4).");
            w.Line("/// A chunk of x that is all zero adds exactly +0 to every sum (for finite weights), so the chunks that are not are");
            w.Line($"/// listed once, even-numbered and odd-numbered apart, and each 4-row step visits only those, into the same");
            w.Line($"/// accumulators and in the same order as DotRows{n}: every sum is bit-identical to it, and the weights of");
            w.Line("/// the skipped chunks are never read (a chunk of the widest vector is one cache line of a 64-byte aligned row).");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static void DotRowsSparse{n}(ref {t} w, ref {t} x, ref {t} y, nuint rows)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    if (vectors < 2)
                    {
                        w.Line($"DotRows{n}(ref w, ref x, ref y, rows);");
                        w.Line("return;");
                        return;
                    }

                    string vt = $"Vector{bits}<{t}>";
                    int pairs = vectors / 2;
                    int evenCapacity = (vectors + 1) / 2;
                    w.Line($"// The chunks of {lanes} inputs that are not all zero (a NaN counts as not zero): chunk 2c at even[·], 2c + 1 at odd[·]");
                    w.Line($"Span<int> chunks = stackalloc int[{vectors}];");
                    w.Line("ref int even = ref MemoryMarshal.GetReference(chunks);");
                    w.Line($"ref int odd = ref Unsafe.Add(ref even, {evenCapacity});");
                    w.Line("int evens = 0, odds = 0;");
                    using (w.Block($"for (nuint i = 0; i < {pairs * 2 * lanes}; i += {2 * lanes})"))
                    {
                        w.Line("Unsafe.Add(ref even, evens) = (int)i;");
                        w.Line($"evens += {v.Load("x", "i")} != {vt}.Zero ? 1 : 0;");
                        w.Line($"Unsafe.Add(ref odd, odds) = (int)i + {lanes};");
                        w.Line($"odds += {v.Load("x", Offset("i", lanes))} != {vt}.Zero ? 1 : 0;");
                    }

                    if (vectors % 2 == 1)
                    {
                        int at = pairs * 2 * lanes;
                        w.Line($"Unsafe.Add(ref even, evens) = {at};");
                        w.Line($"evens += {v.Load("x", Lit(at))} != {vt}.Zero ? 1 : 0;");
                    }

                    w.Line($"if (evens + odds > {DenseAbove(vectors)})");
                    w.Line("{");
                    w.Line($"    DotRows{n}(ref w, ref x, ref y, rows); // mostly nonzero: the dense loop is faster");
                    w.Line("    return;");
                    w.Line("}");
                    w.Line();
                    w.Line("int both = evens < odds ? evens : odds;");
                    using (w.Block("for (nuint o = 0; o < rows; o += 4)"))
                    {
                        w.Line($"ref {t} wo = ref Unsafe.Add(ref w, o * {n});");
                        w.Line($"{vt} s0 = {vt}.Zero, s1 = {vt}.Zero, s2 = {vt}.Zero, s3 = {vt}.Zero;");
                        w.Line($"{vt} t0 = {vt}.Zero, t1 = {vt}.Zero, t2 = {vt}.Zero, t3 = {vt}.Zero;");
                        w.Line("int c = 0;");
                        using (w.Block("for (; c < both; c++)"))
                        {
                            w.Line("nuint ie = (nuint)Unsafe.Add(ref even, c);");
                            w.Line("nuint io = (nuint)Unsafe.Add(ref odd, c);");
                            w.Line($"{vt} x0 = {v.Load("x", "ie")};");
                            w.Line($"{vt} x1 = {v.Load("x", "io")};");
                            for (int j = 0; j < 4; j++)
                            {
                                w.Line($"s{j} = MultiplyAdd({v.Load("wo", Offset("ie", j * n))}, x0, s{j});");
                                w.Line($"t{j} = MultiplyAdd({v.Load("wo", Offset("io", j * n))}, x1, t{j});");
                            }
                        }

                        foreach ((string list, string count, string acc) in new[] { ("even", "evens", "s"), ("odd", "odds", "t") })
                        {
                            using (w.Block($"for (int r = c; r < {count}; r++)"))
                            {
                                w.Line($"nuint i = (nuint)Unsafe.Add(ref {list}, r);");
                                w.Line($"{vt} xi = {v.Load("x", "i")};");
                                for (int j = 0; j < 4; j++)
                                {
                                    w.Line($"{acc}{j} = MultiplyAdd({v.Load("wo", Offset("i", j * n))}, xi, {acc}{j});");
                                }
                            }
                        }

                        EmitDotRowsRest(w, v, bits, lanes, n);
                        EmitDotRowsSums(w, bits, lanes, vectors, n);
                    }

                    w.Line("return;");
                });

                w.Line($"DotRows{n}(ref w, ref x, ref y, rows);");
            }
        }

        internal void EmitDotBlock(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>y[k·ldy + j] = Σᵢ w[j·{n} + i]·x[k·{n} + i] for 4 weight rows j and 4 examples k: 16 accumulators, 8 loads per 16 multiply-adds.</summary>");
            // Too large for the JIT to inline: a call it is, so it must be compiled fully optimized from the first call
            // (otherwise it runs as unoptimized tier-0 code for the first ~100 ms, about 6x slower).
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static void DotBlock{n}(ref {t} w, ref {t} x, ref {t} y, nuint ldy)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    for (int j = 0; j < 4; j++)
                    {
                        w.Line($"Vector{bits}<{t}> " + string.Join(", ", Enumerable.Range(0, 4).Select(k => $"s{j}{k} = Vector{bits}<{t}>.Zero")) + ";");
                    }

                    using (w.Block($"for (nuint i = 0; i < {vectors * lanes}; i += {lanes})"))
                    {
                        for (int j = 0; j < 4; j++)
                        {
                            w.Line($"Vector{bits}<{t}> w{j} = {v.Load("w", Offset("i", j * n))};");
                        }

                        for (int k = 0; k < 4; k++)
                        {
                            w.Line($"Vector{bits}<{t}> x{k} = {v.Load("x", Offset("i", k * n))};");
                        }

                        for (int j = 0; j < 4; j++)
                        {
                            for (int k = 0; k < 4; k++)
                            {
                                w.Line($"s{j}{k} = MultiplyAdd(w{j}, x{k}, s{j}{k});");
                            }
                        }
                    }

                    for (int j = 0; j < 4; j++)
                    {
                        for (int k = 0; k < 4; k++)
                        {
                            w.Line($"Unsafe.Add(ref y, ({k} * ldy) + {j}) = Vector{bits}.Sum(s{j}{k});");
                        }
                    }

                    if (n > vectors * lanes)
                    {
                        w.Line($"// the last {n - (vectors * lanes)} element(s) of each product");
                        using (w.Block($"for (nuint i = {vectors * lanes}; i < {n}; i++)"))
                        {
                            using (w.Block("for (nuint k = 0; k < 4; k++)"))
                            {
                                using (w.Block("for (nuint j = 0; j < 4; j++)"))
                                {
                                    w.Line($"Unsafe.Add(ref y, (k * ldy) + j) += Unsafe.Add(ref w, (j * {n}) + i) * Unsafe.Add(ref x, (k * {n}) + i);");
                                }
                            }
                        }
                    }

                    w.Line("return;");
                });

                using (w.Block("for (nuint k = 0; k < 4; k++)"))
                {
                    using (w.Block("for (nuint j = 0; j < 4; j++)"))
                    {
                        w.Line($"Unsafe.Add(ref y, (k * ldy) + j) = Dot{n}(ref Unsafe.Add(ref w, j * {n}), ref Unsafe.Add(ref x, k * {n}));");
                    }
                }
            }

        }
    }
}
