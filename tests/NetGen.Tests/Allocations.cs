using System;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Allocation checks that the runtime's own one-time allocations cannot fail.</summary>
    internal static class Allocations
    {
        /// <summary>
        /// Runs <paramref name="round"/> up to three times and passes when one run allocates nothing on this thread. The
        /// runtime may allocate once while a round runs (tiered compilation starting its background worker); code that
        /// allocates on every call makes every round allocate, and fails.
        /// </summary>
        public static void AssertNone(Action round, string what)
        {
            var rounds = new long[3];
            for (int i = 0; i < rounds.Length; i++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                round();
                rounds[i] = GC.GetAllocatedBytesForCurrentThread() - before;
                if (rounds[i] == 0)
                {
                    return;
                }
            }

            Assert.Fail($"bytes allocated by {what}, in each of 3 rounds: {string.Join(", ", rounds)}");
        }
    }
}
