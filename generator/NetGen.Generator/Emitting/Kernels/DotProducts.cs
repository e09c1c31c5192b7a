using System;
using System.Linq;

namespace NetGen.Generator.Emitting
{
    // Dot products: Σᵢ a[i]·b[i] (Dot), four weight rows against one input (DotRows), the same skipping
    // the all-zero chunks of a mostly-zero input (DotRowsSparse), and the 4 × 4 register-blocked DotBlock.
    internal sealed partial class Kernels
    {
        /// <summary>Σᵢ a[i]·b[i]; signature (ref T a, ref T b) → T.</summary>
        public string Dot(int n) => Request(Kind.Dot, n);

        /// <summary>
        /// Four dot products of consecutive weight rows with one input, sharing every input load:
        /// y[j] = Σᵢ w[j·n + i]·x[i] for j &lt; 4; signature (ref T w, ref T x, ref T y).
        /// </summary>
        /// <summary>
        /// Whether <see cref="DotRows16"/> exists for rows of length n: float rows of at least one Vector512.
        /// </summary>
        public bool HasDotRows16(int n) => _t.Type == "float" && n >= 16;

        /// <summary>
        /// Sixteen dot products at a time (float, n ≥ 16): one Vector512 accumulator per row, then the sixteen
        /// reduced together by a transposing tree of adds into one vector of the sixteen sums; signature (ref T w, ref T x,
        /// ref T y, nuint rows), rows a multiple of 16. Without Vector512 it is DotRows{n}.
        /// </summary>
        public string DotRows16(int n)
        {
            DotRows(n);
            return Request(Kind.DotRows16, n);
        }

        /// <summary>
        /// <see cref="DotRows16"/> of two matrices with the same rows into one output, plus a bias: y = U·x + V·h + b
        /// (float, Vector512 only; rows of at least 16 in both); signature (ref T u, ref T x, ref T v, ref T h, ref T b,
        /// ref T y, nuint rows), rows a multiple of 16.
        /// </summary>
        public string DotRows16Pair(int n1, int n2)
        {
            Request(Kind.Dot, n1);
            Request(Kind.Dot, n2);
            _requested.Add(((int)Kind.DotRows16Pair, n1, n2));
            return $"{Prefix}DotRows16x{n1.ToString(System.Globalization.CultureInfo.InvariantCulture)}x{n2.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

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
        /// Sixteen dot products at once, 4 weight rows × 4 examples sharing every load (register blocking);
        /// signature (ref T w, ref T x, ref T y, nuint ldy): y[k·ldy + j] = Σᵢ w[j·n + i]·x[k·n + i], j, k &lt; 4.
        /// </summary>
        public string DotBlock(int n)
        {
            Request(Kind.Dot, n);
            return Request(Kind.DotBlock, n);
        }
    }
}
