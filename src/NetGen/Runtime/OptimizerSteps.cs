using System;
using System.ComponentModel;
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
        public static void Sgd(Span<float> parameters, ReadOnlySpan<float> gradient, float rate, float weightDecay)
        {
            CheckLength(gradient.Length, parameters.Length, nameof(gradient));
            OptimizerStep<float>.Sgd(parameters, rate, weightDecay).Apply(0, gradient);
        }

        /// <summary>As <see cref="Sgd(Span{float}, ReadOnlySpan{float}, float, float)"/>, for double.</summary>
        public static void Sgd(Span<double> parameters, ReadOnlySpan<double> gradient, double rate, double weightDecay)
        {
            CheckLength(gradient.Length, parameters.Length, nameof(gradient));
            OptimizerStep<double>.Sgd(parameters, rate, weightDecay).Apply(0, gradient);
        }

        /// <summary>
        /// g ← ∇ + λθ; b ← μ·b + g; θ −= η·b, or with <paramref name="nesterov"/> θ −= η·(g + μ·b) (torch.optim.SGD,
        /// dampening 0).
        /// </summary>
        public static void Momentum(Span<float> parameters, Span<float> velocity, ReadOnlySpan<float> gradient, float rate, float momentum, float weightDecay, bool nesterov)
        {
            CheckLength(gradient.Length, parameters.Length, nameof(gradient));
            OptimizerStep<float>.Momentum(parameters, velocity, rate, momentum, weightDecay, nesterov).Apply(0, gradient);
        }

        /// <summary>As <see cref="Momentum(Span{float}, Span{float}, ReadOnlySpan{float}, float, float, float, bool)"/>, for double.</summary>
        public static void Momentum(Span<double> parameters, Span<double> velocity, ReadOnlySpan<double> gradient, double rate, double momentum, double weightDecay, bool nesterov)
        {
            CheckLength(gradient.Length, parameters.Length, nameof(gradient));
            OptimizerStep<double>.Momentum(parameters, velocity, rate, momentum, weightDecay, nesterov).Apply(0, gradient);
        }

        /// <summary>
        /// Step <paramref name="step"/> (t ≥ 1) of Adam: g ← ∇ + λθ (or, <paramref name="decoupled"/> as in AdamW,
        /// θ ← θ(1 − ηλ) and g ← ∇); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ −= η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
        /// </summary>
        public static void Adam(Span<float> parameters, Span<float> moment1, Span<float> moment2, ReadOnlySpan<float> gradient, float rate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled, long step)
        {
            CheckLength(gradient.Length, parameters.Length, nameof(gradient));
            OptimizerStep<float>.Adam(parameters, moment1, moment2, rate, beta1, beta2, epsilon, weightDecay, decoupled, step).Apply(0, gradient);
        }

        /// <summary>As <see cref="Adam(Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, float, float, float, float, float, bool, long)"/>, for double.</summary>
        public static void Adam(Span<double> parameters, Span<double> moment1, Span<double> moment2, ReadOnlySpan<double> gradient, double rate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled, long step)
        {
            CheckLength(gradient.Length, parameters.Length, nameof(gradient));
            OptimizerStep<double>.Adam(parameters, moment1, moment2, rate, beta1, beta2, epsilon, weightDecay, decoupled, step).Apply(0, gradient);
        }

        /// <summary>total += part, element by element (the gradients of a data-parallel step's parts, added in part order).</summary>
        public static void Accumulate(Span<float> total, ReadOnlySpan<float> part) => Accumulate<float>(total, part);

        /// <summary>As <see cref="Accumulate(Span{float}, ReadOnlySpan{float})"/>, for double.</summary>
        public static void Accumulate(Span<double> total, ReadOnlySpan<double> part) => Accumulate<double>(total, part);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static void Accumulate<T>(Span<T> total, ReadOnlySpan<T> part)
            where T : unmanaged, System.Numerics.INumber<T>
        {
            CheckLength(part.Length, total.Length, nameof(part));
            ref T y = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(total);
            ref T x = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(part);
            nuint n = (nuint)total.Length, i = 0;
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            {
                for (nuint lanes = (nuint)System.Runtime.Intrinsics.Vector512<T>.Count; i + lanes <= n; i += lanes)
                {
                    (System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref y, i) + System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref x, i)).StoreUnsafe(ref y, i);
                }
            }
            else if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            {
                for (nuint lanes = (nuint)System.Runtime.Intrinsics.Vector256<T>.Count; i + lanes <= n; i += lanes)
                {
                    (System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref y, i) + System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref x, i)).StoreUnsafe(ref y, i);
                }
            }

            for (; i < n; i++)
            {
                System.Runtime.CompilerServices.Unsafe.Add(ref y, i) += System.Runtime.CompilerServices.Unsafe.Add(ref x, i);
            }
        }

        internal static void CheckLength(int actual, int expected, string paramName)
        {
            if (actual != expected)
            {
                throw new ArgumentException($"Expected {expected} values (one per parameter), got {actual}.", paramName);
            }
        }
    }
}
