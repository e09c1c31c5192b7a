using System;
using System.Buffers.Binary;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace NetGen.Runtime
{
    /// <summary>
    /// What a network with compiled-in weights ([Network(Weights = "…")]) calls in its constructor: copies one tensor's
    /// little-endian values from the embedded safetensors resource, at the stream's position, into the parameter view. The
    /// build validated the file (names, dtypes, shapes, offsets, finite values); <see cref="Verify"/> checks that the
    /// resource holds exactly those bytes before anything is copied.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class CompiledWeights
    {
        /// <summary>
        /// Checks that <paramref name="stream"/> (the whole embedded resource) has the SHA-256 the build validated, then
        /// rewinds it. A file that changed between the generator's check and the compiler's embedding (a training run's
        /// Save finishing mid-build) is an exception naming both hashes, before any parameter changes.
        /// </summary>
        /// <exception cref="InvalidOperationException">The resource is not the file the build validated.</exception>
        public static void Verify(Stream stream, string resource, string expectedSha256)
        {
            ArgumentNullException.ThrowIfNull(stream);
            stream.Position = 0;
            string actual = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
            if (!string.Equals(actual, expectedSha256, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    "The compiled-in weights resource '" + resource + "' has SHA-256 " + actual + ", but the build validated " + expectedSha256
                    + ": the weights file changed while the project was built. Rebuild it; no parameter was changed.");
            }

            stream.Position = 0;
        }

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
