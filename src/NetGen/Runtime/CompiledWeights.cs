using System;
using System.Buffers.Binary;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace NetGen.Runtime
{
    /// <summary>
    /// What a network with compiled-in weights ([Network(Weights = "…")]) calls in its constructor: copies one tensor's
    /// little-endian values from the embedded safetensors resource, at the stream's position, into the parameter view. The
    /// build validated the file (names, dtypes, shapes, offsets, finite values); this only copies.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class CompiledWeights
    {
        /// <summary>Reads <paramref name="destination"/>.Length floats from <paramref name="stream"/>.</summary>
        public static void Read(Stream stream, Span<float> destination)
        {
            ArgumentNullException.ThrowIfNull(stream);
            stream.ReadExactly(MemoryMarshal.AsBytes(destination));
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> bits = MemoryMarshal.Cast<float, int>(destination);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
        }

        /// <summary>Reads <paramref name="destination"/>.Length doubles from <paramref name="stream"/>.</summary>
        public static void Read(Stream stream, Span<double> destination)
        {
            ArgumentNullException.ThrowIfNull(stream);
            stream.ReadExactly(MemoryMarshal.AsBytes(destination));
            if (!BitConverter.IsLittleEndian)
            {
                Span<long> bits = MemoryMarshal.Cast<double, long>(destination);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
        }

        /// <summary>Reads one little-endian int64 (a num_batches_tracked the build checked is not negative) from <paramref name="stream"/>.</summary>
        public static long ReadCount(Stream stream)
        {
            ArgumentNullException.ThrowIfNull(stream);
            Span<byte> bytes = stackalloc byte[sizeof(long)];
            stream.ReadExactly(bytes);
            return BinaryPrimitives.ReadInt64LittleEndian(bytes);
        }
    }
}
