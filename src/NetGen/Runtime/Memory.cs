using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Runtime
{
    /// <summary>Memory hints used by generated networks (which cannot take pointers without unsafe code in the user's project).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Memory
    {
        /// <summary>
        /// Asks the CPU to bring the cache line holding <paramref name="location"/> into all cache levels (x86
        /// <c>prefetcht0</c>); a hint only, with no effect on results and none at all where x86 SSE is unavailable.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Prefetch<T>(ref T location)
            where T : unmanaged
        {
            if (Sse.IsSupported)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref location));
            }
        }
    }
}
