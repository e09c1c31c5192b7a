using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Generator.Emitting
{
    // Rank-k updates of mini-batch training: Gemm over 8, 4 or 1 output rows (and GemmSparse, which skips
    // the all-zero rows of each column step), their column-loop layout, and the column sums of SumRows.
    internal sealed partial class Kernels
    {
        /// <summary>
        /// A rank-`rows` update of R = 4 (or 1) output rows: o[j·os + i] (+)= α·Σ_r c[r·cr + j·cj]·v[r·vs + i], i &lt; n;
        /// signature (ref T v, nuint vs, ref T c, nuint cr, nuint cj, nuint rows, ref T o, nuint os, T alpha, bool accumulate).
        /// </summary>
        public string Gemm(int rowsOut, int n)
        {
            switch (rowsOut)
            {
                case 8:
                    return Request(Kind.Gemm8, n);
                case 4:
                    return Request(Kind.Gemm4, n);
                case 1:
                    return Request(Kind.Gemm1, n);
                case > 1 and < 8:
                    // Another count of rows (a convolution's 6 output channels, say): the same kernel with that many accumulators.
                    _requested.Add(((int)Kind.GemmRows, n, rowsOut));
                    return $"{Prefix}Gemm{rowsOut.ToString(System.Globalization.CultureInfo.InvariantCulture)}x{n.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                default:
                    throw new ArgumentOutOfRangeException(nameof(rowsOut), rowsOut, "A Gemm kernel has 1 to 8 output rows.");
            }
        }

        /// <summary>
        /// <see cref="Gemm"/> over `count` output rows j (a runtime count: the examples of a mini-batch in lockstep), 8 rows at a
        /// time, then 4, then one; signature (…Gemm's…, nuint count). Each output is the same sum, in the same order, whichever
        /// kernel computes it, so an example's result does not depend on how many run beside it.
        /// </summary>
        public string GemmMany(int n)
        {
            foreach (int width in GemmManyStrips(n))
            {
                Request(Kind.Gemm8, width);
                Request(Kind.Gemm4, width);
                Request(Kind.Gemm1, width);
            }

            return Request(Kind.GemmMany, n);
        }

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
        /// t[i] += α·Σ_r d[r·n + i] for i &lt; n: the column sums of a rows × n matrix (the bias gradient Σₙ δₙ of a
        /// mini-batch); signature (ref T d, nuint rows, ref T t, T alpha).
        /// </summary>
        public string SumRows(int n) => Request(Kind.SumRows, n);
    }
}
