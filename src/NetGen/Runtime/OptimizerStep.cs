using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Runtime
{
    /// <summary>
    /// One optimizer step over a network's parameters, with its coefficients (Adam's bias corrections, say) computed once,
    /// applied range by range as the gradient of each range becomes known: <see cref="Apply"/> takes the gradient of
    /// parameters [offset, offset + gradient.Length) and updates those parameters and their state in one vectorized pass.
    /// Generated networks apply it to each block of weight rows while the block's gradient is still in the first-level
    /// cache, instead of writing the whole gradient out and reading it back.
    /// </summary>
    /// <remarks>
    /// Its methods are compiled fully optimized on first use, as generated networks' are: a step runs a few thousand
    /// times per epoch, and the tiered JIT's first, unoptimized code would otherwise run for the first hundred
    /// milliseconds or more of training.
    /// </remarks>
    /// <typeparam name="T">float or double.</typeparam>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly ref struct OptimizerStep<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Span<T> _parameters;
        private readonly Span<T> _first;
        private readonly Span<T> _second;
        private readonly Rule _rule;
        private readonly T _rate;
        private readonly T _decay;
        private readonly T _beta1;
        private readonly T _beta2;
        private readonly T _keep1;
        private readonly T _keep2;
        private readonly T _size;
        private readonly T _floor;
        private readonly T _shrink;

        private OptimizerStep(Span<T> parameters, Span<T> first, Span<T> second, Rule rule, T rate, T decay, T beta1, T beta2, T size, T floor, T shrink)
        {
            _parameters = parameters;
            _first = first;
            _second = second;
            _rule = rule;
            _rate = rate;
            _decay = decay;
            _beta1 = beta1;
            _beta2 = beta2;
            _keep1 = T.One - beta1;
            _keep2 = T.One - beta2;
            _size = size;
            _floor = floor;
            _shrink = shrink;
        }

        private enum Rule
        {
            Sgd,
            Momentum,
            Nesterov,
            Adam,
        }

        /// <summary>Plain SGD: θ −= η·(g + λθ).</summary>
        public static OptimizerStep<T> Sgd(Span<T> parameters, T rate, T weightDecay) =>
            new(parameters, default, default, Rule.Sgd, rate, weightDecay, T.Zero, T.Zero, T.Zero, T.Zero, T.One);

        /// <summary>
        /// SGD with momentum (torch.optim.SGD, dampening 0): g ← ∇ + λθ; b ← μ·b + g; θ −= η·b, or with
        /// <paramref name="nesterov"/> θ −= η·(g + μ·b). <paramref name="velocity"/> holds b, one value per parameter.
        /// </summary>
        public static OptimizerStep<T> Momentum(Span<T> parameters, Span<T> velocity, T rate, T momentum, T weightDecay, bool nesterov)
        {
            OptimizerSteps.CheckLength(velocity.Length, parameters.Length, nameof(velocity));
            return new(parameters, velocity, default, nesterov ? Rule.Nesterov : Rule.Momentum, rate, weightDecay, momentum, T.Zero, T.Zero, T.Zero, T.One);
        }

        /// <summary>
        /// Step <paramref name="step"/> (t ≥ 1) of Adam, or with <paramref name="decoupled"/> of AdamW (torch.optim's formulas).
        /// Its bias corrections are folded into two scalars here, once:
        /// η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε) = (η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)) · m / (√v + ε·√(1 − β₂ᵗ)),
        /// the same value up to rounding, with one division and one square root per parameter.
        /// </summary>
        public static OptimizerStep<T> Adam(Span<T> parameters, Span<T> moment1, Span<T> moment2, T rate, T beta1, T beta2, T epsilon, T weightDecay, bool decoupled, long step)
        {
            OptimizerSteps.CheckLength(moment1.Length, parameters.Length, nameof(moment1));
            OptimizerSteps.CheckLength(moment2.Length, parameters.Length, nameof(moment2));
            if (step < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(step), step, "Adam's steps count from 1.");
            }

            // In double, as torch.optim computes them in Python floats.
            double correction1 = 1.0 - Math.Pow(double.CreateTruncating(beta1), step);
            double correction2 = Math.Sqrt(1.0 - Math.Pow(double.CreateTruncating(beta2), step));
            T size = T.CreateTruncating(double.CreateTruncating(rate) * correction2 / correction1);
            T floor = T.CreateTruncating(double.CreateTruncating(epsilon) * correction2);
            return decoupled
                ? new(parameters, moment1, moment2, Rule.Adam, rate, T.Zero, beta1, beta2, size, floor, T.One - (rate * weightDecay))
                : new(parameters, moment1, moment2, Rule.Adam, rate, weightDecay, beta1, beta2, size, floor, T.One);
        }

        /// <summary>The step for parameters [offset, offset + gradient.Length), whose gradient is <paramref name="gradient"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply(int offset, ReadOnlySpan<T> gradient)
        {
            int n = gradient.Length;
            if ((uint)offset > (uint)_parameters.Length || (uint)n > (uint)(_parameters.Length - offset))
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Parameters [{offset}, {offset + (long)n}) are not within the {_parameters.Length} parameters.");
            }

            ref T p = ref Unsafe.Add(ref MemoryMarshal.GetReference(_parameters), offset);
            ref T g = ref MemoryMarshal.GetReference(gradient);
            switch (_rule)
            {
                case Rule.Sgd:
                    StepSgd(ref p, ref g, (nuint)n);
                    break;
                case Rule.Momentum:
                    StepMomentum(ref p, ref Unsafe.Add(ref MemoryMarshal.GetReference(_first), offset), ref g, (nuint)n, T.Zero, T.One);
                    break;
                case Rule.Nesterov:
                    StepMomentum(ref p, ref Unsafe.Add(ref MemoryMarshal.GetReference(_first), offset), ref g, (nuint)n, T.One, _beta1);
                    break;
                case Rule.Adam:
                    StepAdam(ref p, ref Unsafe.Add(ref MemoryMarshal.GetReference(_first), offset), ref Unsafe.Add(ref MemoryMarshal.GetReference(_second), offset), ref g, (nuint)n);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown optimizer rule {_rule}.");
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void StepSgd(ref T p, ref T g, nuint n)
        {
            nuint i = 0;
            T rate = _rate, decay = _decay;
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

        /// <summary>
        /// Nesterov's θ −= η·(g + μ·b) and the heavy ball's θ −= η·b are one expression, η·(ν·g + μ′·b) with (ν, μ′) = (1, μ)
        /// or (0, 1): 0·g and 1·b are exact, so each matches its own formula bit for bit.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void StepMomentum(ref T p, ref T b, ref T g, nuint n, T nu, T muPrime)
        {
            nuint i = 0;
            T rate = _rate, decay = _decay, momentum = _beta1;
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void StepAdam(ref T p, ref T m, ref T v, ref T g, nuint n)
        {
            nuint i = 0;
            T beta1 = _beta1, beta2 = _beta2, keep1 = _keep1, keep2 = _keep2, size = _size, floor = _floor, shrink = _shrink, coupled = _decay;
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
    }
}
