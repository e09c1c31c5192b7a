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

        private const int MaxDepth = 8;

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
            var json = new Json(file, 8, 8 + headerLength);
            string? problem = json.ParseHeader(out List<RawTensor> raw);
            if (problem is not null)
            {
                return "bad header: " + problem;
            }

            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (RawTensor t in raw)
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

        internal sealed class RawTensor
        {
            public string Name = string.Empty;
            public string DType = string.Empty;
            public List<long> Shape = new();
            public long Begin = -1;
            public long End = -1;
        }

        /// <summary>A strict, bounded JSON reader for the header's shape: { name: { dtype, shape, data_offsets }, "__metadata__": { string: string } }.</summary>
        private sealed class Json
        {
            private readonly byte[] _b;
            private readonly int _end;
            private int _i;

            public Json(byte[] bytes, int start, int end)
            {
                _b = bytes;
                _i = start;
                _end = end;
            }

            private string At => "at header byte " + (_i - 8).ToString(CultureInfo.InvariantCulture);

            public string? ParseHeader(out List<RawTensor> tensors)
            {
                tensors = new List<RawTensor>();
                var names = new HashSet<string>(StringComparer.Ordinal);
                SkipSpace();
                if (!Eat('{'))
                {
                    return "expected '{' " + At;
                }

                SkipSpace();
                if (Eat('}'))
                {
                    return Trailing();
                }

                while (true)
                {
                    SkipSpace();
                    string? problem = String(out string name);
                    if (problem is not null)
                    {
                        return problem;
                    }

                    SkipSpace();
                    if (!Eat(':'))
                    {
                        return "expected ':' " + At;
                    }

                    SkipSpace();
                    if (!names.Add(name))
                    {
                        return $"'{name}' appears twice";
                    }

                    if (name == "__metadata__")
                    {
                        problem = SkipValue(1);
                    }
                    else
                    {
                        if (tensors.Count == MaxTensors)
                        {
                            return $"more than {MaxTensors.ToString(CultureInfo.InvariantCulture)} tensors";
                        }

                        var tensor = new RawTensor { Name = name };
                        problem = Tensor(tensor);
                        tensors.Add(tensor);
                    }

                    if (problem is not null)
                    {
                        return problem;
                    }

                    SkipSpace();
                    if (Eat('}'))
                    {
                        return Trailing();
                    }

                    if (!Eat(','))
                    {
                        return "expected ',' or '}' " + At;
                    }
                }
            }

            private string? Trailing()
            {
                SkipSpace();
                return _i == _end ? null : "unexpected data after the header's object " + At;
            }

            private string? Tensor(RawTensor t)
            {
                if (!Eat('{'))
                {
                    return $"tensor '{t.Name}' is not an object " + At;
                }

                bool dtype = false, shape = false, offsets = false;
                SkipSpace();
                if (!Eat('}'))
                {
                    while (true)
                    {
                        SkipSpace();
                        string? problem = String(out string key);
                        if (problem is not null)
                        {
                            return problem;
                        }

                        SkipSpace();
                        if (!Eat(':'))
                        {
                            return "expected ':' " + At;
                        }

                        SkipSpace();
                        switch (key)
                        {
                            case "dtype" when !dtype:
                                dtype = true;
                                problem = String(out t.DType);
                                break;
                            case "shape" when !shape:
                                shape = true;
                                problem = Integers(t.Shape, MaxRank, $"tensor '{t.Name}' shape");
                                break;
                            case "data_offsets" when !offsets:
                                offsets = true;
                                var pair = new List<long>();
                                problem = Integers(pair, 2, $"tensor '{t.Name}' data_offsets");
                                if (problem is null && pair.Count != 2)
                                {
                                    problem = $"tensor '{t.Name}' data_offsets has {pair.Count.ToString(CultureInfo.InvariantCulture)} numbers; expected 2";
                                }
                                else if (problem is null)
                                {
                                    t.Begin = pair[0];
                                    t.End = pair[1];
                                }

                                break;
                            default:
                                return $"tensor '{t.Name}' has an unexpected or repeated field \"{key}\"";
                        }

                        if (problem is not null)
                        {
                            return problem;
                        }

                        SkipSpace();
                        if (Eat('}'))
                        {
                            break;
                        }

                        if (!Eat(','))
                        {
                            return "expected ',' or '}' " + At;
                        }
                    }
                }

                return !dtype ? $"tensor '{t.Name}' has no dtype" : !shape ? $"tensor '{t.Name}' has no shape" : !offsets ? $"tensor '{t.Name}' has no data_offsets" : null;
            }

            private string? Integers(List<long> into, int max, string what)
            {
                if (!Eat('['))
                {
                    return what + " is not an array " + At;
                }

                SkipSpace();
                if (Eat(']'))
                {
                    return null;
                }

                while (true)
                {
                    SkipSpace();
                    if (into.Count == max)
                    {
                        return $"{what} has more than {max.ToString(CultureInfo.InvariantCulture)} numbers";
                    }

                    int start = _i;
                    long value = 0;
                    while (_i < _end && _b[_i] >= (byte)'0' && _b[_i] <= (byte)'9')
                    {
                        if (value > (long.MaxValue - 9) / 10)
                        {
                            return what + " has a number too large " + At;
                        }

                        value = (value * 10) + (_b[_i++] - '0');
                    }

                    if (_i == start || (_i - start > 1 && _b[start] == (byte)'0'))
                    {
                        return what + " must hold non-negative integers " + At;
                    }

                    into.Add(value);
                    SkipSpace();
                    if (Eat(']'))
                    {
                        return null;
                    }

                    if (!Eat(','))
                    {
                        return "expected ',' or ']' " + At;
                    }
                }
            }

            /// <summary>Skips any JSON value (the metadata), nested at most <see cref="MaxDepth"/> deep.</summary>
            private string? SkipValue(int depth)
            {
                if (depth > MaxDepth)
                {
                    return "nested too deeply " + At;
                }

                SkipSpace();
                if (_i >= _end)
                {
                    return "unexpected end of the header";
                }

                byte c = _b[_i];
                if (c == (byte)'"')
                {
                    return String(out _);
                }

                if (c == (byte)'{' || c == (byte)'[')
                {
                    byte close = c == (byte)'{' ? (byte)'}' : (byte)']';
                    _i++;
                    SkipSpace();
                    if (Eat((char)close))
                    {
                        return null;
                    }

                    while (true)
                    {
                        SkipSpace();
                        string? problem;
                        if (c == (byte)'{')
                        {
                            problem = String(out _);
                            SkipSpace();
                            if (problem is null && !Eat(':'))
                            {
                                problem = "expected ':' " + At;
                            }

                            if (problem is not null)
                            {
                                return problem;
                            }
                        }

                        problem = SkipValue(depth + 1);
                        if (problem is not null)
                        {
                            return problem;
                        }

                        SkipSpace();
                        if (Eat((char)close))
                        {
                            return null;
                        }

                        if (!Eat(','))
                        {
                            return "expected ',' " + At;
                        }
                    }
                }

                int start = _i;
                while (_i < _end && (char.IsLetterOrDigit((char)_b[_i]) || _b[_i] == (byte)'-' || _b[_i] == (byte)'+' || _b[_i] == (byte)'.'))
                {
                    _i++;
                }

                return _i > start ? null : "unexpected character " + At;
            }

            private string? String(out string value)
            {
                value = string.Empty;
                if (!Eat('"'))
                {
                    return "expected a string " + At;
                }

                var bytes = new List<byte>();
                while (true)
                {
                    if (_i >= _end)
                    {
                        return "unterminated string";
                    }

                    byte c = _b[_i++];
                    if (c == (byte)'"')
                    {
                        break;
                    }

                    if (c < 0x20)
                    {
                        return "control character in a string " + At;
                    }

                    if (c != (byte)'\\')
                    {
                        bytes.Add(c);
                        continue;
                    }

                    if (_i >= _end)
                    {
                        return "unterminated string";
                    }

                    byte e = _b[_i++];
                    string? escaped = e switch
                    {
                        (byte)'"' => "\"",
                        (byte)'\\' => "\\",
                        (byte)'/' => "/",
                        (byte)'b' => "\b",
                        (byte)'f' => "\f",
                        (byte)'n' => "\n",
                        (byte)'r' => "\r",
                        (byte)'t' => "\t",
                        _ => null,
                    };
                    if (e == (byte)'u')
                    {
                        if (_end - _i < 4 || !int.TryParse(Encoding.ASCII.GetString(_b, _i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                        {
                            return "bad \\u escape " + At;
                        }

                        _i += 4;
                        escaped = ((char)code).ToString();
                    }

                    if (escaped is null)
                    {
                        return "bad escape " + At;
                    }

                    bytes.AddRange(Encoding.UTF8.GetBytes(escaped));
                }

                try
                {
                    value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
                    return null;
                }
                catch (ArgumentException)
                {
                    return "a string is not valid UTF-8 " + At;
                }
            }

            private void SkipSpace()
            {
                while (_i < _end && (_b[_i] == (byte)' ' || _b[_i] == (byte)'\t' || _b[_i] == (byte)'\n' || _b[_i] == (byte)'\r'))
                {
                    _i++;
                }
            }

            private bool Eat(char c)
            {
                if (_i < _end && _b[_i] == (byte)c)
                {
                    _i++;
                    return true;
                }

                return false;
            }
        }
    }
}
