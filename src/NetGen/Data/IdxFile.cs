using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace NetGen.Data
{
    /// <summary>The header of an IDX file.</summary>
    public sealed class IdxHeader
    {
        private readonly int[] _dimensions;

        internal IdxHeader(IdxTypeCode typeCode, int[] dimensions, long elementCount, bool isGzip)
        {
            TypeCode = typeCode;
            _dimensions = dimensions;
            ElementCount = elementCount;
            IsGzip = isGzip;
        }

        /// <summary>Element type.</summary>
        public IdxTypeCode TypeCode { get; }

        /// <summary>Sizes of the dimensions, outermost first.</summary>
        public ReadOnlySpan<int> Dimensions => _dimensions;

        /// <summary>Number of elements (product of the dimensions).</summary>
        public long ElementCount { get; }

        /// <summary>Whether the file is gzip-compressed (detected from its first two bytes, 0x1F 0x8B).</summary>
        public bool IsGzip { get; }

        /// <summary>Length in bytes of the (decompressed) header: 4 + 4 × rank. Data starts at this offset.</summary>
        public int Length => 4 + 4 * _dimensions.Length;

        internal int[] DimensionArray => _dimensions;
    }

    /// <summary>
    /// Reads and writes IDX files (the MNIST format): two zero bytes, a type code, a dimension count, big-endian int32
    /// dimensions, then big-endian elements in row-major order. Files may be raw or gzip-compressed; compression is
    /// detected from the content (0x1F 0x8B), never from the file name.
    /// </summary>
    /// <remarks>
    /// Reading is streamed straight into the destination array. Headers are validated before any large allocation:
    /// for raw files the declared size must equal the file length exactly; for gzip files the declared size must be
    /// possible for the compressed length (deflate expands at most 1032:1) and at most <c>maxDataBytes</c>, and large
    /// payloads are read in growing chunks, so a lying header costs at most about twice the data actually present.
    /// Every malformed input raises <see cref="DataFormatException"/>; there is no partial load.
    /// </remarks>
    public static class IdxFile
    {
        /// <summary>Default upper bound on the data size of a gzip-compressed file: 2 GiB.</summary>
        public const long DefaultMaxDataBytes = 1L << 31;

        private const int MaxDeflateRatio = 1032;
        private const int DirectAllocationBytes = 64 << 20;
        private const int WriteChunkBytes = 1 << 16;

        /// <summary>Reads the whole IDX file at <paramref name="path"/>.</summary>
        /// <param name="path">A raw or gzip-compressed IDX file.</param>
        /// <param name="maxDataBytes">Largest data size accepted from a gzip file, whose true size is unknown until read.</param>
        /// <exception cref="DataFormatException">The file is malformed; the message names the file, offset, expected and actual values.</exception>
        public static IdxTensor Read(string path, long maxDataBytes = DefaultMaxDataBytes)
        {
            ArgumentNullException.ThrowIfNull(path);
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            bool gzip = IsGzip(file);
            using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            var reader = new Reader(stream, path, gzip);
            IdxHeader header = ReadHeader(ref reader, file.Length, maxDataBytes);
            Array data = header.TypeCode switch
            {
                IdxTypeCode.UnsignedByte => ReadData<byte>(ref reader, header),
                IdxTypeCode.SignedByte => ReadData<sbyte>(ref reader, header),
                IdxTypeCode.Int16 => ReadData<short>(ref reader, header),
                IdxTypeCode.Int32 => ReadData<int>(ref reader, header),
                IdxTypeCode.Single => ReadData<float>(ref reader, header),
                _ => ReadData<double>(ref reader, header),
            };

            if (gzip && reader.ReadByte() >= 0)
            {
                throw reader.Error(reader.Offset, string.Format(
                    CultureInfo.InvariantCulture,
                    "expected the end of the data ({0} bytes) but found trailing bytes", reader.Offset));
            }

            return IdxTensor.Create(header.TypeCode, data, header.DimensionArray);
        }

        /// <summary>Reads and validates only the header of the IDX file at <paramref name="path"/>.</summary>
        /// <param name="path">A raw or gzip-compressed IDX file.</param>
        /// <param name="maxDataBytes">Largest data size accepted from a gzip file.</param>
        /// <exception cref="DataFormatException">The header is malformed or inconsistent with the file length.</exception>
        public static IdxHeader ReadHeader(string path, long maxDataBytes = DefaultMaxDataBytes)
        {
            ArgumentNullException.ThrowIfNull(path);
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            bool gzip = IsGzip(file);
            using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            var reader = new Reader(stream, path, gzip);
            return ReadHeader(ref reader, file.Length, maxDataBytes);
        }

        /// <summary>
        /// Writes <paramref name="tensor"/> to <paramref name="path"/> atomically: the bytes go to a temporary file in
        /// the same folder which then replaces <paramref name="path"/>, so readers never see a partial file.
        /// </summary>
        /// <param name="path">Destination file; replaced if it exists.</param>
        /// <param name="tensor">The tensor to write.</param>
        /// <param name="gzip">Whether to gzip-compress the file.</param>
        public static void Write(string path, IdxTensor tensor, bool gzip = false)
        {
            ArgumentNullException.ThrowIfNull(path);
            ArgumentNullException.ThrowIfNull(tensor);
            string full = Path.GetFullPath(path);
            string temp = TempPathFor(full);
            try
            {
                using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    if (gzip)
                    {
                        using var zip = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true);
                        Write(zip, tensor);
                    }
                    else
                    {
                        Write(file, tensor);
                    }

                    file.Flush(flushToDisk: true);
                }

                File.Move(temp, full, overwrite: true);
            }
            catch (ArgumentOutOfRangeException e)
            {
                TryDelete(temp);
                throw NetGen.IO.AtomicFile.TooLarge(full, e);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        /// <summary>Writes <paramref name="tensor"/> in IDX format (uncompressed) to <paramref name="stream"/>.</summary>
        /// <param name="stream">A writable stream; wrap it in a <see cref="GZipStream"/> for compression.</param>
        /// <param name="tensor">The tensor to write.</param>
        public static void Write(Stream stream, IdxTensor tensor)
        {
            ArgumentNullException.ThrowIfNull(stream);
            ArgumentNullException.ThrowIfNull(tensor);
            ReadOnlySpan<int> dims = tensor.Dimensions;
            Span<byte> header = stackalloc byte[4 + 4 * 255];
            header[0] = 0;
            header[1] = 0;
            header[2] = (byte)tensor.TypeCode;
            header[3] = (byte)dims.Length;
            for (int i = 0; i < dims.Length; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(header.Slice(4 + 4 * i), dims[i]);
            }

            stream.Write(header.Slice(0, 4 + 4 * dims.Length));
            switch (tensor.TypeCode)
            {
                case IdxTypeCode.UnsignedByte: stream.Write(tensor.AsBytes()); break;
                case IdxTypeCode.SignedByte: stream.Write(MemoryMarshal.AsBytes(tensor.AsSBytes().AsSpan())); break;
                case IdxTypeCode.Int16: WriteBigEndian(stream, tensor.AsInt16()); break;
                case IdxTypeCode.Int32: WriteBigEndian(stream, tensor.AsInt32()); break;
                case IdxTypeCode.Single: WriteBigEndian(stream, tensor.AsSingles()); break;
                default: WriteBigEndian(stream, tensor.AsDoubles()); break;
            }
        }

        internal static bool IsGzip(Stream seekable)
        {
            Span<byte> magic = stackalloc byte[2];
            int n = 0;
            while (n < 2)
            {
                int r = seekable.Read(magic.Slice(n));
                if (r == 0)
                {
                    break;
                }

                n += r;
            }

            seekable.Position = 0;
            return n == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        }

        internal static string TempPathFor(string fullPath) => NetGen.IO.AtomicFile.TempPathFor(fullPath);

        internal static void TryDelete(string path) => NetGen.IO.AtomicFile.TryDelete(path);

        private static IdxHeader ReadHeader(ref Reader reader, long fileLength, long maxDataBytes)
        {
            Span<byte> magic = stackalloc byte[4];
            reader.ReadExactly(magic, "the 4-byte IDX magic number");
            if (magic[0] != 0 || magic[1] != 0)
            {
                throw reader.Error(0, string.Format(
                    CultureInfo.InvariantCulture,
                    "expected the IDX magic number to start with 0x00 0x00 but found 0x{0:X2} 0x{1:X2}", magic[0], magic[1]));
            }

            var typeCode = (IdxTypeCode)magic[2];
            if (typeCode is not (IdxTypeCode.UnsignedByte or IdxTypeCode.SignedByte or IdxTypeCode.Int16
                or IdxTypeCode.Int32 or IdxTypeCode.Single or IdxTypeCode.Double))
            {
                throw reader.Error(2, string.Format(
                    CultureInfo.InvariantCulture,
                    "expected a type code 0x08 (ubyte), 0x09 (sbyte), 0x0B (int16), 0x0C (int32), 0x0D (float32) or 0x0E (float64) but found 0x{0:X2}", magic[2]));
            }

            int rank = magic[3];
            if (rank == 0)
            {
                throw reader.Error(3, "expected a dimension count of at least 1 but found 0");
            }

            Span<byte> dimBytes = stackalloc byte[4 * 255];
            dimBytes = dimBytes.Slice(0, 4 * rank);
            reader.ReadExactly(dimBytes, string.Format(CultureInfo.InvariantCulture, "{0} big-endian int32 dimensions", rank));
            var dims = new int[rank];
            long count = 1;
            bool overflow = false;
            for (int i = 0; i < rank; i++)
            {
                int d = BinaryPrimitives.ReadInt32BigEndian(dimBytes.Slice(4 * i));
                if (d < 0)
                {
                    throw reader.Error(4 + 4 * i, string.Format(
                        CultureInfo.InvariantCulture,
                        "expected dimension {0} to be between 0 and 2147483647 but found {1}", i, (uint)d));
                }

                dims[i] = d;
                if (!overflow)
                {
                    // Saturate instead of overflowing; any value above Array.MaxLength is rejected below.
                    count = count > long.MaxValue / Math.Max(d, 1) ? long.MaxValue : count * d;
                    overflow = count == long.MaxValue;
                }
            }

            if (Array.IndexOf(dims, 0) >= 0)
            {
                count = 0;
            }

            string shape = IdxTensor.FormatDimensions(dims);
            int elementSize = IdxTensor.ElementSize(typeCode);
            int headerLength = 4 + 4 * rank;
            if (count > Array.MaxLength)
            {
                throw reader.Error(4, string.Format(
                    CultureInfo.InvariantCulture,
                    "expected at most {0} elements but the dimensions {1} declare {2}",
                    Array.MaxLength, shape, overflow ? "more than 2^63" : count.ToString(CultureInfo.InvariantCulture)));
            }

            long dataBytes = count * elementSize;
            if (!reader.IsGzip)
            {
                long expected = headerLength + dataBytes;
                if (fileLength != expected)
                {
                    throw reader.Error(Math.Min(fileLength, expected), string.Format(
                        CultureInfo.InvariantCulture,
                        "expected a file length of {0} bytes ({1} header + {2} × {3}-byte {4}) but the file is {5} bytes ({6})",
                        expected, headerLength, shape, elementSize, typeCode, fileLength,
                        fileLength < expected ? "truncated, or the header overstates the size" : "trailing bytes after the data"));
                }
            }
            else
            {
                long possible = fileLength * MaxDeflateRatio;
                if (dataBytes > maxDataBytes || headerLength + dataBytes > possible)
                {
                    throw reader.Error(4, string.Format(
                        CultureInfo.InvariantCulture,
                        "expected at most {0} data bytes but the dimensions {1} declare {2} bytes of {3} (the gzip file is {4} bytes)",
                        Math.Min(maxDataBytes, Math.Max(0, possible - headerLength)), shape, dataBytes, typeCode, fileLength));
                }
            }

            return new IdxHeader(typeCode, dims, count, reader.IsGzip);
        }

        private static T[] ReadData<T>(ref Reader reader, IdxHeader header)
            where T : unmanaged
        {
            int count = (int)header.ElementCount;
            int size = IdxTensor.ElementSize(header.TypeCode);
            long totalBytes = (long)count * size;

            // Raw files were checked against the file length; gzip payloads beyond DirectAllocationBytes grow as data arrives.
            int initial = !reader.IsGzip || totalBytes <= DirectAllocationBytes ? count : DirectAllocationBytes / size;
            var data = new T[initial];
            int filled = 0;
            while (true)
            {
                Span<byte> bytes = MemoryMarshal.AsBytes(data.AsSpan(filled));
                int got = reader.ReadUpTo(bytes);
                filled += got / size;
                if (got < bytes.Length)
                {
                    throw reader.Error(reader.Offset, string.Format(
                        CultureInfo.InvariantCulture,
                        "expected {0} data bytes ({1} × {2}-byte {3}, ending at offset {4}) but the data ends after {5} bytes",
                        totalBytes, IdxTensor.FormatDimensions(header.Dimensions), size, header.TypeCode,
                        header.Length + totalBytes, reader.Offset - header.Length));
                }

                if (filled == count)
                {
                    break;
                }

                Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
            }

            if (size > 1 && BitConverter.IsLittleEndian)
            {
                ReverseEndianness(data.AsSpan());
            }

            return data;
        }

        private static void ReverseEndianness<T>(Span<T> span)
            where T : unmanaged
        {
            switch (MemoryMarshal.AsBytes(span.Slice(0, Math.Min(span.Length, 1))).Length)
            {
                case 2:
                    var s = MemoryMarshal.Cast<T, short>(span);
                    BinaryPrimitives.ReverseEndianness(s, s);
                    break;
                case 4:
                    var i = MemoryMarshal.Cast<T, int>(span);
                    BinaryPrimitives.ReverseEndianness(i, i);
                    break;
                case 8:
                    var l = MemoryMarshal.Cast<T, long>(span);
                    BinaryPrimitives.ReverseEndianness(l, l);
                    break;
            }
        }

        private static void WriteBigEndian<T>(Stream stream, T[] data)
            where T : unmanaged
        {
            if (!BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
                return;
            }

            int size = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(new T[1])).Length;
            T[] chunk = ArrayPool<T>.Shared.Rent(WriteChunkBytes / size);
            try
            {
                for (int start = 0; start < data.Length; start += chunk.Length)
                {
                    int n = Math.Min(chunk.Length, data.Length - start);
                    Span<T> part = chunk.AsSpan(0, n);
                    data.AsSpan(start, n).CopyTo(part);
                    ReverseEndianness(part);
                    stream.Write(MemoryMarshal.AsBytes(part));
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(chunk);
            }
        }

        /// <summary>Reads from a (possibly decompressing) stream, tracking the offset and turning errors into <see cref="DataFormatException"/>.</summary>
        private struct Reader
        {
            private readonly Stream _stream;
            private readonly string _path;

            public Reader(Stream stream, string path, bool isGzip)
            {
                _stream = stream;
                _path = path;
                IsGzip = isGzip;
                Offset = 0;
            }

            public bool IsGzip { get; }

            public long Offset { get; private set; }

            public int ReadUpTo(Span<byte> buffer)
            {
                int total = 0;
                while (total < buffer.Length)
                {
                    int n;
                    try
                    {
                        n = _stream.Read(buffer.Slice(total));
                    }
                    catch (InvalidDataException e)
                    {
                        throw new DataFormatException(
                            // The decompressor reports every Z_DATA_ERROR (bad deflate block, CRC-32 or length mismatch) as an
                        // "unsupported compression method", which misleads; the inner exception keeps it.
                        string.Format(CultureInfo.InvariantCulture, "{0}: corrupt gzip data near decompressed offset {1}: expected valid deflate data ending in a matching CRC-32 and length check, but the data is damaged.", _path, Offset),
                            _path, Offset, innerException: e);
                    }

                    if (n == 0)
                    {
                        break;
                    }

                    total += n;
                    Offset += n;
                }

                return total;
            }

            public void ReadExactly(Span<byte> buffer, string what)
            {
                long start = Offset;
                int got = ReadUpTo(buffer);
                if (got < buffer.Length)
                {
                    throw Error(start, string.Format(
                        CultureInfo.InvariantCulture,
                        "expected {0} ({1} bytes) but the {2}file ends after {3} bytes",
                        what, buffer.Length, IsGzip ? "decompressed " : string.Empty, Offset));
                }
            }

            public int ReadByte()
            {
                Span<byte> one = stackalloc byte[1];
                return ReadUpTo(one) == 1 ? one[0] : -1;
            }

            public readonly DataFormatException Error(long offset, string detail) =>
                new(string.Format(
                        CultureInfo.InvariantCulture,
                        "{0}: invalid IDX file at {1}byte offset {2}: {3}.",
                        _path, IsGzip ? "decompressed " : string.Empty, offset, detail),
                    _path,
                    offset);
        }
    }
}
