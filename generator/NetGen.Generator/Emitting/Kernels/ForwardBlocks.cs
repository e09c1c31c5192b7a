using System;
using System.Globalization;
using System.Linq;

namespace NetGen.Generator.Emitting
{
    // The forward pass of a block of examples in broadcast form: the block's inputs transposed (TransposeBlock),
    // then a whole layer's product over them (ForwardBlock, optionally prefetching and/or sparse), one tile at a time.
    internal sealed partial class Kernels
    {
        /// <summary>
        /// xt[i·B + j] = x[j·n + i] for the <see cref="BlockExamples"/> B examples j of a block and i &lt; n: the block's inputs
        /// with the examples along the vectors; signature (ref T x, ref T xt).
        /// </summary>
        public string TransposeBlock(int n) => Request(Kind.TransposeBlock, n);


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
            return $"{Prefix}ForwardBlock{(sparse ? "Sparse" : string.Empty)}{rows.ToString(CultureInfo.InvariantCulture)}x{n.ToString(CultureInfo.InvariantCulture)}";
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
            return $"{Prefix}ForwardBlockPrefetching{(sparse ? "Sparse" : string.Empty)}{rows.ToString(CultureInfo.InvariantCulture)}x{n.ToString(CultureInfo.InvariantCulture)}";
        }
    }
}
