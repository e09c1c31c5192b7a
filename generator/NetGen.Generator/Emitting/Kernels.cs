using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Activations;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// The inner loops of a network, each specialized to one constant length n: dot products and row updates,
    /// the register-blocked forward and backward tiles of mini-batches, transposes, column sums, and each
    /// activation's bias + f and f′ loops (branch-free where f has a vector form; named after the activation's
    /// <see cref="Activation.Key"/>). Every kernel has a Vector512, Vector256 and Vector128 path (taken when the hardware
    /// accelerates it; the JIT folds the checks to constants) and a scalar fallback. Loop bounds, the
    /// 4-way unrolled main loop, the whole vectors left over and the scalar tail are all decided here,
    /// at generation time, so the emitted loops have literal trip counts.
    /// </summary>
    internal sealed class Kernels
    {
        private static readonly int[] s_widths = { 512, 256, 128 };

        private readonly Numeric _t;
        private readonly SortedSet<(int Kind, int Length, int Rows)> _requested = new();
        private readonly SortedDictionary<string, Action<CodeWriter>> _activationKernels = new(StringComparer.Ordinal);

        public Kernels(Numeric t) => _t = t;

        private enum Kind
        {
            Dot = 0,
            Axpy = 1,
            AccumulateRow = 2,
            UpdateRow = 3,
            DotBlock = 4,
            Gemm4 = 5,
            Gemm1 = 6,
            Gemm8 = 7,
            ForwardBlock = 8,
            TransposeBlock = 9,
            DotRows = 10,
            ForwardBlockPrefetching = 11,
            SumRows = 12,
            DotRowsSparse = 13,
            NonzeroChunks = 14,
            AxpyChunks = 15,
            NonzeroRows = 16,
            ForwardBlockSparse = 17,
            ForwardBlockPrefetchingSparse = 18,
            GemmSparse8 = 19,
            NonzeroColumns = 20,
        }

        /// <summary>
        /// Four dot products of consecutive weight rows with one input, sharing every input load:
        /// y[j] = Σᵢ w[j·n + i]·x[i] for j &lt; 4; signature (ref T w, ref T x, ref T y).
        /// </summary>
        public string DotRows(int n)
        {
            Request(Kind.Dot, n);
            return Request(Kind.DotRows, n);
        }

        /// <summary>
        /// <see cref="DotRows"/> for an input that is mostly zero (the first layer, reading the network's input): the
        /// vector-sized chunks of x that are all zero are listed once and skipped in every row, with every sum
        /// bit-identical to DotRows's; signature (ref T w, ref T x, ref T y, nuint rows).
        /// </summary>
        public string DotRowsSparse(int n)
        {
            DotRows(n);
            return Request(Kind.DotRowsSparse, n);
        }

        /// <summary>
        /// Lists the offsets of the chunks of x (one widest accelerated vector each) that are not all zero, in increasing
        /// order, and returns their count, for <see cref="AxpyChunks"/>; signature (ref T x, ref int chunks) → int, with
        /// room for <see cref="ChunkCapacity"/> entries.
        /// </summary>
        public string NonzeroChunks(int n) => Request(Kind.NonzeroChunks, n);

        /// <summary>Entries a <see cref="NonzeroChunks"/> list of length n may need (one per chunk of the narrowest vector).</summary>
        public int ChunkCapacity(int n) => Math.Max(1, n / _t.Lanes(128));

        /// <summary>
        /// y += α·x over the chunks listed by <see cref="NonzeroChunks"/> (and the scalar remainder): <see cref="Axpy"/>
        /// with the all-zero chunks of x skipped; signature (ref T y, T alpha, ref T x, ref int chunks, int count).
        /// </summary>
        public string AxpyChunks(int n)
        {
            Request(Kind.Axpy, n);
            return Request(Kind.AxpyChunks, n);
        }

        /// <summary>
        /// The sparse kernels fall back to the dense loop when more than this many of their <paramref name="parts"/>
        /// parts (chunks, or reduction steps of a block) are nonzero: visiting a list costs an index load per part and
        /// measured 4–10 % slower than the dense loop on inputs without all-zero parts.
        /// </summary>
        public static int DenseAbove(int parts) => parts - (parts / 8);

        /// <summary>
        /// Lists the k &lt; n whose row of a transposed block, xt[k·B .. k·B + B), is not all zero, in increasing order, and
        /// returns their count; signature (ref T xt, ref int ks) → int, with room for n entries.
        /// </summary>
        public string NonzeroRows(int n) => Request(Kind.NonzeroRows, n);

        /// <summary>
        /// xt[i·B + j] = x[j·n + i] for the <see cref="BlockExamples"/> B examples j of a block and i &lt; n: the block's inputs
        /// with the examples along the vectors; signature (ref T x, ref T xt).
        /// </summary>
        public string TransposeBlock(int n) => Request(Kind.TransposeBlock, n);

        /// <summary>
        /// Examples per block of the broadcast-form forward kernel: two of the widest vectors (32 floats, 16 doubles).
        /// </summary>
        public int BlockExamples => 2 * _t.Lanes(512);

        /// <summary>
        /// The forward product of a whole layer for one block of <see cref="BlockExamples"/> examples, in broadcast form:
        /// yt[o·B + j] = Σₖ w[o·n + k]·xt[k·B + j] for o &lt; rows, j &lt; B, with the inputs transposed (examples along
        /// the vectors); signature (ref T w, ref T xt, ref T yt).
        /// </summary>
        /// <remarks>With <paramref name="sparse"/>, the reduction visits only the k listed by <see cref="NonzeroRows"/>
        /// (the others would add exactly +0): signature (ref T w, ref T xt, ref T yt, ref int ks, nuint count).</remarks>
        public string ForwardBlock(int rows, int n, bool sparse = false)
        {
            _requested.Add(((int)(sparse ? Kind.ForwardBlockSparse : Kind.ForwardBlock), n, rows));
            return $"ForwardBlock{(sparse ? "Sparse" : string.Empty)}{rows.ToString(CultureInfo.InvariantCulture)}x{n.ToString(CultureInfo.InvariantCulture)}";
        }

        /// <summary>
        /// <see cref="ForwardBlock"/> for inputs that come from memory (the first layer): while it computes one block it
        /// prefetches the next block's inputs, one cache line every 4 reduction steps, so their arrival overlaps the
        /// arithmetic; signature (ref T w, ref T xt, ref T yt, ref T next, nuint nextLength), nextLength 0 for none.
        /// </summary>
        /// <remarks>With <paramref name="sparse"/> as in <see cref="ForwardBlock"/>, (…, ref int ks, nuint count, ref T next, nuint nextLength).</remarks>
        public string ForwardBlockPrefetching(int rows, int n, bool sparse = false)
        {
            _requested.Add(((int)(sparse ? Kind.ForwardBlockPrefetchingSparse : Kind.ForwardBlockPrefetching), n, rows));
            return $"ForwardBlockPrefetching{(sparse ? "Sparse" : string.Empty)}{rows.ToString(CultureInfo.InvariantCulture)}x{n.ToString(CultureInfo.InvariantCulture)}";
        }

        /// <summary>
        /// Sixteen dot products at once, 4 weight rows × 4 examples sharing every load (register blocking);
        /// signature (ref T w, ref T x, ref T y, nuint ldy): y[k·ldy + j] = Σᵢ w[j·n + i]·x[k·n + i], j, k &lt; 4.
        /// </summary>
        public string DotBlock(int n)
        {
            Request(Kind.Dot, n);
            return Request(Kind.DotBlock, n);
        }

        /// <summary>
        /// A rank-`rows` update of R = 4 (or 1) output rows: o[j·os + i] (+)= α·Σ_r c[r·cr + j·cj]·v[r·vs + i], i &lt; n;
        /// signature (ref T v, nuint vs, ref T c, nuint cr, nuint cj, nuint rows, ref T o, nuint os, T alpha, bool accumulate).
        /// </summary>
        public string Gemm(int rowsOut, int n) => Request(rowsOut switch { 8 => Kind.Gemm8, 4 => Kind.Gemm4, _ => Kind.Gemm1 }, n);

        /// <summary>
        /// <see cref="Gemm"/> for 8 output rows that visits, for each step of its column loop, only the rows r of v whose
        /// columns in that step are not all zero (bit r of masks[step], from <see cref="NonzeroColumns"/>; at most 32 rows);
        /// signature (…Gemm's…, ref uint masks). Every sum is bit-identical to Gemm's: a skipped term is c·0 = ±0.
        /// </summary>
        public string GemmSparse(int n)
        {
            Request(Kind.Gemm8, n);
            return Request(Kind.GemmSparse8, n);
        }

        /// <summary>
        /// masks[step] for <see cref="GemmSparse"/>: bit r set when row r &lt; rows of v (stride n) has a nonzero value in the
        /// columns of that step of the 8-row column loop; returns whether the sparse kernel pays (at most 7/8 of the bits
        /// set); signature (ref T v, nuint rows, ref uint masks) → bool, with room for <see cref="ColumnSteps"/> masks.
        /// </summary>
        public string NonzeroColumns(int n) => Request(Kind.NonzeroColumns, n);

        /// <summary>Masks a <see cref="NonzeroColumns"/> call of length n may write (its most column steps on any path).</summary>
        public int ColumnSteps(int n) => Math.Max(1, s_widths.Max(bits => GemmColumnLayout(bits, n / _t.Lanes(bits), 8).Steps));

        /// <summary>
        /// t[i] += α·Σ_r d[r·n + i] for i &lt; n: the column sums of a rows × n matrix (the bias gradient Σₙ δₙ of a
        /// mini-batch); signature (ref T d, nuint rows, ref T t, T alpha).
        /// </summary>
        public string SumRows(int n) => Request(Kind.SumRows, n);

        /// <summary>Σᵢ a[i]·b[i]; signature (ref T a, ref T b) → T.</summary>
        public string Dot(int n) => Request(Kind.Dot, n);

        /// <summary>y += α·x; signature (ref T y, T alpha, ref T x).</summary>
        public string Axpy(int n) => Request(Kind.Axpy, n);

        /// <summary>g += δ·x and dx += δ·w in one pass; signature (ref T g, ref T x, ref T w, ref T dx, T delta).</summary>
        public string AccumulateRow(int n) => Request(Kind.AccumulateRow, n);

        /// <summary>dx += δ·w (old w), then w −= step·x, in one pass; signature (ref T w, ref T x, ref T dx, T delta, T step).</summary>
        public string UpdateRow(int n) => Request(Kind.UpdateRow, n);

        /// <summary>
        /// y[i] = f(y[i] + b[i]) for i &lt; n: a layer's bias and activation over one example's outputs; signature (ref T y, ref T b).
        /// </summary>
        public string BiasActivation(Activation f, int n)
        {
            return ActivationKernel(
                $"{f.Key}Bias{Lit(n)}",
                n,
                $"/// <summary>y[i] = {f.Name}(y[i] + b[i]) for i &lt; {n}: + bias, then the activation, without a branch on the sign.</summary>",
                $"(ref {_t.Type} y, ref {_t.Type} b)",
                Array.Empty<string>(),
                (v, i) => new[]
                {
                    $"{v.Declare("z")} = {v.Load("y", i)} + {v.Load("b", i)};",
                    v.Store("y", i, v.Scalar ? f.Forward("z", _t) : f.VectorForward("z", v.Bits, _t)!),
                },
                vectorize: f.VectorForward("z", 128, _t) is not null);
        }

        /// <summary>
        /// y[i] = f(y[i] + b) for i &lt; n: one output row of a transposed block, one bias for all its examples; signature (ref T y, T b).
        /// </summary>
        public string BroadcastBiasActivation(Activation f, int n)
        {
            return ActivationKernel(
                $"{f.Key}BiasBroadcast{Lit(n)}",
                n,
                $"/// <summary>y[i] = {f.Name}(y[i] + b) for i &lt; {n}: one row of a transposed block, one bias for all its examples.</summary>",
                $"(ref {_t.Type} y, {_t.Type} b)",
                new[] { "b" },
                (v, i) => new[]
                {
                    $"{v.Declare("z")} = {v.Load("y", i)} + {(v.Scalar ? "b" : VectorSpec.BroadcastName("b"))};",
                    v.Store("y", i, v.Scalar ? f.Forward("z", _t) : f.VectorForward("z", v.Bits, _t)!),
                },
                vectorize: f.VectorForward("z", 128, _t) is not null);
        }

        /// <summary>d[i] = d[i] ⊙ f′ for i &lt; n, f′ read from the outputs a[i] = f(z[i]); signature (ref T d, ref T a).</summary>
        public string Derivative(Activation f, int n)
        {
            return ActivationKernel(
                $"{f.Key}Derivative{Lit(n)}",
                n,
                $"/// <summary>d[i] ⊙= f′ for i &lt; {n}, {f.DerivativeEquation.Replace(">", "&gt;")} with a the {f.Name} outputs; no branch on the sign.</summary>",
                $"(ref {_t.Type} d, ref {_t.Type} a)",
                Array.Empty<string>(),
                (v, i) => new[]
                {
                    $"{v.Declare("e")} = {v.Load("d", i)};",
                    $"{v.Declare("ai")} = {v.Load("a", i)};",
                    v.Store("d", i, v.Scalar ? f.Backward("e", "ai", _t) : f.VectorBackward("e", "ai", v.Bits, _t)!),
                },
                vectorize: f.VectorBackward("e", "ai", 128, _t) is not null);
        }

        public void Emit(CodeWriter w)
        {
            EmitMultiplyAdd(w);
            foreach ((int kind, int n, int rows) in _requested)
            {
                w.Line();
                switch ((Kind)kind)
                {
                    case Kind.Dot:
                        EmitDot(w, n);
                        break;
                    case Kind.Axpy:
                        EmitElementwise(
                            w,
                            n,
                            $"/// <summary>y[i] += α·x[i] for i &lt; {n}.</summary>",
                            $"Axpy{n}(ref {_t.Type} y, {_t.Type} alpha, ref {_t.Type} x)",
                            new[] { "alpha" },
                            (v, i) => new[] { v.Store("y", i, v.MultiplyAdd("alpha", v.Load("x", i), v.Load("y", i))) });
                        break;
                    case Kind.AccumulateRow:
                        EmitElementwise(
                            w,
                            n,
                            $"/// <summary>One row of the backward pass: g[i] += δ·x[i] (weight gradient) and dx[i] += δ·w[i] (Wᵀδ), i &lt; {n}.</summary>",
                            $"AccumulateRow{n}(ref {_t.Type} g, ref {_t.Type} x, ref {_t.Type} w, ref {_t.Type} dx, {_t.Type} delta)",
                            new[] { "delta" },
                            (v, i) => new[]
                            {
                                v.Store("g", i, v.MultiplyAdd("delta", v.Load("x", i), v.Load("g", i))),
                                v.Store("dx", i, v.MultiplyAdd("delta", v.Load("w", i), v.Load("dx", i))),
                            });
                        break;
                    case Kind.DotBlock:
                        EmitDotBlock(w, n);
                        break;
                    case Kind.ForwardBlock:
                        EmitForwardBlock(w, rows, n, prefetching: false, sparse: false);
                        break;
                    case Kind.ForwardBlockPrefetching:
                        EmitForwardBlock(w, rows, n, prefetching: true, sparse: false);
                        break;
                    case Kind.ForwardBlockSparse:
                        EmitForwardBlock(w, rows, n, prefetching: false, sparse: true);
                        break;
                    case Kind.ForwardBlockPrefetchingSparse:
                        EmitForwardBlock(w, rows, n, prefetching: true, sparse: true);
                        break;
                    case Kind.DotRowsSparse:
                        EmitDotRowsSparse(w, n);
                        break;
                    case Kind.NonzeroChunks:
                        EmitNonzeroChunks(w, n);
                        break;
                    case Kind.AxpyChunks:
                        EmitAxpyChunks(w, n);
                        break;
                    case Kind.NonzeroRows:
                        EmitNonzeroRows(w, n);
                        break;
                    case Kind.TransposeBlock:
                        EmitTransposeBlock(w, n);
                        break;
                    case Kind.DotRows:
                        EmitDotRows(w, n);
                        break;
                    case Kind.SumRows:
                        EmitSumRows(w, n);
                        break;
                    case Kind.Gemm8:
                        EmitGemm(w, 8, n);
                        break;
                    case Kind.GemmSparse8:
                        EmitGemm(w, 8, n, sparse: true);
                        break;
                    case Kind.NonzeroColumns:
                        EmitNonzeroColumns(w, n);
                        break;
                    case Kind.Gemm4:
                        EmitGemm(w, 4, n);
                        break;
                    case Kind.Gemm1:
                        EmitGemm(w, 1, n);
                        break;
                    case Kind.UpdateRow:
                        EmitElementwise(
                            w,
                            n,
                            $"/// <summary>One row of the fused SGD backward pass: dx[i] += δ·w[i] with the old weight, then w[i] −= step·x[i], i &lt; {n}.</summary>",
                            $"UpdateRow{n}(ref {_t.Type} w, ref {_t.Type} x, ref {_t.Type} dx, {_t.Type} delta, {_t.Type} step)",
                            new[] { "delta", "-step" },
                            (v, i) => new[]
                            {
                                $"{v.Declare("wi")} = {v.Load("w", i)};",
                                v.Store("dx", i, v.MultiplyAdd("delta", "wi", v.Load("dx", i))),
                                v.Store("w", i, v.MultiplyAdd("-step", v.Load("x", i), "wi")),
                            });
                        break;
                }
            }

            foreach (Action<CodeWriter> emit in _activationKernels.Values)
            {
                w.Line();
                emit(w);
            }
        }

        /// <summary>Requests the elementwise activation kernel <paramref name="name"/> (once per name) and returns its name.</summary>
        private string ActivationKernel(string name, int n, string summary, string parameters, string[] broadcasts, Func<VectorSpec, string, string[]> body, bool vectorize)
        {
            if (!_activationKernels.ContainsKey(name))
            {
                _activationKernels.Add(name, w => EmitElementwise(w, n, summary, name + parameters, broadcasts, body, vectorize));
            }

            return name;
        }

        private string Request(Kind kind, int n)
        {
            _requested.Add(((int)kind, n, 0));
            string name = kind switch
            {
                Kind.Gemm8 => "Gemm8x",
                Kind.GemmSparse8 => "GemmSparse8x",
                Kind.Gemm4 => "Gemm4x",
                Kind.Gemm1 => "Gemm1x",
                _ => kind.ToString(),
            };
            return name + n.ToString(CultureInfo.InvariantCulture);
        }

        private void EmitDotBlock(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>y[k·ldy + j] = Σᵢ w[j·{n} + i]·x[k·{n} + i] for 4 weight rows j and 4 examples k: 16 accumulators, 8 loads per 16 multiply-adds.</summary>");
            // Too large for the JIT to inline: a call it is, so it must be compiled fully optimized from the first call
            // (otherwise it runs as unoptimized tier-0 code for the first ~100 ms, about 6x slower).
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void DotBlock{n}(ref {t} w, ref {t} x, ref {t} y, nuint ldy)"))
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

        private void EmitDotRows(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>y[j] = Σᵢ w[j·{n} + i]·x[i] for rows j &lt; rows (a multiple of 4), 4 at a time: each input vector loaded feeds 4 multiply-adds (8 accumulators).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void DotRows{n}(ref {t} w, ref {t} x, ref {t} y, nuint rows)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    string vt = $"Vector{bits}<{t}>";
                    int pairs = vectors / 2;
                    using (w.Block("for (nuint o = 0; o < rows; o += 4)"))
                    {
                        w.Line($"ref {t} wo = ref Unsafe.Add(ref w, o * {n});");
                        w.Line($"// {n} = {(pairs > 0 ? $"{pairs} × 2 × {lanes}" : string.Empty)}{(vectors % 2 == 1 ? $"{(pairs > 0 ? " + " : string.Empty)}{lanes}" : string.Empty)}{(n % lanes != 0 ? $" + {n % lanes} scalar" : string.Empty)}");
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

        /// <summary>The end of one 4-row step of DotRows: y[o + j] = Σ lanes of (s_j + t_j), then the scalar tail.</summary>
        private void EmitDotRowsSums(CodeWriter w, int bits, int lanes, int vectors, int n)
        {
            string t = _t.Type;
            w.Line($"ref {t} yo = ref Unsafe.Add(ref y, o);");
            for (int j = 0; j < 4; j++)
            {
                w.Line($"Unsafe.Add(ref yo, {j}) = Vector{bits}.Sum({(vectors >= 2 ? $"s{j} + t{j}" : $"s{j}")});");
            }

            if (n % lanes != 0)
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

        private void EmitDotRowsSparse(CodeWriter w, int n)
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
            using (w.Block($"private static void DotRowsSparse{n}(ref {t} w, ref {t} x, ref {t} y, nuint rows)"))
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

                        EmitDotRowsSums(w, bits, lanes, vectors, n);
                    }

                    w.Line("return;");
                });

                w.Line($"DotRows{n}(ref w, ref x, ref y, rows);");
            }
        }

        private void EmitNonzeroChunks(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>");
            w.Line($"/// Writes to chunks the offsets of the chunks of x[0 .. {n}) that are not all zero (a NaN counts as not zero), in");
            w.Line($"/// increasing order, and returns their count; a chunk is one vector of the widest accelerated width, as in AxpyChunks{n}.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static int NonzeroChunks{n}(ref {t} x, ref int chunks)"))
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

        private void EmitAxpyChunks(CodeWriter w, int n)
        {
            string t = _t.Type;
            var scalar = new VectorSpec(0, 1, _t);
            Func<string, string[]> tail = i => new[] { scalar.Store("y", i, scalar.MultiplyAdd("alpha", scalar.Load("x", i), scalar.Load("y", i))) };
            w.Line($"/// <summary>");
            w.Line($"/// y[i] += α·x[i] for i &lt; {n} in the chunks listed by NonzeroChunks{n} (and the scalar remainder): Axpy{n} with the");
            w.Line("/// chunks of x that are all zero skipped, which would leave y as it is (y + α·0 = y for finite α).");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static void AxpyChunks{n}(ref {t} y, {t} alpha, ref {t} x, ref int chunks, int count)"))
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

        private void EmitNonzeroRows(CodeWriter w, int n)
        {
            string t = _t.Type;
            int block = BlockExamples;
            w.Line($"/// <summary>");
            w.Line($"/// Writes to ks the k &lt; {n} whose row xt[k·{block} .. k·{block} + {block}) of a transposed block is not all zero (a NaN counts");
            w.Line("/// as not zero), in increasing order, and returns their count: the reduction steps a sparse forward block visits.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static int NonzeroRows{n}(ref {t} xt, ref int ks)"))
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

        private void EmitTransposeBlock(CodeWriter w, int n)
        {
            string t = _t.Type;
            int block = BlockExamples;
            int chunk = 64 / _t.Size;
            w.Line($"/// <summary>xt[i·{block} + j] = x[j·{n} + i] for the {block} examples j of a block and i &lt; {n}: the inputs with the examples along the vectors.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void TransposeBlock{n}(ref {t} x, ref {t} xt)"))
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

        private void EmitForwardBlock(CodeWriter w, int rows, int n, bool prefetching, bool sparse)
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
            using (w.Block($"private static void {name}(ref {t} w, ref {t} xt, ref {t} yt{parameters})"))
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

        private void EmitSumRows(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>");
            w.Line($"/// t[i] += α·Σ_r d[r·{n} + i] for i &lt; {n}: column sums, each column in a vector lane (up to 8 vectors of columns at a time,");
            w.Line("/// independent accumulators), summed over the rows in order: the same sums as one column at a time, without its");
            w.Line("/// strided loads and its chain of dependent additions.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void SumRows{n}(ref {t} d, nuint rows, ref {t} t, {t} alpha)"))
            {
                ForEachVectorPath(w, n, (v, bits, lanes, vectors) =>
                {
                    string vt = $"Vector{bits}<{t}>";
                    w.Line($"{vt} alphaV = Vector{bits}.Create(alpha);");
                    for (int first = 0; first < vectors; first += 8)
                    {
                        int group = Math.Min(8, vectors - first);
                        using (w.Block())
                        {
                            w.Line($"// columns {first * lanes} to {((first + group) * lanes) - 1}");
                            w.Line($"{vt} " + string.Join(", ", Enumerable.Range(0, group).Select(q => $"s{q} = {vt}.Zero")) + ";");
                            using (w.Block("for (nuint r = 0; r < rows; r++)"))
                            {
                                w.Line($"ref {t} dr = ref Unsafe.Add(ref d, {(first == 0 ? $"r * {n}" : $"(r * {n}) + {first * lanes}")});");
                                for (int q = 0; q < group; q++)
                                {
                                    w.Line($"s{q} += Vector{bits}.LoadUnsafe(ref dr{(q == 0 ? string.Empty : $", {q * lanes}")});");
                                }
                            }

                            for (int q = 0; q < group; q++)
                            {
                                int at = (first + q) * lanes;
                                w.Line($"(Vector{bits}.LoadUnsafe(ref t, {at}) + (alphaV * s{q})).StoreUnsafe(ref t, {at});");
                            }
                        }
                    }

                    EmitSumRowsScalar(w, vectors * lanes, n);
                    w.Line("return;");
                });

                EmitSumRowsScalar(w, 0, n);
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

        /// <summary>
        /// How the column loop of an r-row Gemm covers `vectors` vectors of one width: `Groups` steps of `Group` vectors
        /// (the accumulators r × Group fit the register file: 32 registers with AVX-512, 16 below it), then one-vector
        /// steps up to `vectors`.
        /// </summary>
        private static (int Group, int Groups, int SinglesFrom, int Steps) GemmColumnLayout(int bits, int vectors, int r)
        {
            int group = r * 3 <= (bits == 512 ? 24 : 8) ? 3 : r * 2 <= (bits == 512 ? 16 : 8) ? 2 : 1;
            int groups = group > 1 ? vectors / group : 0;
            int singlesFrom = groups * group;
            return (group, groups, singlesFrom, groups + (vectors - singlesFrom));
        }

        private void EmitGemm(CodeWriter w, int r, int n, bool sparse = false)
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
            using (w.Block($"private static void {name}(ref {t} v, nuint vs, ref {t} c, nuint cr, nuint cj, nuint rows, ref {t} o, nuint os, {t} alpha, bool accumulate{masks})"))
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

                    if (n % lanes != 0)
                    {
                        EmitGemmScalar(w, r, vectors * lanes, n);
                    }

                    w.Line("return;");
                });

                EmitGemmScalar(w, r, 0, n);
            }
        }

        private void EmitNonzeroColumns(CodeWriter w, int n)
        {
            string t = _t.Type;
            w.Line($"/// <summary>");
            w.Line($"/// masks[step] for GemmSparse8x{n}: bit k set when row k &lt; rows (at most 32) of v, {n} values each, has a value that is not");
            w.Line("/// zero (a NaN counts as not zero) in the columns of that step of the 8-row column loop. Returns whether the sparse");
            w.Line($"/// kernel pays: at most 7/8 of the bits set (otherwise, or without vectors, Gemm8x{n} is the one to call).");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static bool NonzeroColumns{n}(ref {t} v, nuint rows, ref uint masks)"))
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

        /// <summary>One step of the column loop: `width` vectors × r rows of accumulators, reduced over rows.</summary>
        private void EmitGemmColumns(CodeWriter w, int bits, int lanes, int r, int width, string? step = null)
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
                    w.Line($"(accumulate ? MultiplyAdd(alphaV, a{j}{q}, {v.Load($"o{j}", at)}) : alphaV * a{j}{q}).StoreUnsafe(ref o{j}, {at});");
                }
            }
        }

        private void EmitGemmScalar(CodeWriter w, int r, int from, int n)
        {
            string t = _t.Type;
            using (w.Block($"for (nuint i = {from}; i < {n}; i++)"))
            {
                using (w.Block($"for (nuint j = 0; j < {r}; j++)"))
                {
                    w.Line($"{t} sum = {_t.Zero};");
                    using (w.Block("for (nuint k = 0; k < rows; k++)"))
                    {
                        w.Line("sum += Unsafe.Add(ref c, (k * cr) + (j * cj)) * Unsafe.Add(ref v, (k * vs) + i);");
                    }

                    w.Line($"ref {t} target = ref Unsafe.Add(ref o, (j * os) + i);");
                    w.Line("target = accumulate ? target + (alpha * sum) : alpha * sum;");
                }
            }
        }

        private void EmitMultiplyAdd(CodeWriter w)
        {
            foreach (int bits in s_widths)
            {
                string v = $"Vector{bits}<{_t.Type}>";
                w.Line($"/// <summary>a·b + c: one fused instruction where the CPU has FMA (.NET 9+), else a multiply and an add (never a slow software FMA).</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                using (w.Block($"private static {v} MultiplyAdd({v} a, {v} b, {v} c)"))
                {
                    w.Line("#if NET9_0_OR_GREATER");
                    w.Line($"return Vector{bits}.MultiplyAddEstimate(a, b, c);");
                    w.Line("#else");
                    w.Line("return (a * b) + c;");
                    w.Line("#endif");
                }

                w.Line();
            }
        }

        private void EmitDot(CodeWriter w, int n)
        {
            w.Line($"/// <summary>Σᵢ a[i]·b[i] for i &lt; {n}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static {_t.Type} Dot{n}(ref {_t.Type} a, ref {_t.Type} b)"))
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

        private void EmitElementwise(
            CodeWriter w,
            int n,
            string summary,
            string signature,
            string[] broadcasts,
            Func<VectorSpec, string, string[]> body,
            bool vectorize = true)
        {
            w.Line(summary);
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static void {signature}"))
            {
                ForEachVectorPath(w, vectorize ? n : 0, (v, bits, lanes, vectors) =>
                {
                    int unrolled = vectors / 4 * 4;
                    w.Line($"// {n} = {Describe(n, lanes, unrolled, vectors)}");
                    foreach (string name in broadcasts)
                    {
                        w.Line($"Vector{bits}<{_t.Type}> {VectorSpec.BroadcastName(name)} = Vector{bits}.Create({name});");
                    }

                    if (unrolled > 0)
                    {
                        using (w.Block($"for (nuint i = 0; i < {unrolled * lanes}; i += {4 * lanes})"))
                        {
                            for (int k = 0; k < 4; k++)
                            {
                                EmitBody(w, body(v, Offset("i", k * lanes)));
                            }
                        }
                    }

                    for (int k = unrolled; k < vectors; k++)
                    {
                        EmitBody(w, body(v, Lit(k * lanes)));
                    }

                    var scalar = new VectorSpec(0, 1, _t);
                    EmitScalarTail(w, vectors * lanes, n, i => body(scalar, i));
                    w.Line("return;");
                });

                var s = new VectorSpec(0, 1, _t);
                EmitScalarTail(w, 0, n, i => body(s, i));
            }
        }

        /// <summary>
        /// Writes one <c>if (VectorN.IsHardwareAccelerated) { … }</c> block per vector width that fits in n at least once,
        /// widest first; the JIT folds the checks to constants and keeps only the taken path.
        /// </summary>
        private void ForEachVectorPath(CodeWriter w, int n, Action<VectorSpec, int, int, int> body)
        {
            foreach (int bits in s_widths)
            {
                int lanes = _t.Lanes(bits);
                int vectors = n / lanes;
                if (vectors == 0)
                {
                    continue;
                }

                using (w.Block($"if (Vector{bits}.IsHardwareAccelerated)"))
                {
                    body(new VectorSpec(bits, lanes, _t), bits, lanes, vectors);
                }

                w.Line();
            }
        }

        private void EmitBody(CodeWriter w, string[] lines)
        {
            // A body that declares a local needs its own scope when repeated.
            if (lines.Any(l => l.StartsWith("Vector", StringComparison.Ordinal) || l.StartsWith(_t.Type + " ", StringComparison.Ordinal)))
            {
                using (w.Block())
                {
                    foreach (string line in lines)
                    {
                        w.Line(line);
                    }
                }

                return;
            }

            foreach (string line in lines)
            {
                w.Line(line);
            }
        }

        private void EmitScalarTail(CodeWriter w, int from, int to, Func<string, string[]> statements)
        {
            if (from >= to)
            {
                return;
            }

            if (to - from == 1)
            {
                EmitBody(w, statements(Lit(from)));
                return;
            }

            using (w.Block($"for (nuint i = {from}; i < {to}; i++)"))
            {
                foreach (string line in statements("i"))
                {
                    w.Line(line);
                }
            }
        }

        private static string Describe(int n, int lanes, int unrolled, int vectors)
        {
            var parts = new List<string>();
            if (unrolled > 0)
            {
                parts.Add($"{unrolled / 4} × 4 × {lanes} (unrolled)");
            }

            if (vectors > unrolled)
            {
                parts.Add($"{vectors - unrolled} × {lanes}");
            }

            if (n - (vectors * lanes) > 0)
            {
                parts.Add($"{n - (vectors * lanes)} scalar");
            }

            return string.Join(" + ", parts);
        }

        private static string Offset(string i, int add) => add == 0 ? i : $"{i} + {add}";

        private static string Lit(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>Spells loads, stores and arithmetic for one vector width (bits 0 = scalar).</summary>
        private sealed class VectorSpec
        {
            private readonly int _bits;
            private readonly Numeric _t;

            public VectorSpec(int bits, int lanes, Numeric t)
            {
                _bits = bits;
                _t = t;
                _ = lanes;
            }

            public bool Scalar => _bits == 0;

            public int Bits => _bits;

            public string Load(string array, string offset) =>
                Scalar ? $"Unsafe.Add(ref {array}, {offset})" : $"Vector{_bits}.LoadUnsafe(ref {array}, {offset})";

            public string Store(string array, string offset, string value) =>
                Scalar ? $"Unsafe.Add(ref {array}, {offset}) = {value};" : $"{value}.StoreUnsafe(ref {array}, {offset});";

            /// <summary>a·b + c, where a may be a broadcast scalar name.</summary>
            public string MultiplyAdd(string a, string b, string c) =>
                Scalar ? $"({Broadcast(a)} * {b}) + {c}" : $"MultiplyAdd({Broadcast(a)}, {b}, {c})";

            public string Declare(string name) => Scalar ? $"{_t.Type} {name}" : $"Vector{_bits}<{_t.Type}> {name}";

            /// <summary>The vector local holding a broadcast scalar: "delta" → "deltaV", "-step" → "minusStepV".</summary>
            public static string BroadcastName(string scalar) =>
                scalar.StartsWith("-", StringComparison.Ordinal)
                    ? "minus" + char.ToUpperInvariant(scalar[1]) + scalar.Substring(2) + "V"
                    : scalar + "V";

            private string Broadcast(string a) => a is "alpha" or "delta" or "-step" ? (Scalar ? (a[0] == '-' ? "(" + a + ")" : a) : BroadcastName(a)) : a;
        }
    }
}
