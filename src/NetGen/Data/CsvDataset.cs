using System;
using System.Buffers;
using System.Globalization;
using System.IO;

namespace NetGen.Data
{
    /// <summary>
    /// Loads a classification dataset from CSV lines <c>label,feature1,feature2,...</c> (comma-separated, invariant
    /// culture, no quoting). The first line is a header, and skipped, when its first field is not a number. Blank
    /// lines are ignored. Every row must have the same number of fields. Lines end at <c>\n</c>, <c>\r\n</c> or
    /// <c>\r</c>; a line longer than the maximum line length is an error (it is never buffered whole).
    /// </summary>
    public static partial class CsvDataset
    {
        /// <summary>Default maximum line length, in characters: 1 MiB.</summary>
        public const int DefaultMaxLineLength = 1 << 20;

        /// <summary>Longest excerpt of an offending field quoted in an error message.</summary>
        private const int QuoteLimit = 80;

        /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
        /// <param name="path">The CSV file.</param>
        /// <param name="classCount">Number of classes; 0 infers it as the largest label + 1.</param>
        /// <exception cref="DataFormatException">A field is not a number, a label is not an integer in range, a row has the wrong number of fields, or a line is longer than <see cref="DefaultMaxLineLength"/>; the message names the file, line, column and text.</exception>
        public static Dataset Load(string path, int classCount = 0) => Load(path, classCount, DefaultMaxLineLength);

        /// <summary>Reads the CSV file at <paramref name="path"/>, accepting lines of up to <paramref name="maxLineLength"/> characters.</summary>
        /// <param name="path">The CSV file.</param>
        /// <param name="classCount">Number of classes; 0 infers it as the largest label + 1.</param>
        /// <param name="maxLineLength">Longest line accepted, in characters, excluding the line break.</param>
        /// <exception cref="DataFormatException">The file is malformed or a line is too long; the message names the file, line, column and text.</exception>
        public static Dataset Load(string path, int classCount, int maxLineLength)
        {
            ArgumentNullException.ThrowIfNull(path);
            using var reader = new StreamReader(path);
            return Load(reader, path, classCount, maxLineLength);
        }

        /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="name"/> identifies it in error messages.</summary>
        /// <param name="reader">The CSV text.</param>
        /// <param name="name">File name or description used in error messages.</param>
        /// <param name="classCount">Number of classes; 0 infers it as the largest label + 1.</param>
        public static Dataset Load(TextReader reader, string name, int classCount = 0) => Load(reader, name, classCount, DefaultMaxLineLength);

        /// <summary>Reads CSV text from <paramref name="reader"/>, accepting lines of up to <paramref name="maxLineLength"/> characters.</summary>
        /// <param name="reader">The CSV text.</param>
        /// <param name="name">File name or description used in error messages.</param>
        /// <param name="classCount">Number of classes; 0 infers it as the largest label + 1.</param>
        /// <param name="maxLineLength">Longest line accepted, in characters, excluding the line break.</param>
        public static Dataset Load(TextReader reader, string name, int classCount, int maxLineLength)
        {
            ArgumentNullException.ThrowIfNull(reader);
            ArgumentNullException.ThrowIfNull(name);
            ArgumentOutOfRangeException.ThrowIfNegative(classCount);
            ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
            var lines = new LineReader(reader, maxLineLength);
            try
            {
                return Parse(ref lines, name, classCount);
            }
            finally
            {
                lines.Dispose();
            }
        }

        private static Dataset Parse(ref LineReader lines, string name, int classCount)
        {
            var features = new ChunkedList<float>();
            var labels = new ChunkedList<int>();
            int rows = 0;
            int featureCount = -1;
            int maxLabel = -1;
            long lineNumber = 0;
            while (true)
            {
                lineNumber++;
                if (!lines.TryRead(out ReadOnlySpan<char> line, out bool tooLong))
                {
                    lineNumber--;
                    break;
                }

                if (tooLong)
                {
                    throw new DataFormatException(
                        string.Format(CultureInfo.InvariantCulture, "{0}: line {1}: expected at most {2} characters in a line but found more, starting '{3}...'.", name, lineNumber, lines.MaxLineLength, Excerpt(line, out _)),
                        name, -1, lineNumber, 0);
                }

                if (line.IsWhiteSpace())
                {
                    continue;
                }

                ReadOnlySpan<char> rest = line;
                int fields = 1 + rest.Count(',');
                if (featureCount < 0)
                {
                    ReadOnlySpan<char> first = NextField(ref rest);
                    if (!double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    {
                        featureCount = fields - 1;
                        if (featureCount < 1)
                        {
                            throw Error(name, lineNumber, 2, default, "expected a header with at least one feature column");
                        }

                        continue;
                    }

                    rest = line;
                    featureCount = fields - 1;
                    if (featureCount < 1)
                    {
                        throw Error(name, lineNumber, 2, default, "expected at least one feature after the label");
                    }
                }

                if (fields != featureCount + 1)
                {
                    throw new DataFormatException(
                        string.Format(CultureInfo.InvariantCulture, "{0}: line {1}, column {2}: expected {3} fields but found {4} in {5}.", name, lineNumber, Math.Min(fields, featureCount + 1) + 1, featureCount + 1, fields, Quote(line)),
                        name, -1, lineNumber, Math.Min(fields, featureCount + 1) + 1);
                }

                if ((long)(rows + 1) * featureCount > Array.MaxLength)
                {
                    throw Error(name, lineNumber, 1, default, "expected at most " + Array.MaxLength.ToString(CultureInfo.InvariantCulture) + " feature values in total");
                }

                ReadOnlySpan<char> labelText = NextField(ref rest);
                if (!int.TryParse(labelText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) || label < 0)
                {
                    throw Error(name, lineNumber, 1, labelText, "expected a non-negative integer label");
                }

                if (classCount > 0 && label >= classCount)
                {
                    throw Error(name, lineNumber, 1, labelText, string.Format(CultureInfo.InvariantCulture, "expected a label from 0 to {0}", classCount - 1));
                }

                if (classCount == 0 && label == int.MaxValue)
                {
                    throw Error(name, lineNumber, 1, labelText, "expected a label below 2147483647 (the class count, inferred as the largest label + 1, must fit in an int)");
                }

                maxLabel = Math.Max(maxLabel, label);
                labels.Add(label);
                for (int c = 0; c < featureCount; c++)
                {
                    ReadOnlySpan<char> text = NextField(ref rest);
                    if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                    {
                        throw Error(name, lineNumber, c + 2, text, "expected a finite number");
                    }

                    features.Add(value);
                }

                rows++;
            }

            if (rows == 0)
            {
                throw new DataFormatException(name + ": expected at least one data row but found none.", name, -1, lineNumber, 0);
            }

            return new Dataset(features.ToArray(), labels.ToArray(), featureCount, classCount > 0 ? classCount : maxLabel + 1);
        }

        private static ReadOnlySpan<char> NextField(ref ReadOnlySpan<char> rest)
        {
            int comma = rest.IndexOf(',');
            ReadOnlySpan<char> field;
            if (comma < 0)
            {
                field = rest;
                rest = default;
            }
            else
            {
                field = rest.Slice(0, comma);
                rest = rest.Slice(comma + 1);
            }

            return field.Trim();
        }

        private static DataFormatException Error(string name, long line, int column, ReadOnlySpan<char> text, string expected) =>
            new(string.Format(CultureInfo.InvariantCulture, "{0}: line {1}, column {2}: {3} but found {4}.", name, line, column, expected, Quote(text)),
                name, -1, line, column);

        /// <summary>The text in quotes; long text is cut to its first characters, followed by "..." and its length.</summary>
        private static string Quote(ReadOnlySpan<char> text)
        {
            string excerpt = Excerpt(text, out bool shortened);
            return shortened
                ? string.Format(CultureInfo.InvariantCulture, "'{0}...' ({1} characters)", excerpt, text.Length)
                : "'" + excerpt + "'";
        }

        private static string Excerpt(ReadOnlySpan<char> text, out bool shortened)
        {
            shortened = text.Length > QuoteLimit;
            return shortened ? text.Slice(0, QuoteLimit - 3).ToString() : text.ToString();
        }

        /// <summary>Reads lines of at most a maximum length into a reusable buffer (lines end at \n, \r\n or \r).</summary>
        private struct LineReader : IDisposable
        {
            private const int BlockSize = 1 << 16;
            private readonly TextReader _reader;
            private char[] _block;
            private int _blockStart;
            private int _blockEnd;
            private char[] _line;
            private bool _skipLineFeed;
            private bool _end;

            public LineReader(TextReader reader, int maxLineLength)
            {
                _reader = reader;
                MaxLineLength = maxLineLength;
                _block = ArrayPool<char>.Shared.Rent(BlockSize);
                _line = ArrayPool<char>.Shared.Rent(Math.Min(maxLineLength, 4096));
                _blockStart = 0;
                _blockEnd = 0;
                _skipLineFeed = false;
                _end = false;
            }

            public int MaxLineLength { get; }

            /// <summary>Reads the next line; false at the end. When the line exceeds the limit, <paramref name="tooLong"/> is set and <paramref name="line"/> holds its start.</summary>
            public bool TryRead(out ReadOnlySpan<char> line, out bool tooLong)
            {
                int length = 0;
                bool any = false;
                tooLong = false;
                while (true)
                {
                    if (_blockStart == _blockEnd)
                    {
                        if (_end || !Fill())
                        {
                            line = _line.AsSpan(0, length);
                            return any;
                        }
                    }

                    if (_skipLineFeed)
                    {
                        _skipLineFeed = false;
                        if (_block[_blockStart] == '\n')
                        {
                            _blockStart++;
                            continue;
                        }
                    }

                    any = true;
                    ReadOnlySpan<char> available = _block.AsSpan(_blockStart, _blockEnd - _blockStart);
                    int stop = available.IndexOfAny('\n', '\r');
                    ReadOnlySpan<char> part = stop < 0 ? available : available.Slice(0, stop);
                    if ((long)length + part.Length > MaxLineLength)
                    {
                        Append(ref length, part.Slice(0, Math.Min(part.Length, Math.Max(0, QuoteLimit - length))));
                        tooLong = true;
                        line = _line.AsSpan(0, length);
                        return true;
                    }

                    Append(ref length, part);
                    if (stop < 0)
                    {
                        _blockStart = _blockEnd;
                        continue;
                    }

                    _skipLineFeed = available[stop] == '\r';
                    _blockStart += stop + 1;
                    line = _line.AsSpan(0, length);
                    return true;
                }
            }

            public void Dispose()
            {
                ArrayPool<char>.Shared.Return(_block);
                ArrayPool<char>.Shared.Return(_line);
                _block = Array.Empty<char>();
                _line = Array.Empty<char>();
            }

            private void Append(ref int length, ReadOnlySpan<char> part)
            {
                if (length + part.Length > _line.Length)
                {
                    char[] larger = ArrayPool<char>.Shared.Rent(Math.Max(length + part.Length, (int)Math.Min(MaxLineLength, 2L * _line.Length)));
                    _line.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<char>.Shared.Return(_line);
                    _line = larger;
                }

                part.CopyTo(_line.AsSpan(length));
                length += part.Length;
            }

            private bool Fill()
            {
                _blockStart = 0;
                _blockEnd = _reader.Read(_block, 0, BlockSize);
                _end = _blockEnd == 0;
                return !_end;
            }
        }
    }
}
