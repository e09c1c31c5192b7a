using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Activations;

namespace NetGen.Generator.Emitting
{
    // The registry: what was requested (Kind, Request), Emit, and the helpers every family shares (ForEachVectorPath,
    // EmitBody, EmitScalarTail, Describe, VectorSpec). Each family of kernels is in its own file of this folder.
    /// <summary>
    /// The inner loops of a network, each specialized to one constant length n: dot products and row updates,
    /// the register-blocked forward and backward tiles of mini-batches, transposes, column sums, and each
    /// activation's bias + f and f′ loops (branch-free where f has a vector form; named after the activation's
    /// <see cref="Activation.Key"/>). Every kernel has a Vector512, Vector256 and Vector128 path (taken when the hardware
    /// accelerates it; the JIT folds the checks to constants) and a scalar fallback. Loop bounds, the
    /// 4-way unrolled main loop, the whole vectors left over and the scalar tail are all decided here,
    /// at generation time, so the emitted loops have literal trip counts.
    /// </summary>
    internal sealed partial class Kernels
    {
        private static readonly int[] s_widths = { 512, 256, 128 };

        /// <summary>
        /// The nested static class the kernels are written into, at the end of the network's file: the network's own code
        /// calls them as Kernels.Name, and their names cannot clash with the user's members.
        /// </summary>
        public const string ClassName = "Kernels";

        /// <summary>How the network's code reaches a kernel: "Kernels.".</summary>
        public const string Prefix = ClassName + ".";

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
            Transcendentals = 21,
            GemmRows = 22,
            GemmMany = 23,
            DotRows16 = 24,
            DotRows16Pair = 25,
        }

        public void Emit(CodeWriter w)
        {
            EmitMultiplyAdd(w);
            if (_t.Type == "float" && _requested.Any(r => r.Item1 is (int)Kind.DotRows or (int)Kind.DotRowsSparse))
            {
                EmitSum4(w);
            }

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
                    case Kind.GemmRows:
                        EmitGemm(w, rows, n);
                        break;
                    case Kind.Gemm1:
                        EmitGemm(w, 1, n);
                        break;
                    case Kind.GemmMany:
                        EmitGemmMany(w, n);
                        break;
                    case Kind.DotRows16:
                        EmitDotRows16(w, n);
                        break;
                    case Kind.DotRows16Pair:
                        EmitDotRows16Pair(w, n, rows);
                        break;
                    case Kind.Transcendentals:
                        EmitTranscendentals(w);
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

        private string Request(Kind kind, int n)
        {
            _requested.Add(((int)kind, n, 0));
            string name = kind switch
            {
                Kind.Gemm8 => "Gemm8x",
                Kind.GemmSparse8 => "GemmSparse8x",
                Kind.Gemm4 => "Gemm4x",
                Kind.Gemm1 => "Gemm1x",
                Kind.DotRows16 => "DotRows16x",
                _ => kind.ToString(),
            };
            return Prefix + name + n.ToString(CultureInfo.InvariantCulture);
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
