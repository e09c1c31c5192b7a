using System;
using System.Linq;

namespace NetGen.Generator.Emitting
{
    // Sparse helpers: the lists and masks of the nonzero parts of an input (NonzeroChunks, NonzeroRows,
    // NonzeroColumns), the update that visits only the listed chunks (AxpyChunks), and the dense-or-sparse threshold.
    internal sealed partial class Kernels
    {
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
        /// Lists the k &lt; n whose row of a transposed block, xt[k·B .. k·B + B), is not all zero, in increasing order, and
        /// returns their count; signature (ref T xt, ref int ks) → int, with room for n entries.
        /// </summary>
        public string NonzeroRows(int n) => Request(Kind.NonzeroRows, n);

        /// <summary>
        /// masks[step] for <see cref="GemmSparse"/>: bit r set when row r &lt; rows of v (stride n) has a nonzero value in the
        /// columns of that step of the 8-row column loop; returns whether the sparse kernel pays (at most 7/8 of the bits
        /// set); signature (ref T v, nuint rows, ref uint masks) → bool, with room for <see cref="ColumnSteps"/> masks.
        /// </summary>
        public string NonzeroColumns(int n) => Request(Kind.NonzeroColumns, n);

        /// <summary>Masks a <see cref="NonzeroColumns"/> call of length n may write (its most column steps on any path).</summary>
        public int ColumnSteps(int n) => Math.Max(1, s_widths.Max(bits => GemmColumnLayout(bits, n / _t.Lanes(bits), 8).Steps));
    }
}
