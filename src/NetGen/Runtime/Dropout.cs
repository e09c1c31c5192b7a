using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetGen.Runtime
{
    /// <summary>
    /// The counter-based random numbers of [Dropout]: whether unit u of example n is kept in a training step is a pure
    /// function of (seed, step, layer, n, u), so a step is reproducible whatever the batch's split across threads, and a
    /// test can rebuild the mask a step used. SplitMix64's finalizer mixes the counters; the uniform has 53 bits.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Dropout
    {
        private const ulong Golden = 0x9E3779B97F4A7C15UL;

        /// <summary>The key of one training step: the seed of the network's last InitializeParameters and its StepCount.</summary>
        public static ulong StepKey(int seed, long step) => Mix(Mix(((ulong)(uint)seed * Golden) ^ 0x5DEECE66DUL) ^ (ulong)step);

        /// <summary>The key of one example (its index in the batch) in dropout layer <paramref name="layer"/> of a step.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong ExampleKey(ulong stepKey, int layer, int example) =>
            Mix(stepKey ^ Mix(((ulong)(uint)layer << 32) | (uint)example));

        /// <summary>A uniform number in [0, 1) for unit <paramref name="unit"/> of an example.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Uniform(ulong exampleKey, int unit) =>
            (Mix(exampleKey + ((ulong)(uint)unit * Golden)) >> 11) * (1.0 / (1UL << 53));

        /// <summary>Whether the unit is kept (probability 1 − p): its uniform is at least p.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Keeps(ulong exampleKey, int unit, double probability) => Uniform(exampleKey, unit) >= probability;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Mix(ulong z)
        {
            unchecked
            {
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }
    }
}
