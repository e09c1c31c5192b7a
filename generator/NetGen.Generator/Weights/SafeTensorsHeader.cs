using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using NetGen.Generator.Model;

namespace NetGen.Generator.Weights
{
    /// <summary>
    /// Reads a safetensors file's header at build time (netstandard2.0, no JSON library): the tensors' names, dtypes, shapes
    /// and byte ranges, checked against the data section, and the first non-finite element of each F32/F64 tensor. Everything
    /// a lying header could make unbounded is bounded: the file's and the header's length, the number of tensors, their rank,
    /// the JSON's nesting, every integer. Problems come back as a message (never an exception).
    /// </summary>
    internal static class SafeTensorsHeader
    {
        /// <summary>The largest weights file compiled in: 64 MiB (16 M float parameters).</summary>
        public const long MaxFileBytes = 64L << 20;

        /// <summary>The largest header: 1 MiB (a network's header is a few hundred bytes per tensor).</summary>
        public const int MaxHeaderBytes = 1 << 20;

        public const int MaxTensors = 4096;

        public const int MaxRank = 8;

        /// <summary>The deepest nesting of JSON values accepted in the metadata.</summary>
        public const int MaxDepth = 8;

        /// <summary>Parses <paramref name="file"/>; returns null and the tensors, or the problem.</summary>
        public static string? Read(byte[] file, out List<TensorSummary> tensors)
        {
            tensors = new List<TensorSummary>();
            if (file.Length < 8)
            {
                return $"the file is {file.Length} bytes long; a safetensors file starts with an 8-byte header length";
            }

            ulong declared = BitConverter.ToUInt64(LittleEndian(file, 0, 8), 0);
            if (declared > (ulong)MaxHeaderBytes || declared > (ulong)(file.Length - 8))
            {
                return $"the header length at offset 0 is {declared.ToString(CultureInfo.InvariantCulture)} bytes, but at most {Math.Min(MaxHeaderBytes, file.Length - 8).ToString(CultureInfo.InvariantCulture)} fit (file of {file.Length.ToString(CultureInfo.InvariantCulture)} bytes, header limit {MaxHeaderBytes.ToString(CultureInfo.InvariantCulture)})";
            }

            int headerLength = (int)declared;
            long dataStart = 8 + headerLength;
            long dataLength = file.Length - dataStart;
            var json = new HeaderJson(file, 8, 8 + headerLength);
            string? problem = json.ParseHeader(out List<HeaderJson.RawTensor> raw);
            if (problem is not null)
            {
                return "bad header: " + problem;
            }

            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (HeaderJson.RawTensor t in raw)
            {
                int size = DTypeSize(t.DType);
                if (size == 0)
                {
                    return $"tensor '{t.Name}' has dtype \"{t.DType}\", which is not a safetensors dtype";
                }

                long elements = 1;
                foreach (long d in t.Shape)
                {
                    if (d < 0 || (d > 0 && elements > dataLength / d))
                    {
                        return $"tensor '{t.Name}' has shape {ShapeText(t.Shape)}, larger than the data section ({dataLength.ToString(CultureInfo.InvariantCulture)} bytes)";
                    }

                    elements *= d;
                }

                if (t.Begin < 0 || t.End < t.Begin || t.End > dataLength)
                {
                    return $"tensor '{t.Name}' has data_offsets [{t.Begin.ToString(CultureInfo.InvariantCulture)}, {t.End.ToString(CultureInfo.InvariantCulture)}], outside the data section of {dataLength.ToString(CultureInfo.InvariantCulture)} bytes";
                }

                if (t.End - t.Begin != elements * size)
                {
                    return $"tensor '{t.Name}' ({t.DType} {ShapeText(t.Shape)}) needs {(elements * size).ToString(CultureInfo.InvariantCulture)} bytes, but its data_offsets span {(t.End - t.Begin).ToString(CultureInfo.InvariantCulture)}";
                }

                ranges.Add((t.Begin, t.End, t.Name));
                (long first, string value) = FirstNonFinite(file, dataStart + t.Begin, elements, t.DType);
                tensors.Add(new TensorSummary(t.Name, t.DType, new EquatableArray<long>(t.Shape.ToArray()), dataStart + t.Begin, t.End - t.Begin, first, value));
            }

            ranges.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long covered = 0;
            foreach ((long begin, long end, string name) in ranges)
            {
                if (begin != covered)
                {
                    return begin > covered
                        ? $"the data section has a gap: bytes [{covered.ToString(CultureInfo.InvariantCulture)}, {begin.ToString(CultureInfo.InvariantCulture)}) belong to no tensor (before '{name}')"
                        : $"tensor '{name}' overlaps the tensor before it at data offset {begin.ToString(CultureInfo.InvariantCulture)}";
                }

                covered = end;
            }

            if (covered != dataLength)
            {
                return $"the data section is {dataLength.ToString(CultureInfo.InvariantCulture)} bytes, but the tensors cover {covered.ToString(CultureInfo.InvariantCulture)}";
            }

            return null;
        }

        public static string ShapeText(IEnumerable<long> shape) => "[" + string.Join(", ", ToStrings(shape)) + "]";

        private static IEnumerable<string> ToStrings(IEnumerable<long> values)
        {
            foreach (long v in values)
            {
                yield return v.ToString(CultureInfo.InvariantCulture);
            }
        }

        private static int DTypeSize(string dtype) => dtype switch
        {
            "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
            "I16" or "U16" or "F16" or "BF16" => 2,
            "I32" or "U32" or "F32" => 4,
            "I64" or "U64" or "F64" => 8,
            _ => 0,
        };

        private static (long Index, string Value) FirstNonFinite(byte[] file, long start, long elements, string dtype)
        {
            for (long i = 0; i < elements; i++)
            {
                double v;
                if (dtype == "F32")
                {
                    int at = (int)(start + (i * 4));
                    v = BitConverter.IsLittleEndian ? BitConverter.ToSingle(file, at) : BitConverter.ToSingle(LittleEndian(file, at, 4), 0);
                }
                else if (dtype == "F64")
                {
                    int at = (int)(start + (i * 8));
                    v = BitConverter.IsLittleEndian ? BitConverter.ToDouble(file, at) : BitConverter.ToDouble(LittleEndian(file, at, 8), 0);
                }
                else if (dtype == "I64")
                {
                    // A count (num_batches_tracked): what is wrong with one is being negative.
                    int at = (int)(start + (i * 8));
                    long count = BitConverter.IsLittleEndian ? BitConverter.ToInt64(file, at) : BitConverter.ToInt64(LittleEndian(file, at, 8), 0);
                    if (count < 0)
                    {
                        return (i, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }

                    continue;
                }
                else
                {
                    return (-1, string.Empty);
                }

                if (double.IsNaN(v) || double.IsInfinity(v))
                {
                    return (i, double.IsNaN(v) ? "NaN" : v > 0 ? "+∞" : "−∞");
                }
            }

            return (-1, string.Empty);
        }

        /// <summary>The bytes at [offset, offset + count) in the host's order for BitConverter.</summary>
        private static byte[] LittleEndian(byte[] file, long offset, int count)
        {
            var bytes = new byte[count];
            Array.Copy(file, offset, bytes, 0, count);
            if (!BitConverter.IsLittleEndian)
            {
                Array.Reverse(bytes);
            }

            return bytes;
        }
    }
}
