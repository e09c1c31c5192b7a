using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Runtime
{
    /// <summary>
    /// The loops of batch and layer normalization that do not depend on a network's sizes, called by generated code. A
    /// statistic is taken over <c>blocks</c> runs of <c>n</c> consecutive values, <c>stride</c> apart: for BatchNorm2D a
    /// channel's H·W values in each of the mini-batch's examples; for BatchNorm1D one feature in each example. Sums run in
    /// double, over the runs in order, whatever the threads: the statistics are the same for every chunking of the work.
    /// Not part of the public API for users.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Normalization
    {
        /// <summary>Σ x over the runs.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static double Sum<T>(ref T x, int blocks, nuint stride, nuint n)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double total = 0;
            for (int b = 0; b < blocks; b++)
            {
                ref T run = ref Unsafe.Add(ref x, (nuint)b * stride);
                nuint i = 0;
                T part = T.Zero;
                if (Vector.IsHardwareAccelerated && n >= (nuint)Vector<T>.Count)
                {
                    Vector<T> lanes = Vector<T>.Zero;
                    for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
                    {
                        lanes += Vector.LoadUnsafe(ref run, i);
                    }

                    part = Vector.Sum(lanes);
                }

                for (; i < n; i++)
                {
                    part += Unsafe.Add(ref run, i);
                }

                total += double.CreateTruncating(part);
            }

            return total;
        }

        /// <summary>Σ (x − mean)² over the runs: the variance's numerator, from the mean (two passes, no cancellation).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static double SquaredDeviations<T>(ref T x, int blocks, nuint stride, nuint n, T mean)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double total = 0;
            for (int b = 0; b < blocks; b++)
            {
                ref T run = ref Unsafe.Add(ref x, (nuint)b * stride);
                nuint i = 0;
                T part = T.Zero;
                if (Vector.IsHardwareAccelerated && n >= (nuint)Vector<T>.Count)
                {
                    var m = new Vector<T>(mean);
                    Vector<T> lanes = Vector<T>.Zero;
                    for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
                    {
                        Vector<T> e = Vector.LoadUnsafe(ref run, i) - m;
                        lanes += e * e;
                    }

                    part = Vector.Sum(lanes);
                }

                for (; i < n; i++)
                {
                    T e = Unsafe.Add(ref run, i) - mean;
                    part += e * e;
                }

                total += double.CreateTruncating(part);
            }

            return total;
        }

        /// <summary>x̂ = (x − mean)·inverse into <paramref name="xhat"/> and y = γ·x̂ + β into <paramref name="y"/>, over the runs.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Normalize<T>(ref T x, ref T xhat, ref T y, int blocks, nuint stride, nuint n, T mean, T inverse, T gamma, T beta)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int b = 0; b < blocks; b++)
            {
                nuint start = (nuint)b * stride;
                ref T xr = ref Unsafe.Add(ref x, start);
                ref T hr = ref Unsafe.Add(ref xhat, start);
                ref T yr = ref Unsafe.Add(ref y, start);
                nuint i = 0;
                if (Vector.IsHardwareAccelerated && n >= (nuint)Vector<T>.Count)
                {
                    var m = new Vector<T>(mean);
                    var s = new Vector<T>(inverse);
                    var g = new Vector<T>(gamma);
                    var t = new Vector<T>(beta);
                    for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
                    {
                        Vector<T> h = (Vector.LoadUnsafe(ref xr, i) - m) * s;
                        Vector.StoreUnsafe(h, ref hr, i);
                        Vector.StoreUnsafe((g * h) + t, ref yr, i);
                    }
                }

                for (; i < n; i++)
                {
                    T h = (Unsafe.Add(ref xr, i) - mean) * inverse;
                    Unsafe.Add(ref hr, i) = h;
                    Unsafe.Add(ref yr, i) = (gamma * h) + beta;
                }
            }
        }

        /// <summary>y = x·scale + shift over the runs (normalization with fixed statistics, folded into one multiply-add).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void ScaleShift<T>(ref T x, ref T y, int blocks, nuint stride, nuint n, T scale, T shift)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int b = 0; b < blocks; b++)
            {
                nuint start = (nuint)b * stride;
                ref T xr = ref Unsafe.Add(ref x, start);
                ref T yr = ref Unsafe.Add(ref y, start);
                nuint i = 0;
                if (Vector.IsHardwareAccelerated && n >= (nuint)Vector<T>.Count)
                {
                    var s = new Vector<T>(scale);
                    var t = new Vector<T>(shift);
                    for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
                    {
                        Vector.StoreUnsafe((Vector.LoadUnsafe(ref xr, i) * s) + t, ref yr, i);
                    }
                }

                for (; i < n; i++)
                {
                    Unsafe.Add(ref yr, i) = (Unsafe.Add(ref xr, i) * scale) + shift;
                }
            }
        }

        /// <summary>Σ δ and Σ δ·x̂ over the runs: the gradients of β and γ, and what the input's δ subtracts.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static (double Sum, double Dot) SumAndDot<T>(ref T d, ref T xhat, int blocks, nuint stride, nuint n)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double sum = 0;
            double dot = 0;
            for (int b = 0; b < blocks; b++)
            {
                nuint start = (nuint)b * stride;
                ref T dr = ref Unsafe.Add(ref d, start);
                ref T hr = ref Unsafe.Add(ref xhat, start);
                nuint i = 0;
                T s = T.Zero;
                T p = T.Zero;
                if (Vector.IsHardwareAccelerated && n >= (nuint)Vector<T>.Count)
                {
                    Vector<T> sl = Vector<T>.Zero;
                    Vector<T> pl = Vector<T>.Zero;
                    for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
                    {
                        Vector<T> e = Vector.LoadUnsafe(ref dr, i);
                        sl += e;
                        pl += e * Vector.LoadUnsafe(ref hr, i);
                    }

                    s = Vector.Sum(sl);
                    p = Vector.Sum(pl);
                }

                for (; i < n; i++)
                {
                    T e = Unsafe.Add(ref dr, i);
                    s += e;
                    p += e * Unsafe.Add(ref hr, i);
                }

                sum += double.CreateTruncating(s);
                dot += double.CreateTruncating(p);
            }

            return (sum, dot);
        }

        /// <summary>dx = a·δ + b + c·x̂ over the runs: the input's δ of a normalization, its three terms folded into constants.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void InputDelta<T>(ref T d, ref T xhat, ref T dx, int blocks, nuint stride, nuint n, T a, T b, T c)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int k = 0; k < blocks; k++)
            {
                nuint start = (nuint)k * stride;
                ref T dr = ref Unsafe.Add(ref d, start);
                ref T hr = ref Unsafe.Add(ref xhat, start);
                ref T xr = ref Unsafe.Add(ref dx, start);
                nuint i = 0;
                if (Vector.IsHardwareAccelerated && n >= (nuint)Vector<T>.Count)
                {
                    var va = new Vector<T>(a);
                    var vb = new Vector<T>(b);
                    var vc = new Vector<T>(c);
                    for (; i + (nuint)Vector<T>.Count <= n; i += (nuint)Vector<T>.Count)
                    {
                        Vector.StoreUnsafe((va * Vector.LoadUnsafe(ref dr, i)) + vb + (vc * Vector.LoadUnsafe(ref hr, i)), ref xr, i);
                    }
                }

                for (; i < n; i++)
                {
                    Unsafe.Add(ref xr, i) = (a * Unsafe.Add(ref dr, i)) + b + (c * Unsafe.Add(ref hr, i));
                }
            }
        }

        /// <summary>
        /// Layer normalization of one row of <paramref name="n"/> values: x̂ = (x − μ)/√(σ² + ε) into <paramref name="xhat"/>
        /// (when not null-ref: pass <paramref name="x"/> itself to skip storing it) and y = γ⊙x̂ + β; returns 1/√(σ² + ε).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static T LayerNormRow<T>(ref T x, ref T xhat, ref T y, nuint n, ref T gamma, ref T beta, T epsilon, bool store)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double count = n;
            T mean = T.CreateTruncating(Sum(ref x, 1, 0, n) / count);
            T inverse = T.One / T.Sqrt(T.CreateTruncating(SquaredDeviations(ref x, 1, 0, n, mean) / count) + epsilon);
            for (nuint i = 0; i < n; i++)
            {
                T h = (Unsafe.Add(ref x, i) - mean) * inverse;
                if (store)
                {
                    Unsafe.Add(ref xhat, i) = h;
                }

                Unsafe.Add(ref y, i) = (Unsafe.Add(ref gamma, i) * h) + Unsafe.Add(ref beta, i);
            }

            return inverse;
        }

        /// <summary>
        /// δ of the input of one layer-normalized row, (1/σ)·(g − mean(g) − x̂·mean(g⊙x̂)) with g = γ⊙δ, into <paramref name="dx"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void LayerNormRowInputDelta<T>(ref T d, ref T xhat, ref T dx, nuint n, ref T gamma, T inverse)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double sum = 0;
            double dot = 0;
            for (nuint i = 0; i < n; i++)
            {
                T g = Unsafe.Add(ref gamma, i) * Unsafe.Add(ref d, i);
                sum += double.CreateTruncating(g);
                dot += double.CreateTruncating(g * Unsafe.Add(ref xhat, i));
            }

            T meanG = T.CreateTruncating(sum / n);
            T meanGH = T.CreateTruncating(dot / n);
            for (nuint i = 0; i < n; i++)
            {
                T g = Unsafe.Add(ref gamma, i) * Unsafe.Add(ref d, i);
                Unsafe.Add(ref dx, i) = inverse * (g - meanG - (Unsafe.Add(ref xhat, i) * meanGH));
            }
        }

        /// <summary>γ's and β's gradients of one layer-normalized row: += α·δ⊙x̂ and += α·δ.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void LayerNormRowGradient<T>(ref T d, ref T xhat, nuint n, ref T gradientGamma, ref T gradientBeta, T alpha)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (nuint i = 0; i < n; i++)
            {
                T e = Unsafe.Add(ref d, i);
                Unsafe.Add(ref gradientGamma, i) += alpha * (e * Unsafe.Add(ref xhat, i));
                Unsafe.Add(ref gradientBeta, i) += alpha * e;
            }
        }
    }
}
