using System;
using System.Globalization;
using System.Numerics;
using NetGen.Runtime;

namespace NetGen.Generation
{
    /// <summary>
    /// Picks the next token from a language model's probabilities: greedily (the most probable; temperature 0), or by sampling
    /// from p^(1/τ) renormalized, which is softmax(logits/τ): τ &lt; 1 sharpens, τ &gt; 1 flattens. The sampler's own seeded
    /// generator (SplitMix64) makes a run reproducible; one sampler per stream, not thread-safe.
    /// </summary>
    public sealed class TokenSampler
    {
        private ulong _state;

        /// <summary>A sampler at <paramref name="temperature"/> (0 for greedy) whose draws follow from <paramref name="seed"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The temperature is negative, NaN or infinite.</exception>
        public TokenSampler(double temperature, int seed)
        {
            if (!(temperature >= 0 && double.IsFinite(temperature)))
            {
                throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Expected a finite temperature ≥ 0 (0 picks the most probable token).");
            }

            Temperature = temperature;
            _state = Initializers.Seed(seed);
        }

        /// <summary>A sampler that always picks the most probable token.</summary>
        public static TokenSampler Greedy() => new(0, 0);

        /// <summary>The temperature τ; 0 is greedy.</summary>
        public double Temperature { get; }

        /// <summary>
        /// The next token: an index into <paramref name="probabilities"/> (a softmax's outputs: finite, ≥ 0, not all 0).
        /// </summary>
        /// <exception cref="ArgumentException">A probability is NaN, infinite or negative (named with its index), or all are 0.</exception>
        public int Next<T>(ReadOnlySpan<T> probabilities)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int best = -1;
            double largest = 0;
            for (int i = 0; i < probabilities.Length; i++)
            {
                double p = double.CreateTruncating(probabilities[i]);
                if (!(p >= 0 && double.IsFinite(p)))
                {
                    throw new ArgumentException(
                        string.Format(CultureInfo.InvariantCulture, "probabilities[{0}] is {1}: expected a finite value ≥ 0 (a softmax's output).", i, p),
                        nameof(probabilities));
                }

                if (p > largest)
                {
                    largest = p;
                    best = i;
                }
            }

            if (best < 0)
            {
                throw new ArgumentException("Every probability is 0: there is no token to pick.", nameof(probabilities));
            }

            if (Temperature == 0)
            {
                return best;
            }

            // w_i = (p_i / p_max)^(1/τ), in logs so that a small τ does not underflow every weight but the largest.
            double inverse = 1.0 / Temperature;
            double logLargest = Math.Log(largest);
            double total = 0;
            for (int i = 0; i < probabilities.Length; i++)
            {
                double p = double.CreateTruncating(probabilities[i]);
                total += p > 0 ? Math.Exp((Math.Log(p) - logLargest) * inverse) : 0;
            }

            double u = Initializers.NextDouble(ref _state) * total;
            double running = 0;
            int last = best;
            for (int i = 0; i < probabilities.Length; i++)
            {
                double p = double.CreateTruncating(probabilities[i]);
                if (p <= 0)
                {
                    continue;
                }

                running += Math.Exp((Math.Log(p) - logLargest) * inverse);
                last = i;
                if (u < running)
                {
                    return i;
                }
            }

            return last; // u within rounding of the total
        }
    }
}
