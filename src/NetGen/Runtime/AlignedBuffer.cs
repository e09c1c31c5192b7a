using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Runtime
{
    /// <summary>
    /// A pinned array whose element at the returned offset starts on a 64-byte boundary (one cache line,
    /// one Vector512), so SIMD loads of parameter rows never straddle lines.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class AlignedBuffer
    {
        /// <summary>Allocates a zeroed pinned array able to hold <paramref name="length"/> aligned elements and returns the aligned offset.</summary>
        public static unsafe T[] Allocate<T>(int length, out int offset)
            where T : unmanaged
        {
            int pad = 64 / sizeof(T);
            T[] array = GC.AllocateArray<T>(length + pad, pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            int misalignment = (int)(address & 63);
            offset = misalignment == 0 ? 0 : (64 - misalignment) / sizeof(T);
            return array;
        }
    }
}
