using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NetGen.IO
{
    /// <summary>
    /// Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
    /// (optionally padded with spaces) describing each tensor's dtype, shape and byte range, then the raw
    /// little-endian data. Reading validates the whole file before returning; writing pads the header to a
    /// multiple of 8 bytes and stores tensors contiguously in the order given.
    /// </summary>
    public static partial class SafeTensors
    {
        /// <summary>The reserved header key holding string-to-string metadata.</summary>
        public const string MetadataKey = "__metadata__";

        /// <summary>The largest header accepted when reading (100 MB, as in the reference implementation).</summary>
        public const long MaxHeaderLength = 100_000_000;

        private const int CopyChunk = 1 << 16;

        // ---------------------------------------------------------------- writing

        /// <summary>Writes a safetensors file to <paramref name="stream"/>.</summary>
        /// <param name="stream">A writable stream; it is neither flushed to disk nor closed.</param>
        /// <param name="tensors">Tensors, written in this order with contiguous data.</param>
        /// <param name="metadata">Optional <c>"__metadata__"</c> entries, written sorted by key.</param>
        /// <exception cref="ArgumentException">A tensor is null, or two tensors share a name.</exception>
        public static void Write(Stream stream, IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        {
            ArgumentNullException.ThrowIfNull(stream);
            byte[] header = BuildHeader(tensors, metadata);
            WriteCore(stream, header, tensors);
        }

        /// <summary>
        /// Writes a safetensors file atomically: the data goes to a temporary file in the same directory, which
        /// is flushed to disk and then moved over <paramref name="path"/>. On any failure the temporary file is
        /// deleted and an existing file at <paramref name="path"/> is left untouched.
        /// </summary>
        /// <param name="path">Destination file path.</param>
        /// <param name="tensors">Tensors, written in this order with contiguous data.</param>
        /// <param name="metadata">Optional <c>"__metadata__"</c> entries, written sorted by key.</param>
        /// <exception cref="ArgumentException">The path is empty, a tensor is null, or two tensors share a name.</exception>
        public static void Save(string path, IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
            Save(path, tensors, metadata, wrap: null);

        /// <summary>Save with a hook that wraps the temporary file's stream (used to inject faults in tests).</summary>
        internal static void Save(string path, IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata, Func<Stream, Stream>? wrap)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            byte[] header = BuildHeader(tensors, metadata);

            string fullPath = Path.GetFullPath(path);
            string tempPath = AtomicFile.TempPathFor(fullPath);
            try
            {
                using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: CopyChunk))
                {
                    Stream target = wrap is null ? file : wrap(file);
                    WriteCore(target, header, tensors);
                    target.Flush();
                    file.Flush(flushToDisk: true);
                }

                File.Move(tempPath, fullPath, overwrite: true);
            }
            catch (ArgumentOutOfRangeException e)
            {
                AtomicFile.TryDelete(tempPath);
                throw AtomicFile.TooLarge(fullPath, e);
            }
            catch
            {
                AtomicFile.TryDelete(tempPath);
                throw;
            }
        }

        private static byte[] BuildHeader(IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata)
        {
            ArgumentNullException.ThrowIfNull(tensors);
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < tensors.Count; i++)
            {
                TensorEntry? entry = tensors[i];
                if (entry is null)
                {
                    throw new ArgumentException("Tensor at index " + i.ToString(CultureInfo.InvariantCulture) + " is null.", nameof(tensors));
                }

                if (!names.Add(entry.Name))
                {
                    throw new ArgumentException("Two tensors are named '" + entry.Name + "'.", nameof(tensors));
                }
            }

            var buffer = new ArrayBufferWriter<byte>(128 + (tensors.Count * 96));
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                if (metadata is not null && metadata.Count > 0)
                {
                    var keys = new List<string>(metadata.Count);
                    foreach (KeyValuePair<string, string> pair in metadata)
                    {
                        if (pair.Key is null || pair.Value is null)
                        {
                            throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
                        }

                        keys.Add(pair.Key);
                    }

                    keys.Sort(StringComparer.Ordinal);
                    json.WriteStartObject(MetadataKey);
                    foreach (string key in keys)
                    {
                        json.WriteString(key, metadata[key]);
                    }

                    json.WriteEndObject();
                }

                long offset = 0;
                for (int i = 0; i < tensors.Count; i++)
                {
                    TensorEntry entry = tensors[i];
                    json.WriteStartObject(entry.Name);
                    json.WriteString("dtype", DTypeInfo.Name(entry.DType));
                    json.WriteStartArray("shape");
                    foreach (int dim in entry.Shape)
                    {
                        json.WriteNumberValue(dim);
                    }

                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    offset += entry.ByteLength;
                    json.WriteNumberValue(offset);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            int length = buffer.WrittenCount;
            int padded = (length + 7) & ~7;
            byte[] header = new byte[padded];
            buffer.WrittenSpan.CopyTo(header);
            header.AsSpan(length).Fill((byte)' ');
            return header;
        }

        private static void WriteCore(Stream stream, byte[] header, IReadOnlyList<TensorEntry> tensors)
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            for (int i = 0; i < tensors.Count; i++)
            {
                TensorEntry entry = tensors[i];
                switch (entry.DType)
                {
                    case DType.F32:
                        WriteData(stream, entry.SingleData.Span);
                        break;
                    case DType.F64:
                        WriteData(stream, entry.DoubleData.Span);
                        break;
                    default:
                        WriteData(stream, entry.Int64Data.Span);
                        break;
                }
            }
        }

        private static void WriteData(Stream stream, ReadOnlySpan<float> data)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(data));
                return;
            }

            byte[] chunk = ArrayPool<byte>.Shared.Rent(CopyChunk);
            try
            {
                while (!data.IsEmpty)
                {
                    int n = Math.Min(data.Length, CopyChunk / sizeof(float));
                    for (int i = 0; i < n; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(i * sizeof(float)), data[i]);
                    }

                    stream.Write(chunk, 0, n * sizeof(float));
                    data = data.Slice(n);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        private static void WriteData(Stream stream, ReadOnlySpan<long> data)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(data));
                return;
            }

            Span<byte> bytes = stackalloc byte[sizeof(long)];
            foreach (long value in data)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
                stream.Write(bytes);
            }
        }

        private static void WriteData(Stream stream, ReadOnlySpan<double> data)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(data));
                return;
            }

            byte[] chunk = ArrayPool<byte>.Shared.Rent(CopyChunk);
            try
            {
                while (!data.IsEmpty)
                {
                    int n = Math.Min(data.Length, CopyChunk / sizeof(double));
                    for (int i = 0; i < n; i++)
                    {
                        BinaryPrimitives.WriteDoubleLittleEndian(chunk.AsSpan(i * sizeof(double)), data[i]);
                    }

                    stream.Write(chunk, 0, n * sizeof(double));
                    data = data.Slice(n);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        // ---------------------------------------------------------------- reading

        /// <summary>Reads and fully validates a safetensors file.</summary>
        /// <param name="path">The file to read; its path appears in error messages.</param>
        /// <exception cref="InvalidDataException">The file is malformed.</exception>
        public static SafeTensorsFile Load(string path) => Load(path, options: null);

        /// <summary>
        /// Reads and fully validates a safetensors file. With <see cref="SafeTensorsReadOptions.ExpectedTensors"/>,
        /// an unexpected, missing or differently shaped tensor is rejected from the header, before any data is read.
        /// </summary>
        /// <param name="path">The file to read; its path appears in error messages.</param>
        /// <param name="options">What to accept; null for the defaults.</param>
        /// <exception cref="InvalidDataException">The file is malformed or not what <paramref name="options"/> expects.</exception>
        public static SafeTensorsFile Load(string path, SafeTensorsReadOptions? options)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            return ReadCore(file, path, options);
        }

        /// <summary>
        /// Reads and fully validates a safetensors file from the current position of <paramref name="stream"/>. A
        /// seekable stream must end where the data ends; a non-seekable one is read no further than the header
        /// (at most <see cref="MaxHeaderLength"/> bytes) and the data it declares, plus one byte to check that it ends there.
        /// </summary>
        /// <param name="stream">A readable stream; it is not closed.</param>
        /// <exception cref="InvalidDataException">The data is malformed.</exception>
        public static SafeTensorsFile Read(Stream stream) => ReadCore(stream, fileName: null, options: null);

        /// <summary>Reads as <see cref="Read(Stream)"/>, rejecting from the header a data section larger than <paramref name="maxDataBytes"/>.</summary>
        /// <param name="stream">A readable stream; it is not closed.</param>
        /// <param name="maxDataBytes">The largest data section accepted, e.g. the total size of the tensors expected.</param>
        /// <exception cref="InvalidDataException">The data is malformed or larger than <paramref name="maxDataBytes"/>.</exception>
        public static SafeTensorsFile Read(Stream stream, long maxDataBytes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(maxDataBytes);
            return ReadCore(stream, fileName: null, new SafeTensorsReadOptions { MaxDataBytes = maxDataBytes });
        }

        /// <summary>Reads as <see cref="Read(Stream)"/>, with the checks of <paramref name="options"/> made from the header before any data is read.</summary>
        /// <param name="stream">A readable stream; it is not closed.</param>
        /// <param name="options">What to accept; null for the defaults.</param>
        /// <exception cref="InvalidDataException">The data is malformed or not what <paramref name="options"/> expects.</exception>
        public static SafeTensorsFile Read(Stream stream, SafeTensorsReadOptions? options) => ReadCore(stream, fileName: null, options);

        internal static SafeTensorsFile Read(Stream stream, string? fileName) => ReadCore(stream, fileName, options: null);

        internal static SafeTensorsFile ReadCore(Stream stream, string? fileName, SafeTensorsReadOptions? options)
        {
            ArgumentNullException.ThrowIfNull(stream);
            if (!stream.CanRead)
            {
                throw new ArgumentException("The stream is not readable.", nameof(stream));
            }

            bool seekable = stream.CanSeek;
            long available = seekable ? stream.Length - stream.Position : long.MaxValue;
            Span<byte> prefix = stackalloc byte[8];
            int got = ReadUpTo(stream, prefix);
            if (got < 8)
            {
                throw Error(fileName, null, "expected at least 8 bytes (the header length) but the file has " + Num(got));
            }

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > MaxHeaderLength)
            {
                throw Error(fileName, null, "header length " + headerLength.ToString(CultureInfo.InvariantCulture) + " exceeds the limit of " + Num(MaxHeaderLength) + " bytes");
            }

            if (seekable && (long)headerLength > available - 8)
            {
                throw Error(fileName, null, "header length " + Num((long)headerLength) + " exceeds the " + Num(available - 8) + " bytes that follow it");
            }

            // Read in growing chunks: a lying length on a short stream costs about twice what the stream holds.
            byte[] header = ReadGrowing(stream, (long)headerLength, out long headerRead);
            if (headerRead < (long)headerLength)
            {
                throw Error(fileName, null, "header length " + Num((long)headerLength) + " exceeds the " + Num(headerRead) + " bytes that follow it");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var parsed = new List<ParsedTensor>();
            ParseHeader(header, fileName, metadata, parsed);
            long declared = 0;
            foreach (ParsedTensor t in parsed)
            {
                declared = Math.Max(declared, t.End);
            }

            long dataLength = seekable ? available - 8 - (long)headerLength : declared;
            SafeTensorInfo[] tensors = Validate(parsed, dataLength, fileName);
            long maxData = Math.Min(options?.MaxDataBytes ?? SafeTensorsReadOptions.DefaultMaxDataBytes, Array.MaxLength);
            if (options?.ExpectedTensors is { } expected)
            {
                maxData = Math.Min(maxData, CheckExpected(tensors, expected, fileName));
            }

            if (dataLength > maxData)
            {
                throw Error(fileName, null, "expected a data section of at most " + Num(maxData) + " bytes but the header declares " + Num(dataLength)
                    + (maxData == Array.MaxLength ? " (larger than this reader supports)" : string.Empty));
            }

            byte[] data = ReadGrowing(stream, dataLength, out long dataRead);
            if (dataRead < dataLength)
            {
                throw Error(fileName, null, "expected " + Num(dataLength) + " bytes of tensor data (as the header declares) but the " + (seekable ? "file" : "stream") + " ended after " + Num(dataRead) + " (truncated)");
            }

            if (!seekable)
            {
                Span<byte> one = stackalloc byte[1];
                if (ReadUpTo(stream, one) != 0)
                {
                    throw Error(fileName, null, "expected the stream to end after the " + Num(dataLength) + "-byte data section the header declares but it continues");
                }
            }

            var byName = new Dictionary<string, SafeTensorInfo>(tensors.Length, StringComparer.Ordinal);
            foreach (SafeTensorInfo info in tensors)
            {
                byName.Add(info.Name, info);
            }

            return new SafeTensorsFile(fileName, tensors, byName, metadata, data, options?.AllowNonFinite ?? false);
        }

        /// <summary>Checks the header against the expected tensors; returns their total size.</summary>
        private static long CheckExpected(SafeTensorInfo[] tensors, IReadOnlyList<TensorSpec> expected, string? fileName)
        {
            var byName = new Dictionary<string, TensorSpec>(expected.Count, StringComparer.Ordinal);
            long total = 0;
            foreach (TensorSpec spec in expected)
            {
                ArgumentNullException.ThrowIfNull(spec, nameof(expected));
                if (!byName.TryAdd(spec.Name, spec))
                {
                    throw new ArgumentException("Two expected tensors are named '" + spec.Name + "'.", nameof(expected));
                }

                total = total > long.MaxValue - spec.ByteLength ? long.MaxValue : total + spec.ByteLength;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (SafeTensorInfo info in tensors)
            {
                if (!byName.TryGetValue(info.Name, out TensorSpec? spec))
                {
                    throw Error(fileName, info.Name, "unexpected (" + DTypeInfo.Name(info.DType) + " " + FormatShape(info.Shape) + ", " + Num(info.ByteLength)
                        + " bytes); expected only the " + Num(expected.Count) + " tensor(s) " + DescribeSpecs(expected));
                }

                if (info.DType != spec.DType || !info.ShapeEquals(spec.Shape))
                {
                    throw Error(fileName, info.Name, "expected " + DTypeInfo.Name(spec.DType) + " " + FormatShape(spec.Shape) + " but the header declares "
                        + DTypeInfo.Name(info.DType) + " " + FormatShape(info.Shape));
                }

                seen.Add(info.Name);
            }

            foreach (TensorSpec spec in expected)
            {
                if (!seen.Contains(spec.Name))
                {
                    throw Error(fileName, spec.Name, "missing; expected " + DTypeInfo.Name(spec.DType) + " " + FormatShape(spec.Shape));
                }
            }

            return total;
        }

        private static string DescribeSpecs(IReadOnlyList<TensorSpec> specs)
        {
            const int Limit = 20;
            var sb = new StringBuilder();
            for (int i = 0; i < specs.Count && i < Limit; i++)
            {
                sb.Append(i == 0 ? string.Empty : ", ").Append('\'').Append(specs[i].Name).Append('\'');
            }

            if (specs.Count > Limit)
            {
                sb.Append(", ...");
            }

            return sb.ToString();
        }

        /// <summary>Reads up to <paramref name="count"/> bytes into an array that grows as data arrives (from 64 KiB, doubling).</summary>
        private static byte[] ReadGrowing(Stream stream, long count, out long read)
        {
            const int Initial = 1 << 16;
            if (count == 0)
            {
                read = 0;
                return Array.Empty<byte>();
            }

            byte[] buffer = count <= Initial ? new byte[count] : GC.AllocateUninitializedArray<byte>(Initial);
            long filled = 0;
            while (true)
            {
                int n = ReadUpTo(stream, buffer.AsSpan((int)filled));
                filled += n;
                if (filled < buffer.Length || filled == count)
                {
                    read = filled;
                    return buffer;
                }

                byte[] larger = GC.AllocateUninitializedArray<byte>((int)Math.Min(count, 2L * buffer.Length));
                buffer.AsSpan().CopyTo(larger);
                buffer = larger;
            }
        }

        private static int ReadUpTo(Stream stream, Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer.Slice(total));
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }

        private struct ParsedTensor
        {
            public string Name;
            public DType DType;
            public int[] Shape;
            public long Begin;
            public long End;
        }


        // ---------------------------------------------------------------- helpers

        internal static string FormatShape(ReadOnlySpan<int> shape)
        {
            var sb = new StringBuilder("[");
            for (int i = 0; i < shape.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }

                sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
            }

            return sb.Append(']').ToString();
        }

        private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            _ => token.ToString(),
        };

        private static string Token(ref Utf8JsonReader reader) =>
            reader.TokenType is JsonTokenType.Number or JsonTokenType.String
                ? Encoding.UTF8.GetString(reader.ValueSpan)
                : Describe(reader.TokenType);

        private static InvalidDataException Error(string? fileName, string? tensorName, string detail, Exception? inner = null) =>
            SafeTensorsError.Create(detail, fileName, tensorName, inner);
    }
}
