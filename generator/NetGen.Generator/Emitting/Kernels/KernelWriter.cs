using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// What every writer of kernels shares: the numeric type, the vector widths, one block per width that fits
    /// (<see cref="ForEachVectorPath"/>), the scalar tail, the one-pass elementwise loop and the spelling of loads, stores
    /// and fused multiply-adds (<see cref="VectorSpec"/>). <see cref="Kernels"/> is the registry of what was requested; each
    /// family of kernels is written by its own writer.
    /// </summary>
    internal abstract class KernelWriter
    {
        protected static readonly int[] s_widths = { 512, 256, 128 };

        protected KernelWriter(Numeric t) => _t = t;

        /// <summary>The numeric type every writer spells its code with.</summary>
        protected readonly Numeric _t;

        /// <summary>
        /// Writes one <c>if (VectorN.IsHardwareAccelerated) { … }</c> block per vector width that fits in n at least once,
        /// widest first; the JIT folds the checks to constants and keeps only the taken path.
        /// </summary>
        protected void ForEachVectorPath(CodeWriter w, int n, Action<VectorSpec, int, int, int> body)
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

        protected void EmitBody(CodeWriter w, string[] lines)
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

        protected void EmitScalarTail(CodeWriter w, int from, int to, Func<string, string[]> statements)
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

        protected static string Describe(int n, int lanes, int unrolled, int vectors)
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

        protected static string Offset(string i, int add) => add == 0 ? i : $"{i} + {add}";

        protected static string Lit(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>Spells loads, stores and arithmetic for one vector width (bits 0 = scalar).</summary>
        internal sealed class VectorSpec
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

        /// <summary>
        /// The column strips of <see cref="GemmMany"/>: 3 Vector512s wide (48 floats, 24 doubles; 24 KB of a 128-row v in
        /// float), so that the strip of v stays in the first-level cache while every group of rows passes over it; then the
        /// columns left.
        /// </summary>
        protected IEnumerable<int> GemmManyStrips(int n)
        {
            int strip = 3 * _t.Lanes(512);
            if (n >= strip)
            {
                yield return strip;
            }

            if (n % strip > 0)
            {
                yield return n % strip;
            }
        }

        /// <summary>
        /// How the column loop of an r-row Gemm covers `vectors` vectors of one width: `Groups` steps of `Group` vectors
        /// (the accumulators r × Group fit the register file: 32 registers with AVX-512, 16 below it), then one-vector
        /// steps up to `vectors`.
        /// </summary>
        protected static (int Group, int Groups, int SinglesFrom, int Steps) GemmColumnLayout(int bits, int vectors, int r)
        {
            int group = r * 3 <= (bits == 512 ? 24 : 8) ? 3 : r * 2 <= (bits == 512 ? 16 : 8) ? 2 : 1;
            int groups = group > 1 ? vectors / group : 0;
            int singlesFrom = groups * group;
            return (group, groups, singlesFrom, groups + (vectors - singlesFrom));
        }

        /// <summary>
        /// Examples per block of the broadcast-form forward kernel: two of the widest vectors (32 floats, 16 doubles).
        /// </summary>
        public int BlockExamples => 2 * _t.Lanes(512);

        /// <summary>
        /// The sparse kernels fall back to the dense loop when more than this many of their <paramref name="parts"/>
        /// parts (chunks, or reduction steps of a block) are nonzero: visiting a list costs an index load per part and
        /// measured 4–10 % slower than the dense loop on inputs without all-zero parts.
        /// </summary>
        public static int DenseAbove(int parts) => parts - (parts / 8);

        protected void EmitMultiplyAdd(CodeWriter w)
        {
            foreach (int bits in s_widths)
            {
                string v = $"Vector{bits}<{_t.Type}>";
                w.Line($"/// <summary>a·b + c: one fused instruction where the CPU has FMA (.NET 9+), else a multiply and an add (never a slow software FMA).</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                using (w.Block($"internal static {v} MultiplyAdd({v} a, {v} b, {v} c)"))
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

        protected void EmitElementwise(
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
            using (w.Block($"internal static void {signature}"))
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
    }
}
