using System;

namespace NetGen.Generator.Emitting
{
    // Elementwise row updates: y += α·x (Axpy), the backward row AccumulateRow, the fused SGD row UpdateRow,
    // the generic one-pass loop they are written with (EmitElementwise), and the shared MultiplyAdd helper.
    internal sealed partial class Kernels
    {
        /// <summary>y += α·x; signature (ref T y, T alpha, ref T x).</summary>
        public string Axpy(int n) => Request(Kind.Axpy, n);

        /// <summary>g += δ·x and dx += δ·w in one pass; signature (ref T g, ref T x, ref T w, ref T dx, T delta).</summary>
        public string AccumulateRow(int n) => Request(Kind.AccumulateRow, n);

        /// <summary>dx += δ·w (old w), then w −= step·x, in one pass; signature (ref T w, ref T x, ref T dx, T delta, T step).</summary>
        public string UpdateRow(int n) => Request(Kind.UpdateRow, n);
    }
}
