using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Runtime
{
    /// <summary>
    /// Elementwise loops that do not depend on a network's sizes, called by generated code (the shares of δ of a value read
    /// by several layers, added up). Not part of the public API for users.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Tensors
    {
        /// <summary>y[i] += x[i] for every i (the spans have the same length).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Add<T>(Span<T> y, ReadOnlySpan<T> x)
            where T : unmanaged, INumberBase<T>
        {
            if (x.Length != y.Length)
            {
                throw new ArgumentException($"Expected {y.Length} values to add but got {x.Length}.", nameof(x));
            }

            ref T yr = ref MemoryMarshal.GetReference(y);
            ref T xr = ref MemoryMarshal.GetReference(x);
            nuint n = (nuint)y.Length;
            nuint i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
                {
                    Vector.StoreUnsafe(Vector.LoadUnsafe(ref yr, i) + Vector.LoadUnsafe(ref xr, i), ref yr, i);
                }
            }

            for (; i < n; i++)
            {
                Unsafe.Add(ref yr, i) += Unsafe.Add(ref xr, i);
            }
        }

        /// <summary>
        /// y[i] += α·(((g₀[i] + g₁[i]) + g₂[i]) + …) for every i: the <paramref name="count"/> gradients of the parts of a
        /// mini-batch, g_k at k·<paramref name="stride"/> in <paramref name="parts"/>, added in part order, then scaled once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void AddParts<T>(Span<T> y, ReadOnlySpan<T> parts, int stride, int count, T alpha)
            where T : unmanaged, INumberBase<T>
        {
            if (count < 1 || stride < y.Length || parts.Length != ((long)(count - 1) * stride) + y.Length)
            {
                throw new ArgumentException($"Expected {count} parts of {y.Length} values {stride} apart but got {parts.Length} values.", nameof(parts));
            }

            ref T yr = ref MemoryMarshal.GetReference(y);
            ref T g = ref MemoryMarshal.GetReference(parts);
            nuint n = (nuint)y.Length;
            nuint i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var a = new Vector<T>(alpha);
                for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
                {
                    Vector<T> sum = Vector.LoadUnsafe(ref g, i);
                    for (int k = 1; k < count; k++)
                    {
                        sum += Vector.LoadUnsafe(ref g, i + ((nuint)k * (nuint)stride));
                    }

                    Vector.StoreUnsafe(Vector.LoadUnsafe(ref yr, i) + (a * sum), ref yr, i);
                }
            }

            for (; i < n; i++)
            {
                T sum = Unsafe.Add(ref g, i);
                for (int k = 1; k < count; k++)
                {
                    sum += Unsafe.Add(ref g, i + ((nuint)k * (nuint)stride));
                }

                Unsafe.Add(ref yr, i) += alpha * sum;
            }
        }
    }
}
