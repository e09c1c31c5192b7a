using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NetGen.Data
{
    /// <summary>
    /// Reads RFC 4180 records: fields split by a separator; a field that starts with '"' is quoted, may hold the
    /// separator, line breaks and doubled quotes ("" for "), and must be followed by the separator or the end of the
    /// record. Records end at \n, \r\n or \r outside quotes. Unquoted fields are trimmed of spaces. Fields are views
    /// into a reused buffer, valid until the next <see cref="Read"/>.
    /// </summary>
    internal sealed class CsvRecordReader : IDisposable
    {
        private const int BlockSize = 1 << 16;
        private readonly TextReader _reader;
        private readonly string _name;
        private readonly char _separator;
        private readonly int _max;
        private readonly List<(int Start, int Length)> _fields = new();
        private char[] _block = ArrayPool<char>.Shared.Rent(BlockSize);
        private int _position;
        private int _end;
        private char[] _record = ArrayPool<char>.Shared.Rent(4096);
        private int _length;
        private long _line = 1;

        public CsvRecordReader(TextReader reader, string name, char separator, int maxRecordLength)
        {
            _reader = reader;
            _name = name;
            _separator = separator;
            _max = maxRecordLength;
        }

        /// <summary>The line the current record starts on (1-based).</summary>
        public long Line { get; private set; }

        public int FieldCount => _fields.Count;

        public ReadOnlySpan<char> Field(int index) => _record.AsSpan(_fields[index].Start, _fields[index].Length);

        /// <summary>Reads the next record that is not blank; false at the end of the text.</summary>
        /// <exception cref="DataFormatException">An unterminated quote, text after a closing quote, or a record over the limit.</exception>
        public bool Read()
        {
            while (true)
            {
                if (!ReadRecord(out bool blank))
                {
                    return false;
                }

                if (!blank)
                {
                    return true;
                }
            }
        }

        private bool ReadRecord(out bool blank)
        {
            _fields.Clear();
            _length = 0;
            Line = _line;
            blank = true;
            int c = Next();
            if (c < 0)
            {
                return false;
            }

            while (true)
            {
                // One field.
                int start = _length;
                while (c == ' ')
                {
                    c = Next();
                }

                if (c == '"')
                {
                    blank = false;
                    long opened = _line;
                    while (true)
                    {
                        c = Next();
                        if (c < 0)
                        {
                            throw Error(opened, _fields.Count + 1, "expected a closing quote for the field opened here but the text ended");
                        }

                        if (c == '"')
                        {
                            c = Next();
                            if (c != '"')
                            {
                                break;
                            }
                        }
                        else if (c == '\n' || (c == '\r'))
                        {
                            if (c == '\r' && Peek() == '\n')
                            {
                                Next();
                                Append('\r');
                                c = '\n';
                            }

                            _line++;
                        }

                        Append((char)c);
                    }

                    while (c == ' ')
                    {
                        c = Next();
                    }

                    _fields.Add((start, _length - start));
                    if (c >= 0 && c != _separator && c != '\n' && c != '\r')
                    {
                        throw Error(_line, _fields.Count, string.Format(CultureInfo.InvariantCulture, "expected '{0}' or the end of the record after a closing quote but found '{1}'", _separator, (char)c));
                    }
                }
                else
                {
                    while (c >= 0 && c != _separator && c != '\n' && c != '\r')
                    {
                        if (c == '"')
                        {
                            throw Error(_line, _fields.Count + 1, "expected no quote inside an unquoted field (quote the whole field and double the quote)");
                        }

                        Append((char)c);
                        c = Next();
                    }

                    int length = _length - start;
                    while (length > 0 && _record[start + length - 1] == ' ')
                    {
                        length--;
                    }

                    blank &= length == 0;
                    _fields.Add((start, length));
                }

                if (c == _separator)
                {
                    blank = false;
                    c = Next();
                    continue;
                }

                // The end of the record: a line break or the end of the text.
                if (c == '\r' && Peek() == '\n')
                {
                    Next();
                }

                if (c >= 0)
                {
                    _line++;
                }

                return true;
            }
        }

        public DataFormatException Error(long line, int column, string what) =>
            new(string.Format(CultureInfo.InvariantCulture, "{0}: line {1}, column {2}: {3}.", _name, line, column, what), _name, -1, line, column);

        public void Dispose()
        {
            ArrayPool<char>.Shared.Return(_block);
            ArrayPool<char>.Shared.Return(_record);
            _block = Array.Empty<char>();
            _record = Array.Empty<char>();
        }

        private void Append(char c)
        {
            if (_length == _record.Length)
            {
                if (_length >= _max)
                {
                    throw Error(Line, _fields.Count + 1, string.Format(CultureInfo.InvariantCulture, "expected at most {0} characters in a record but found more", _max));
                }

                char[] larger = ArrayPool<char>.Shared.Rent((int)Math.Min(2L * _record.Length, Math.Max(_max, _record.Length + 1)));
                _record.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<char>.Shared.Return(_record);
                _record = larger;
            }

            if (_length >= _max)
            {
                throw Error(Line, _fields.Count + 1, string.Format(CultureInfo.InvariantCulture, "expected at most {0} characters in a record but found more", _max));
            }

            _record[_length++] = c;
        }

        private int Next()
        {
            if (_position == _end && !Fill())
            {
                return -1;
            }

            return _block[_position++];
        }

        private int Peek()
        {
            if (_position == _end && !Fill())
            {
                return -1;
            }

            return _block[_position];
        }

        private bool Fill()
        {
            _position = 0;
            _end = _reader.Read(_block, 0, BlockSize);
            if (!_filled)
            {
                // A byte order mark that the reader left in the text (a StringReader, a StreamReader told not to detect
                // encodings) is not part of the first field's name.
                _filled = true;
                _position = _end > 0 && _block[0] == '\uFEFF' ? 1 : 0;
                if (_position == _end)
                {
                    return Fill();
                }
            }

            return _end > 0;
        }

        private bool _filled;
    }
}
