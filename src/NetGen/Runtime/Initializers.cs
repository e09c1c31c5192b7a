using System;
using System.ComponentModel;

namespace NetGen.Runtime
{
    /// <summary>
    /// Deterministic parameter initialization used by generated networks: a SplitMix64 stream per seed,
    /// identical on every platform and .NET version (System.Random's seeded sequence is not guaranteed to be).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Initializers
    {
        /// <summary>Fills <paramref name="values"/> with U(-bound, bound) drawn from <paramref name="state"/>.</summary>
        public static void Uniform(Span<float> values, double bound, ref ulong state)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)((2.0 * NextDouble(ref state) - 1.0) * bound);
            }
        }

        /// <summary>Fills <paramref name="values"/> with U(-bound, bound) drawn from <paramref name="state"/>.</summary>
        public static void Uniform(Span<double> values, double bound, ref ulong state)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (2.0 * NextDouble(ref state) - 1.0) * bound;
            }
        }

        /// <summary>Fills <paramref name="values"/> with N(0, σ²) drawn from <paramref name="state"/> (Box–Muller, one draw per pair of uniforms).</summary>
        public static void Normal(Span<float> values, double sigma, ref ulong state)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(sigma * StandardNormal(ref state));
            }
        }

        /// <summary>Fills <paramref name="values"/> with N(0, σ²) drawn from <paramref name="state"/> (Box–Muller, one draw per pair of uniforms).</summary>
        public static void Normal(Span<double> values, double sigma, ref ulong state)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = sigma * StandardNormal(ref state);
            }
        }

        private static double StandardNormal(ref ulong state)
        {
            double u = 1.0 - NextDouble(ref state); // (0, 1]: the logarithm stays finite
            double v = NextDouble(ref state);
            return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
        }

        /// <summary>The SplitMix64 state for a seed: distinct seeds give unrelated streams.</summary>
        public static ulong Seed(int seed) => unchecked(0x9E3779B97F4A7C15UL * (ulong)(uint)seed + 0xD1B54A32D192ED03UL);

        /// <summary>Next 64 random bits (SplitMix64).</summary>
        public static ulong Next(ref ulong state)
        {
            unchecked
            {
                ulong z = state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }

        /// <summary>A double uniform in [0, 1) with 53 random bits.</summary>
        public static double NextDouble(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));
    }
}
