using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Generator.Emitting
{
    /// <summary>Writes the rank-update (Gemm) and column-sum kernels that <see cref="Kernels"/> registered.</summary>
    internal sealed class GemmWriter : KernelWriter
    {
        public GemmWriter(Numeric t)
            : base(t)
        {
        }

        internal void EmitGemm(CodeWriter w, int r, int n, bool sparse = false)
        {
            string t = _t.Type;
            string name = sparse ? $"GemmSparse{r}x{n}" : $"Gemm{r}x{n}";
            w.Line($"/// <summary>");
            w.Line($"/// o[j·os + i] = (accumulate ? o[j·os + i] : 0) + α·Σ_r c[r·cr + j·cj]·v[r·vs + i] for {r} output row{(r > 1 ? "s" : string.Empty)} j and i &lt; {n}:");
            w.Line("/// the weight gradient Σₙ δₙ·xₙᵀ (or the fused update W −= η·Σₙ δₙ·xₙᵀ) and the back-propagated deltas Wᵀδ of a mini-batch.");
            w.Line("/// The accumulators stay in registers over the whole reduction; each v load feeds " + r + " multiply-adds.");
            if (sparse)
            {
                w.Line("/// Each step of the column loop visits only the rows r set in masks[step] (NonzeroColumns): the rows of v that are");
                w.Line($"/// all zero there add exactly +0 to every accumulator (for finite c), so every sum is bit-identical to Gemm{r}x{n}'s.");
            }

            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string masks = sparse ? ", ref uint masks" : string.Empty;
            using (w.Block($"internal static void {name}(ref {t} v, nuint vs, ref {t} c, nuint cr, nuint cj, nuint rows, ref {t} o, nuint os, {t} alpha, bool accumulate{masks})"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    w.Line($"Vector{bits}<{t}> alphaV = Vector{bits}.Create(alpha);");
                    (int group, int groups, int singlesFrom, _) = GemmColumnLayout(bits, vectors, r);
                    if (groups > 0)
                    {
                        using (w.Block($"for (nuint i = 0; i < {groups * group * lanes}; i += {group * lanes})"))
                        {
                            EmitGemmColumns(w, bits, lanes, r, group, sparse ? $"(int)(i / {group * lanes})" : null);
                        }
                    }

                    if (vectors - singlesFrom == 1)
                    {
                        using (w.Block())
                        {
                            w.Line($"nuint i = {singlesFrom * lanes};");
                            EmitGemmColumns(w, bits, lanes, r, 1, sparse ? Lit(groups) : null);
                        }
                    }
                    else if (vectors - singlesFrom > 1)
                    {
                        using (w.Block($"for (nuint i = {singlesFrom * lanes}; i < {vectors * lanes}; i += {lanes})"))
                        {
                            EmitGemmColumns(w, bits, lanes, r, 1, sparse ? $"{groups} + (int)((i - {singlesFrom * lanes}) / {lanes})" : null);
                        }
                    }

                    // The columns left over: one vector of each narrower width that fits (e.g. 4 floats for n = 100 with
                    // Vector512), then single columns; the narrower vectors are accelerated wherever the wider ones are.
                    int done = vectors * lanes;
                    foreach (int narrow in s_widths)
                    {
                        int narrowLanes = _t.Lanes(narrow);
                        if (narrow >= bits || n - done < narrowLanes || sparse)
                        {
                            continue;
                        }

                        using (w.Block())
                        {
                            w.Line($"Vector{narrow}<{t}> alpha{narrow} = Vector{narrow}.Create(alpha);");
                            w.Line($"nuint i = {done};");
                            EmitGemmColumns(w, narrow, narrowLanes, r, 1, null, "alpha" + narrow);
                        }

                        done += narrowLanes;
                    }

                    if (done < n)
                    {
                        EmitGemmScalar(w, r, done, n);
                    }

                    w.Line("return;");
                });

                EmitGemmScalar(w, r, 0, n);
            }
        }

        /// <summary>One step of the column loop: `width` vectors × r rows of accumulators, reduced over rows.</summary>
        private void EmitGemmColumns(CodeWriter w, int bits, int lanes, int r, int width, string? step = null, string alpha = "alphaV")
        {
            string t = _t.Type;
            var v = new VectorSpec(bits, lanes, _t);
            for (int j = 0; j < r; j++)
            {
                w.Line($"Vector{bits}<{t}> " + string.Join(", ", Enumerable.Range(0, width).Select(q => $"a{j}{q} = Vector{bits}<{t}>.Zero")) + ";");
            }

            if (step is not null)
            {
                w.Line($"uint mask = Unsafe.Add(ref masks, {step});");
            }

            using (w.Block(step is null ? "for (nuint k = 0; k < rows; k++)" : "while (mask != 0)"))
            {
                if (step is not null)
                {
                    w.Line("nuint k = (nuint)global::System.Numerics.BitOperations.TrailingZeroCount(mask);");
                    w.Line("mask &= mask - 1;");
                }

                w.Line($"ref {t} vk = ref Unsafe.Add(ref v, k * vs);");
                w.Line($"ref {t} ck = ref Unsafe.Add(ref c, k * cr);");
                for (int q = 0; q < width; q++)
                {
                    w.Line($"Vector{bits}<{t}> v{q} = {v.Load("vk", Offset("i", q * lanes))};");
                }

                for (int j = 0; j < r; j++)
                {
                    string coefficient = j == 0 ? "ck" : $"Unsafe.Add(ref ck, {(j == 1 ? "cj" : $"{j} * cj")})";
                    w.Line($"Vector{bits}<{t}> c{j} = Vector{bits}.Create({coefficient});");
                    for (int q = 0; q < width; q++)
                    {
                        w.Line($"a{j}{q} = MultiplyAdd(c{j}, v{q}, a{j}{q});");
                    }
                }
            }

            for (int j = 0; j < r; j++)
            {
                w.Line($"ref {t} o{j} = ref Unsafe.Add(ref o, {(j == 0 ? "0" : j == 1 ? "os" : $"{j} * os")});");
                for (int q = 0; q < width; q++)
                {
                    string at = Offset("i", q * lanes);
                    w.Line($"(accumulate ? MultiplyAdd({alpha}, a{j}{q}, {v.Load($"o{j}", at)}) : {alpha} * a{j}{q}).StoreUnsafe(ref o{j}, {at});");
                }
            }
        }

        /// <summary>
        /// The columns [from, n) one at a time, the r rows' sums side by side (k outer: r independent chains, each v value loaded
        /// once); each sum is still Σ_k c·v in k order with a multiply then an add, so the results are those of one sum at a time.
        /// </summary>
        private void EmitGemmScalar(CodeWriter w, int r, int from, int n)
        {
            string t = _t.Type;
            using (w.Block($"for (nuint i = {from}; i < {n}; i++)"))
            {
                w.Line($"{t} " + string.Join(", ", Enumerable.Range(0, r).Select(j => $"sum{j} = {_t.Zero}")) + ";");
                using (w.Block("for (nuint k = 0; k < rows; k++)"))
                {
                    w.Line($"{t} vk = Unsafe.Add(ref v, (k * vs) + i);");
                    w.Line($"ref {t} ck = ref Unsafe.Add(ref c, k * cr);");
                    for (int j = 0; j < r; j++)
                    {
                        string coefficient = j == 0 ? "ck" : $"Unsafe.Add(ref ck, {(j == 1 ? "cj" : $"{j} * cj")})";
                        w.Line($"sum{j} += {coefficient} * vk;");
                    }
                }

                for (int j = 0; j < r; j++)
                {
                    w.Line($"ref {t} target{j} = ref Unsafe.Add(ref o, {(j == 0 ? "i" : j == 1 ? "os + i" : $"({j} * os) + i")});");
                    w.Line($"target{j} = accumulate ? target{j} + (alpha * sum{j}) : alpha * sum{j};");
                }
            }
        }

        internal void EmitGemmMany(CodeWriter w, int n)
        {
            string t = _t.Type;
            int strip = 3 * _t.Lanes(512);
            w.Line("/// <summary>");
            w.Line($"/// Gemm{n}'s rank update for count output rows j (c's at j·cj, o's at j·os): strip by strip of {strip} columns, and in a strip 8");
            w.Line("/// rows at a time, then 4, then one, so that a strip of v is read from memory once for all the rows.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static void GemmMany{n}(ref {t} v, nuint vs, ref {t} c, nuint cr, nuint cj, nuint rows, ref {t} o, nuint os, {t} alpha, bool accumulate, nuint count)"))
            {
                foreach (int width in GemmManyStrips(n))
                {
                    bool strips = width == strip && n >= 2 * strip;
                    string first = width == strip ? "0" : Lit(n - width);
                    using (w.Block(strips ? $"for (nuint b = 0; b < {n / strip * strip}; b += {strip})" : null))
                    {
                        string b = strips ? "b" : first;
                        w.Line($"ref {t} vb = ref Unsafe.Add(ref v, {b});");
                        w.Line($"ref {t} ob = ref Unsafe.Add(ref o, {b});");
                        w.Line("nuint j = 0;");
                        using (w.Block("for (; j + 8 <= count; j += 8)"))
                        {
                            w.Line($"Gemm8x{width}(ref vb, vs, ref Unsafe.Add(ref c, j * cj), cr, cj, rows, ref Unsafe.Add(ref ob, j * os), os, alpha, accumulate);");
                        }

                        using (w.Block("if (j + 4 <= count)"))
                        {
                            w.Line($"Gemm4x{width}(ref vb, vs, ref Unsafe.Add(ref c, j * cj), cr, cj, rows, ref Unsafe.Add(ref ob, j * os), os, alpha, accumulate);");
                            w.Line("j += 4;");
                        }

                        using (w.Block("for (; j < count; j++)"))
                        {
                            w.Line($"Gemm1x{width}(ref vb, vs, ref Unsafe.Add(ref c, j * cj), cr, cj, rows, ref Unsafe.Add(ref ob, j * os), os, alpha, accumulate);");
                        }
                    }
                }
            }
        }

        internal void EmitSumRows(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>");
            w.Line($"/// t[i] += α·Σ_r d[r·{n} + i] for i &lt; {n}: column sums, each column in a vector lane (up to 8 vectors of columns at a time,");
            w.Line("/// independent accumulators), summed over the rows in order: the same sums as one column at a time, without its");
            w.Line("/// strided loads and its chain of dependent additions.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"internal static void SumRows{n}(ref {t} d, nuint rows, ref {t} t, {t} alpha)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    string vt = $"Vector{bits}<{t}>";
                    w.Line($"{vt} alphaV = Vector{bits}.Create(alpha);");
                    // Up to 4 groups of 8 vectors written out, more in a loop: the code's size is bounded whatever the width.
                    int groups = vectors / 8;
                    int looped = groups > 4 ? groups : 0;
                    if (looped > 0)
                    {
                        using (w.Block($"for (nuint c = 0; c < {looped * 8 * lanes}; c += {8 * lanes})"))
                        {
                            w.Line($"// columns c to c + {(8 * lanes) - 1}");
                            EmitSumRowsGroup(w, bits, lanes, n, 8, "c", 0);
                        }
                    }

                    for (int first = looped * 8; first < vectors; first += 8)
                    {
                        int group = Math.Min(8, vectors - first);
                        using (w.Block())
                        {
                            w.Line($"// columns {first * lanes} to {((first + group) * lanes) - 1}");
                            EmitSumRowsGroup(w, bits, lanes, n, group, null, first * lanes);
                        }
                    }

                    EmitSumRowsScalar(w, vectors * lanes, n);
                    w.Line("return;");
                });

                EmitSumRowsScalar(w, 0, n);
            }
        }

        /// <summary>
        /// One group of up to 8 vectors of columns, from column `column` (a loop variable) or else from the literal `first`:
        /// summed over the rows in order, then α times the sums added to t.
        /// </summary>
        private void EmitSumRowsGroup(CodeWriter w, int bits, int lanes, int n, int group, string? column, int first)
        {
            string t = _t.Type;
            string vt = $"Vector{bits}<{t}>";
            string from = column ?? Lit(first);
            w.Line($"{vt} " + string.Join(", ", Enumerable.Range(0, group).Select(q => $"s{q} = {vt}.Zero")) + ";");
            using (w.Block("for (nuint r = 0; r < rows; r++)"))
            {
                w.Line($"ref {t} dr = ref Unsafe.Add(ref d, {(from == "0" ? $"r * {n}" : $"(r * {n}) + {from}")});");
                for (int q = 0; q < group; q++)
                {
                    w.Line($"s{q} += Vector{bits}.LoadUnsafe(ref dr{(q == 0 ? string.Empty : $", {q * lanes}")});");
                }
            }

            if (column is not null)
            {
                w.Line($"ref {t} tc = ref Unsafe.Add(ref t, {column});");
            }

            for (int q = 0; q < group; q++)
            {
                string at = Lit(column is null ? first + (q * lanes) : q * lanes);
                string target = column is null ? "t" : "tc";
                w.Line($"(Vector{bits}.LoadUnsafe(ref {target}, {at}) + (alphaV * s{q})).StoreUnsafe(ref {target}, {at});");
            }
        }

        private void EmitSumRowsScalar(CodeWriter w, int from, int n)
        {
            if (from >= n)
            {
                return;
            }

            using (w.Block($"for (nuint i = {from}; i < {n}; i++)"))
            {
                w.Line($"{_t.Type} sum = {_t.Zero};");
                using (w.Block("for (nuint r = 0; r < rows; r++)"))
                {
                    w.Line($"sum += Unsafe.Add(ref d, (r * {n}) + i);");
                }

                w.Line("Unsafe.Add(ref t, i) += alpha * sum;");
            }
        }
    }
}
