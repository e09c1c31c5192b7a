using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Runtime
{
    /// <summary>
    /// The optimizer steps generated networks take on a gradient buffer: one vectorized pass over the parameters and the
    /// optimizer's state, with torch.optim's formulas (SGD with momentum or Nesterov momentum, dampening 0; Adam; AdamW).
    /// Nothing here depends on a network's sizes, so every network in a process shares one compiled copy.
    /// </summary>
    /// <remarks>
    /// Adam's bias corrections are folded into two scalars outside the loop:
    /// η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε) = (η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)) · m / (√v + ε·√(1 − β₂ᵗ)),
    /// the same value up to rounding, with one division and one square root per parameter.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class OptimizerSteps
    {
        /// <summary>θ −= η·(g + λθ) over every parameter.</summary>
        public static void Sgd(Span<float> parameters, ReadOnlySpan<float> gradient, float rate, float weightDecay) =>
            Sgd<float>(parameters, gradient, rate, weightDecay);

        /// <summary>As <see cref="Sgd(Span{float}, ReadOnlySpan{float}, float, float)"/>, for double.</summary>
        public static void Sgd(Span<double> parameters, ReadOnlySpan<double> gradient, double rate, double weightDecay) =>
            Sgd<double>(parameters, gradient, rate, weightDecay);

        /// <summary>
        /// g ← ∇ + λθ; b ← μ·b + g; θ −= η·b, or with <paramref name="nesterov"/> θ −= η·(g + μ·b) (torch.optim.SGD,
        /// dampening 0).
        /// </summary>
        public static void Momentum(Span<float> parameters, Span<float> velocity, ReadOnlySpan<float> gradient, float rate, float momentum, float weightDecay, bool nesterov) =>
            Momentum<float>(parameters, velocity, gradient, rate, momentum, weightDecay, nesterov);

        /// <summary>As <see cref="Momentum(Span{float}, Span{float}, ReadOnlySpan{float}, float, float, float, bool)"/>, for double.</summary>
        public static void Momentum(Span<double> parameters, Span<double> velocity, ReadOnlySpan<double> gradient, double rate, double momentum, double weightDecay, bool nesterov) =>
            Momentum<double>(parameters, velocity, gradient, rate, momentum, weightDecay, nesterov);

        /// <summary>
        /// Step <paramref name="step"/> (t ≥ 1) of Adam: g ← ∇ + λθ (or, <paramref name="decoupled"/> as in AdamW,
        /// θ ← θ(1 − ηλ) and g ← ∇); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ −= η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
        /// </summary>
        public static void Adam(Span<float> parameters, Span<float> moment1, Span<float> moment2, ReadOnlySpan<float> gradient, float rate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled, long step) =>
            Adam<float>(parameters, moment1, moment2, gradient, rate, beta1, beta2, epsilon, weightDecay, decoupled, step);

        /// <summary>As <see cref="Adam(Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, float, float, float, float, float, bool, long)"/>, for double.</summary>
        public static void Adam(Span<double> parameters, Span<double> moment1, Span<double> moment2, ReadOnlySpan<double> gradient, double rate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled, long step) =>
            Adam<double>(parameters, moment1, moment2, gradient, rate, beta1, beta2, epsilon, weightDecay, decoupled, step);

        private static void Sgd<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T rate, T decay)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            CheckLength(gradient.Length, parameters.Length, nameof(gradient));
            ref T p = ref MemoryMarshal.GetReference(parameters);
            ref T g = ref MemoryMarshal.GetReference(gradient);
            nuint n = (nuint)parameters.Length, i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<T> eta = Vector512.Create(rate), lambda = Vector512.Create(decay);
                for (nuint lanes = (nuint)Vector512<T>.Count; i + lanes <= n; i += lanes)
                {
                    Vector512<T> theta = Vector512.LoadUnsafe(ref p, i);
                    (theta - (eta * (Vector512.LoadUnsafe(ref g, i) + (lambda * theta)))).StoreUnsafe(ref p, i);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Vector256<T> eta = Vector256.Create(rate), lambda = Vector256.Create(decay);
                for (nuint lanes = (nuint)Vector256<T>.Count; i + lanes <= n; i += lanes)
                {
                    Vector256<T> theta = Vector256.LoadUnsafe(ref p, i);
                    (theta - (eta * (Vector256.LoadUnsafe(ref g, i) + (lambda * theta)))).StoreUnsafe(ref p, i);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<T> eta = Vector128.Create(rate), lambda = Vector128.Create(decay);
                for (nuint lanes = (nuint)Vector128<T>.Count; i + lanes <= n; i += lanes)
                {
                    Vector128<T> theta = Vector128.LoadUnsafe(ref p, i);
                    (theta - (eta * (Vector128.LoadUnsafe(ref g, i) + (lambda * theta)))).StoreUnsafe(ref p, i);
                }
            }

            for (; i < n; i++)
            {
                ref T theta = ref Unsafe.Add(ref p, i);
                theta -= rate * (Unsafe.Add(ref g, i) + (decay * theta));
            }
        }

        private static void Momentum<T>(Span<T> parameters, Span<T> velocity, ReadOnlySpan<T> gradient, T rate, T momentum, T decay, bool nesterov)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            CheckLength(gradient.Length, parameters.Length, nameof(gradient));
            CheckLength(velocity.Length, parameters.Length, nameof(velocity));
            ref T p = ref MemoryMarshal.GetReference(parameters);
            ref T b = ref MemoryMarshal.GetReference(velocity);
            ref T g = ref MemoryMarshal.GetReference(gradient);
            nuint n = (nuint)parameters.Length, i = 0;

            // Nesterov's θ −= η·(g + μ·b) and the heavy ball's θ −= η·b are one expression: η·(ν·g + μ′·b) with
            // (ν, μ′) = (1, μ) or (0, 1); 0·g and 1·b are exact, so both match their own formula bit for bit.
            T nu = nesterov ? T.One : T.Zero, muPrime = nesterov ? momentum : T.One;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<T> eta = Vector512.Create(rate), mu = Vector512.Create(momentum), lambda = Vector512.Create(decay), nuV = Vector512.Create(nu), muP = Vector512.Create(muPrime);
                for (nuint lanes = (nuint)Vector512<T>.Count; i + lanes <= n; i += lanes)
                {
                    Vector512<T> theta = Vector512.LoadUnsafe(ref p, i);
                    Vector512<T> gi = Vector512.LoadUnsafe(ref g, i) + (lambda * theta);
                    Vector512<T> bi = (mu * Vector512.LoadUnsafe(ref b, i)) + gi;
                    bi.StoreUnsafe(ref b, i);
                    (theta - (eta * ((nuV * gi) + (muP * bi)))).StoreUnsafe(ref p, i);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Vector256<T> eta = Vector256.Create(rate), mu = Vector256.Create(momentum), lambda = Vector256.Create(decay), nuV = Vector256.Create(nu), muP = Vector256.Create(muPrime);
                for (nuint lanes = (nuint)Vector256<T>.Count; i + lanes <= n; i += lanes)
                {
                    Vector256<T> theta = Vector256.LoadUnsafe(ref p, i);
                    Vector256<T> gi = Vector256.LoadUnsafe(ref g, i) + (lambda * theta);
                    Vector256<T> bi = (mu * Vector256.LoadUnsafe(ref b, i)) + gi;
                    bi.StoreUnsafe(ref b, i);
                    (theta - (eta * ((nuV * gi) + (muP * bi)))).StoreUnsafe(ref p, i);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<T> eta = Vector128.Create(rate), mu = Vector128.Create(momentum), lambda = Vector128.Create(decay), nuV = Vector128.Create(nu), muP = Vector128.Create(muPrime);
                for (nuint lanes = (nuint)Vector128<T>.Count; i + lanes <= n; i += lanes)
                {
                    Vector128<T> theta = Vector128.LoadUnsafe(ref p, i);
                    Vector128<T> gi = Vector128.LoadUnsafe(ref g, i) + (lambda * theta);
                    Vector128<T> bi = (mu * Vector128.LoadUnsafe(ref b, i)) + gi;
                    bi.StoreUnsafe(ref b, i);
                    (theta - (eta * ((nuV * gi) + (muP * bi)))).StoreUnsafe(ref p, i);
                }
            }

            for (; i < n; i++)
            {
                ref T theta = ref Unsafe.Add(ref p, i);
                ref T bi = ref Unsafe.Add(ref b, i);
                T gi = Unsafe.Add(ref g, i) + (decay * theta);
                bi = (momentum * bi) + gi;
                theta -= rate * ((nu * gi) + (muPrime * bi));
            }
        }

        private static void Adam<T>(Span<T> parameters, Span<T> moment1, Span<T> moment2, ReadOnlySpan<T> gradient, T rate, T beta1, T beta2, T epsilon, T decay, bool decoupled, long step)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            CheckLength(gradient.Length, parameters.Length, nameof(gradient));
            CheckLength(moment1.Length, parameters.Length, nameof(moment1));
            CheckLength(moment2.Length, parameters.Length, nameof(moment2));
            if (step < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(step), step, "Adam's steps count from 1.");
            }

            ref T p = ref MemoryMarshal.GetReference(parameters);
            ref T m = ref MemoryMarshal.GetReference(moment1);
            ref T v = ref MemoryMarshal.GetReference(moment2);
            ref T g = ref MemoryMarshal.GetReference(gradient);
            nuint n = (nuint)parameters.Length, i = 0;

            // The bias corrections, once per step (in double, as torch.optim computes them in Python floats).
            double correction1 = 1.0 - Math.Pow(double.CreateTruncating(beta1), step);
            double correction2 = Math.Sqrt(1.0 - Math.Pow(double.CreateTruncating(beta2), step));
            T size = T.CreateTruncating(double.CreateTruncating(rate) * correction2 / correction1);
            T floor = T.CreateTruncating(double.CreateTruncating(epsilon) * correction2);
            T shrink = decoupled ? T.One - (rate * decay) : T.One;
            T coupled = decoupled ? T.Zero : decay;
            T keep1 = T.One - beta1, keep2 = T.One - beta2;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<T> b1 = Vector512.Create(beta1), b2 = Vector512.Create(beta2), k1 = Vector512.Create(keep1), k2 = Vector512.Create(keep2);
                Vector512<T> sizeV = Vector512.Create(size), floorV = Vector512.Create(floor), shrinkV = Vector512.Create(shrink), lambda = Vector512.Create(coupled);
                for (nuint lanes = (nuint)Vector512<T>.Count; i + lanes <= n; i += lanes)
                {
                    Vector512<T> theta = Vector512.LoadUnsafe(ref p, i);
                    Vector512<T> gi = Vector512.LoadUnsafe(ref g, i) + (lambda * theta);
                    Vector512<T> mi = (b1 * Vector512.LoadUnsafe(ref m, i)) + (k1 * gi);
                    Vector512<T> vi = (b2 * Vector512.LoadUnsafe(ref v, i)) + (k2 * gi * gi);
                    mi.StoreUnsafe(ref m, i);
                    vi.StoreUnsafe(ref v, i);
                    ((theta * shrinkV) - (sizeV * mi / (Vector512.Sqrt(vi) + floorV))).StoreUnsafe(ref p, i);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Vector256<T> b1 = Vector256.Create(beta1), b2 = Vector256.Create(beta2), k1 = Vector256.Create(keep1), k2 = Vector256.Create(keep2);
                Vector256<T> sizeV = Vector256.Create(size), floorV = Vector256.Create(floor), shrinkV = Vector256.Create(shrink), lambda = Vector256.Create(coupled);
                for (nuint lanes = (nuint)Vector256<T>.Count; i + lanes <= n; i += lanes)
                {
                    Vector256<T> theta = Vector256.LoadUnsafe(ref p, i);
                    Vector256<T> gi = Vector256.LoadUnsafe(ref g, i) + (lambda * theta);
                    Vector256<T> mi = (b1 * Vector256.LoadUnsafe(ref m, i)) + (k1 * gi);
                    Vector256<T> vi = (b2 * Vector256.LoadUnsafe(ref v, i)) + (k2 * gi * gi);
                    mi.StoreUnsafe(ref m, i);
                    vi.StoreUnsafe(ref v, i);
                    ((theta * shrinkV) - (sizeV * mi / (Vector256.Sqrt(vi) + floorV))).StoreUnsafe(ref p, i);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<T> b1 = Vector128.Create(beta1), b2 = Vector128.Create(beta2), k1 = Vector128.Create(keep1), k2 = Vector128.Create(keep2);
                Vector128<T> sizeV = Vector128.Create(size), floorV = Vector128.Create(floor), shrinkV = Vector128.Create(shrink), lambda = Vector128.Create(coupled);
                for (nuint lanes = (nuint)Vector128<T>.Count; i + lanes <= n; i += lanes)
                {
                    Vector128<T> theta = Vector128.LoadUnsafe(ref p, i);
                    Vector128<T> gi = Vector128.LoadUnsafe(ref g, i) + (lambda * theta);
                    Vector128<T> mi = (b1 * Vector128.LoadUnsafe(ref m, i)) + (k1 * gi);
                    Vector128<T> vi = (b2 * Vector128.LoadUnsafe(ref v, i)) + (k2 * gi * gi);
                    mi.StoreUnsafe(ref m, i);
                    vi.StoreUnsafe(ref v, i);
                    ((theta * shrinkV) - (sizeV * mi / (Vector128.Sqrt(vi) + floorV))).StoreUnsafe(ref p, i);
                }
            }

            for (; i < n; i++)
            {
                ref T theta = ref Unsafe.Add(ref p, i);
                ref T mi = ref Unsafe.Add(ref m, i);
                ref T vi = ref Unsafe.Add(ref v, i);
                T gi = Unsafe.Add(ref g, i) + (coupled * theta);
                mi = (beta1 * mi) + (keep1 * gi);
                vi = (beta2 * vi) + (keep2 * gi * gi);
                theta = (theta * shrink) - (size * mi / (T.Sqrt(vi) + floor));
            }
        }

        private static void CheckLength(int actual, int expected, string paramName)
        {
            if (actual != expected)
            {
                throw new ArgumentException($"Expected {expected} values (one per parameter), got {actual}.", paramName);
            }
        }
    }
}
