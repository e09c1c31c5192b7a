using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Generator.Weights
{
    /// <summary>
    /// A strict, bounded JSON reader for a safetensors header's shape: { name: { dtype, shape, data_offsets }, "__metadata__": … }.
    /// Problems come back as messages with the header offset; nesting, counts and numbers are bounded by <see cref="SafeTensorsHeader"/>.
    /// </summary>
    internal sealed class HeaderJson
    {
        /// <summary>One tensor's entry as written in the header, before it is checked against the data.</summary>
        internal sealed class RawTensor
        {
            public string Name = string.Empty;
            public string DType = string.Empty;
            public List<long> Shape = new();
            public long Begin = -1;
            public long End = -1;
        }

        private readonly byte[] _b;
        private readonly int _end;
        private int _i;

        public HeaderJson(byte[] bytes, int start, int end)
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
                    if (tensors.Count == SafeTensorsHeader.MaxTensors)
                    {
                        return $"more than {SafeTensorsHeader.MaxTensors.ToString(CultureInfo.InvariantCulture)} tensors";
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
                            problem = Integers(t.Shape, SafeTensorsHeader.MaxRank, $"tensor '{t.Name}' shape");
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

        /// <summary>Skips any JSON value (the metadata), nested at most <see cref="SafeTensorsHeader.MaxDepth"/> deep.</summary>
        private string? SkipValue(int depth)
        {
            if (depth > SafeTensorsHeader.MaxDepth)
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
