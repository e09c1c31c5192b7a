using System;
using System.Globalization;
using System.IO;

namespace NetGen.Data
{
    /// <summary>
    /// Loads a classification dataset from CSV lines <c>label,feature1,feature2,...</c> (comma-separated, invariant
    /// culture, no quoting). The first line is a header, and skipped, when its first field is not a number. Blank
    /// lines are ignored. Every row must have the same number of fields.
    /// </summary>
    public static class CsvDataset
    {
        /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
        /// <param name="path">The CSV file.</param>
        /// <param name="classCount">Number of classes; 0 infers it as the largest label + 1.</param>
        /// <exception cref="DataFormatException">A field is not a number, a label is not an integer in range, or a row has the wrong number of fields; the message names the file, line, column and text.</exception>
        public static Dataset Load(string path, int classCount = 0)
        {
            ArgumentNullException.ThrowIfNull(path);
            using var reader = new StreamReader(path);
            return Load(reader, path, classCount);
        }

        /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="name"/> identifies it in error messages.</summary>
        /// <param name="reader">The CSV text.</param>
        /// <param name="name">File name or description used in error messages.</param>
        /// <param name="classCount">Number of classes; 0 infers it as the largest label + 1.</param>
        public static Dataset Load(TextReader reader, string name, int classCount = 0)
        {
            ArgumentNullException.ThrowIfNull(reader);
            ArgumentNullException.ThrowIfNull(name);
            ArgumentOutOfRangeException.ThrowIfNegative(classCount);
            float[] features = new float[1024];
            int[] labels = new int[64];
            int rows = 0;
            int featureCount = -1;
            int maxLabel = -1;
            long lineNumber = 0;
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                ReadOnlySpan<char> rest = line.AsSpan();
                int fields = 1 + rest.Count(',');
                if (featureCount < 0)
                {
                    ReadOnlySpan<char> first = NextField(ref rest);
                    if (!double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    {
                        featureCount = fields - 1;
                        if (featureCount < 1)
                        {
                            throw Error(name, lineNumber, 2, string.Empty, "expected a header with at least one feature column");
                        }

                        continue;
                    }

                    rest = line.AsSpan();
                    featureCount = fields - 1;
                    if (featureCount < 1)
                    {
                        throw Error(name, lineNumber, 2, string.Empty, "expected at least one feature after the label");
                    }
                }

                if (fields != featureCount + 1)
                {
                    throw Error(name, lineNumber, Math.Min(fields, featureCount + 1) + 1, line, string.Format(CultureInfo.InvariantCulture, "expected {0} fields but found {1} in the line", featureCount + 1, fields));
                }

                if (rows == labels.Length)
                {
                    Array.Resize(ref labels, labels.Length * 2);
                }

                long needed = (long)(rows + 1) * featureCount;
                if (needed > features.Length)
                {
                    long grown = Math.Max(needed, 2L * features.Length);
                    if (needed > Array.MaxLength)
                    {
                        throw Error(name, lineNumber, 1, string.Empty, "expected at most " + Array.MaxLength.ToString(CultureInfo.InvariantCulture) + " feature values in total");
                    }

                    Array.Resize(ref features, (int)Math.Min(grown, Array.MaxLength));
                }

                ReadOnlySpan<char> labelText = NextField(ref rest);
                if (!int.TryParse(labelText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) || label < 0)
                {
                    throw Error(name, lineNumber, 1, labelText.ToString(), "expected a non-negative integer label");
                }

                if (classCount > 0 && label >= classCount)
                {
                    throw Error(name, lineNumber, 1, labelText.ToString(), string.Format(CultureInfo.InvariantCulture, "expected a label from 0 to {0}", classCount - 1));
                }

                maxLabel = Math.Max(maxLabel, label);
                labels[rows] = label;
                Span<float> row = features.AsSpan(rows * featureCount, featureCount);
                for (int c = 0; c < featureCount; c++)
                {
                    ReadOnlySpan<char> text = NextField(ref rest);
                    if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                    {
                        throw Error(name, lineNumber, c + 2, text.ToString(), "expected a finite number");
                    }

                    row[c] = value;
                }

                rows++;
            }

            if (rows == 0)
            {
                throw new DataFormatException(name + ": expected at least one data row but found none.", name, -1, lineNumber, 0);
            }

            Array.Resize(ref labels, rows);
            Array.Resize(ref features, rows * featureCount);
            return new Dataset(features, labels, featureCount, classCount > 0 ? classCount : maxLabel + 1);
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

        private static DataFormatException Error(string name, long line, int column, string text, string expected) =>
            new(string.Format(CultureInfo.InvariantCulture, "{0}: line {1}, column {2}: {3} but found '{4}'.", name, line, column, expected, text),
                name, -1, line, column);
    }
}
