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
    /// <summary>The header's parser and the validation of its tensors against the data section.</summary>
    public static partial class SafeTensors
    {
        private static void ParseHeader(byte[] header, string? fileName, Dictionary<string, string> metadata, List<ParsedTensor> tensors)
        {
            if (header.Length == 0 || header[0] != (byte)'{')
            {
                throw Error(fileName, null, "expected the header to start with '{' but it " + (header.Length == 0 ? "is empty" : "starts with byte 0x" + header[0].ToString("X2", CultureInfo.InvariantCulture)));
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            try
            {
                var options = new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 };

                // First pass: syntax only, so malformed JSON is reported as such rather than as a missing field.
                var syntax = new Utf8JsonReader(header, options);
                while (syntax.Read())
                {
                }

                var reader = new Utf8JsonReader(header, options);
                reader.Read();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string name = reader.GetString()!;
                    reader.Read();
                    if (name == MetadataKey)
                    {
                        if (sawMetadata)
                        {
                            throw Error(fileName, null, "\"__metadata__\" appears twice");
                        }

                        sawMetadata = true;
                        ParseMetadata(ref reader, fileName, metadata);
                    }
                    else
                    {
                        if (!names.Add(name))
                        {
                            throw Error(fileName, name, "appears twice in the header");
                        }

                        tensors.Add(ParseTensor(ref reader, fileName, name));
                    }
                }

            }
            catch (JsonException e)
            {
                throw Error(fileName, null, "the header is not valid JSON: " + e.Message, e);
            }
            catch (InvalidOperationException e)
            {
                throw Error(fileName, null, "the header is not valid UTF-8 JSON: " + e.Message, e);
            }
        }

        private static void ParseMetadata(ref Utf8JsonReader reader, string? fileName, Dictionary<string, string> metadata)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(fileName, null, "expected \"__metadata__\" to be an object of strings but found " + Describe(reader.TokenType));
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string key = reader.GetString()!;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Error(fileName, null, "expected \"__metadata__\" value for key '" + key + "' to be a string but found " + Describe(reader.TokenType));
                }

                if (!metadata.TryAdd(key, reader.GetString()!))
                {
                    throw Error(fileName, null, "\"__metadata__\" key '" + key + "' appears twice");
                }
            }
        }

        private static ParsedTensor ParseTensor(ref Utf8JsonReader reader, string? fileName, string name)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(fileName, name, "expected an object with dtype, shape and data_offsets but found " + Describe(reader.TokenType));
            }

            var result = new ParsedTensor { Name = name };
            bool hasDType = false, hasShape = false, hasOffsets = false;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.ValueTextEquals("dtype"u8))
                {
                    reader.Read();
                    if (hasDType)
                    {
                        throw Error(fileName, name, "\"dtype\" appears twice");
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Error(fileName, name, "expected \"dtype\" to be a string but found " + Describe(reader.TokenType));
                    }

                    string dtype = reader.GetString()!;
                    if (!DTypeInfo.TryParse(dtype, out result.DType))
                    {
                        throw Error(fileName, name, "unknown dtype '" + dtype + "' (expected one of F32, F64, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8, U64, U32, U16, U8, BOOL)");
                    }

                    hasDType = true;
                }
                else if (reader.ValueTextEquals("shape"u8))
                {
                    reader.Read();
                    if (hasShape)
                    {
                        throw Error(fileName, name, "\"shape\" appears twice");
                    }

                    result.Shape = ParseShape(ref reader, fileName, name);
                    hasShape = true;
                }
                else if (reader.ValueTextEquals("data_offsets"u8))
                {
                    reader.Read();
                    if (hasOffsets)
                    {
                        throw Error(fileName, name, "\"data_offsets\" appears twice");
                    }

                    ParseOffsets(ref reader, fileName, name, out result.Begin, out result.End);
                    hasOffsets = true;
                }
                else
                {
                    // Unknown fields are ignored, as in the reference implementation.
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!hasDType || !hasShape || !hasOffsets)
            {
                string missing = !hasDType ? "dtype" : !hasShape ? "shape" : "data_offsets";
                throw Error(fileName, name, "missing required field \"" + missing + "\"");
            }

            return result;
        }

        private static int[] ParseShape(ref Utf8JsonReader reader, string? fileName, string name)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Error(fileName, name, "expected \"shape\" to be an array of non-negative integers but found " + Describe(reader.TokenType));
            }

            Span<int> dims = stackalloc int[8];
            int rank = 0;
            int[]? large = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int dim) || dim < 0)
                {
                    throw Error(fileName, name, "expected \"shape\" to be an array of non-negative integers but found element " + Token(ref reader));
                }

                if (rank == dims.Length)
                {
                    large = new int[rank * 2];
                    dims.CopyTo(large);
                    dims = large;
                }

                dims[rank++] = dim;
            }

            return dims.Slice(0, rank).ToArray();
        }

        private static void ParseOffsets(ref Utf8JsonReader reader, string? fileName, string name, out long begin, out long end)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Error(fileName, name, "expected \"data_offsets\" to be an array [begin, end] but found " + Describe(reader.TokenType));
            }

            Span<long> values = stackalloc long[2];
            int count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
                {
                    throw Error(fileName, name, "expected \"data_offsets\" to hold non-negative integers but found element " + Token(ref reader));
                }

                if (count < 2)
                {
                    values[count] = value;
                }

                count++;
            }

            if (count != 2)
            {
                throw Error(fileName, name, "expected \"data_offsets\" to have 2 elements [begin, end] but found " + Num(count));
            }

            begin = values[0];
            end = values[1];
        }

        private static SafeTensorInfo[] Validate(List<ParsedTensor> parsed, long dataLength, string? fileName)
        {
            var infos = new SafeTensorInfo[parsed.Count];
            for (int i = 0; i < parsed.Count; i++)
            {
                ParsedTensor t = parsed[i];
                if (t.Begin > t.End)
                {
                    throw Error(fileName, t.Name, "data_offsets [" + Num(t.Begin) + ", " + Num(t.End) + "] have begin > end");
                }

                if (t.End > dataLength)
                {
                    throw Error(fileName, t.Name, "data_offsets [" + Num(t.Begin) + ", " + Num(t.End) + "] extend past the end of the data section (" + Num(dataLength) + " bytes)");
                }

                int size = DTypeInfo.Size(t.DType);
                long count = 1;
                bool overflow = false;
                foreach (int dim in t.Shape)
                {
                    try
                    {
                        count = checked(count * dim);
                    }
                    catch (OverflowException)
                    {
                        overflow = true;
                        break;
                    }
                }

                long needed = overflow || count > long.MaxValue / size ? -1 : count * size;
                if (needed != t.End - t.Begin)
                {
                    throw Error(
                        fileName,
                        t.Name,
                        "shape " + FormatShape(t.Shape) + " of " + DTypeInfo.Name(t.DType) + " needs " + (needed < 0 ? "more than 2^63" : Num(needed))
                            + " bytes but data_offsets [" + Num(t.Begin) + ", " + Num(t.End) + "] span " + Num(t.End - t.Begin));
                }

                infos[i] = new SafeTensorInfo(t.Name, t.DType, t.Shape, count, t.Begin, t.End);
            }

            // Sorted by position, the tensors must tile the data section exactly: no overlap, no gap, no tail.
            var order = new SafeTensorInfo[infos.Length];
            Array.Copy(infos, order, infos.Length);
            Array.Sort(order, static (a, b) => a.DataBegin != b.DataBegin ? a.DataBegin.CompareTo(b.DataBegin) : a.DataEnd.CompareTo(b.DataEnd));
            long position = 0;
            SafeTensorInfo? previous = null;
            foreach (SafeTensorInfo info in order)
            {
                if (info.DataBegin < position)
                {
                    throw Error(
                        fileName,
                        info.Name,
                        "data_offsets [" + Num(info.DataBegin) + ", " + Num(info.DataEnd) + "] overlap tensor '" + previous!.Name + "' at [" + Num(previous.DataBegin) + ", " + Num(previous.DataEnd) + "]");
                }

                if (info.DataBegin > position)
                {
                    throw Error(
                        fileName,
                        info.Name,
                        "expected data to begin at byte " + Num(position) + " (right after " + (previous is null ? "the header" : "tensor '" + previous.Name + "'")
                            + ") but data_offsets begin at " + Num(info.DataBegin) + ", leaving bytes [" + Num(position) + ", " + Num(info.DataBegin) + ") unused");
                }

                position = info.DataEnd;
                previous = info;
            }

            if (position != dataLength)
            {
                throw Error(
                    fileName,
                    null,
                    "expected the tensors to cover the " + Num(dataLength) + "-byte data section exactly but they end at byte " + Num(position)
                        + ", leaving " + Num(dataLength - position) + " trailing bytes");
            }

            return infos;
        }
    }
}
