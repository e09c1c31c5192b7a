using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Data
{
    /// <summary>CSV files read with <see cref="CsvOptions"/>: label or target columns anywhere, header, separator, RFC 4180 quoting.</summary>
    public static partial class CsvDataset
    {
        /// <summary>
        /// Reads a classification data set: the one column <see cref="CsvOptions.Targets"/> names holds non-negative
        /// integer labels, every other column a feature (finite numbers, invariant culture).
        /// </summary>
        /// <param name="path">The CSV file.</param>
        /// <param name="options">Separator, header, label column, record length limit.</param>
        /// <param name="classCount">Number of classes; 0 infers it as the largest label + 1.</param>
        /// <exception cref="DataFormatException">A malformed record or value; the message names the file, line and column and quotes the text.</exception>
        public static Dataset Load(string path, CsvOptions options, int classCount = 0)
        {
            ArgumentNullException.ThrowIfNull(path);
            using var reader = new StreamReader(path);
            return Load(reader, path, options, classCount);
        }

        /// <summary>Reads a classification data set from CSV text (see <see cref="Load(string, CsvOptions, int)"/>); <paramref name="name"/> appears in errors.</summary>
        public static Dataset Load(TextReader reader, string name, CsvOptions options, int classCount = 0)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentOutOfRangeException.ThrowIfNegative(classCount);
            var (features, labels, featureCount, _, lastLine) = Read<float, int>(reader, name, options, labels: true, classCount);
            if (labels.Length == 0)
            {
                throw new DataFormatException(name + ": expected at least one data record but found none.", name, -1, lastLine, 0);
            }

            return new Dataset(features, labels, featureCount, classCount > 0 ? classCount : labels.Max() + 1);
        }

        /// <summary>
        /// Reads a data set with <typeparamref name="T"/> targets (regression, multi-label): the columns
        /// <see cref="CsvOptions.Targets"/> names hold the targets, in that order, every other column a feature.
        /// </summary>
        /// <typeparam name="T">float, or double for a Precision.Double network.</typeparam>
        /// <param name="path">The CSV file.</param>
        /// <param name="options">Separator, header, target columns, record length limit.</param>
        /// <exception cref="DataFormatException">A malformed record or value; the message names the file, line and column and quotes the text.</exception>
        public static Dataset<T, T> LoadTargets<T>(string path, CsvOptions options)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentNullException.ThrowIfNull(path);
            using var reader = new StreamReader(path);
            return LoadTargets<T>(reader, path, options);
        }

        /// <summary>Reads a data set with <typeparamref name="T"/> targets from CSV text (see <see cref="LoadTargets{T}(string, CsvOptions)"/>).</summary>
        public static Dataset<T, T> LoadTargets<T>(TextReader reader, string name, CsvOptions options)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentNullException.ThrowIfNull(options);
            var (features, targets, featureCount, targetCount, lastLine) = Read<T, T>(reader, name, options, labels: false, 0);
            return targets.Length == 0
                ? throw new DataFormatException(name + ": expected at least one data record but found none.", name, -1, lastLine, 0)
                : new Dataset<T, T>(features, targets, featureCount, targetCount);
        }

        private static (T[] Features, TTarget[] Targets, int FeatureCount, int TargetCount, long LastLine) Read<T, TTarget>(
            TextReader reader, string name, CsvOptions options, bool labels, int classCount)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TTarget : unmanaged
        {
            ArgumentNullException.ThrowIfNull(reader);
            ArgumentNullException.ThrowIfNull(name);
            options.Validate();
            using var csv = new CsvRecordReader(reader, name, options.Separator, options.MaxRecordLength);
            if (!csv.Read())
            {
                throw new DataFormatException(name + ": expected a header or data records but the file is empty.", name, -1, 0, 0);
            }

            int columns = csv.FieldCount;
            bool header = options.Header switch
            {
                CsvHeader.Present => true,
                CsvHeader.Absent => false,
                _ => options.Targets.Names.Count > 0 || Enumerable.Range(0, columns).Any(i => !double.TryParse(csv.Field(i), NumberStyles.Float, CultureInfo.InvariantCulture, out _)),
            };
            if (options.Header == CsvHeader.Auto && !header && columns >= 2 && IsColumnNumbers(csv, columns))
            {
                // pandas writes "0,1,2,…" as the header of a frame without column names: as data it would be one more
                // example, label 0. All numbers, it cannot be told from data: the caller says which it is.
                throw csv.Error(csv.Line, 1, string.Format(CultureInfo.InvariantCulture,
                    "the first record is the column numbers 0 to {0}, which looks like a header (pandas writes one for unnamed columns) but is all numbers; set CsvOptions.Header to CsvHeader.Present to skip it or CsvHeader.Absent to read it as data",
                    columns - 1));
            }

            int[] targetColumns = TargetColumns(csv, name, options, columns, header);
            if (labels && targetColumns.Length != 1)
            {
                throw new ArgumentException($"A classification data set has one label column, but Targets names {options.Targets}.", nameof(options));
            }

            if (targetColumns.Length >= columns)
            {
                throw csv.Error(csv.Line, columns, string.Format(CultureInfo.InvariantCulture, "expected at least one feature column besides {0} but found {1} column(s)", options.Targets, columns));
            }

            bool[] isTarget = new bool[columns];
            foreach (int c in targetColumns)
            {
                isTarget[c] = true;
            }

            int featureCount = columns - targetColumns.Length;
            var features = new ChunkedList<T>();
            var targets = new ChunkedList<TTarget>();
            bool first = !header;
            long lastLine = csv.Line;
            while (first || csv.Read())
            {
                first = false;
                lastLine = csv.Line;
                if (csv.FieldCount != columns)
                {
                    throw csv.Error(csv.Line, Math.Min(csv.FieldCount, columns) + 1, string.Format(CultureInfo.InvariantCulture, "expected {0} fields (as in the first record) but found {1}", columns, csv.FieldCount));
                }

                foreach (int c in targetColumns)
                {
                    ReadOnlySpan<char> text = csv.Field(c);
                    if (labels)
                    {
                        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) || label < 0 || label == int.MaxValue)
                        {
                            throw csv.Error(csv.Line, c + 1, $"expected a non-negative integer label but found '{Excerpt(text, out _)}'");
                        }

                        if (classCount > 0 && label >= classCount)
                        {
                            throw csv.Error(csv.Line, c + 1, string.Format(CultureInfo.InvariantCulture, "expected a label from 0 to {0} but found {1}", classCount - 1, label));
                        }

                        targets.Add(Unsafe.As<int, TTarget>(ref label)); // TTarget is int here: no boxing per value
                    }
                    else
                    {
                        T target = Number<T>(csv, c, "target");
                        targets.Add(Unsafe.As<T, TTarget>(ref target)); // TTarget is T here
                    }
                }

                for (int c = 0; c < columns; c++)
                {
                    if (!isTarget[c])
                    {
                        features.Add(Number<T>(csv, c, "feature"));
                    }
                }
            }

            return (features.ToArray(), targets.ToArray(), featureCount, targetColumns.Length, lastLine);
        }

        private static T Number<T>(CsvRecordReader csv, int column, string what)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<char> text = csv.Field(column);
            if (!T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out T value) || !T.IsFinite(value))
            {
                throw csv.Error(csv.Line, column + 1, $"expected a finite number ({what}) but found '{Excerpt(text, out _)}'");
            }

            return value;
        }

        /// <summary>Whether the current record is "0,1,…,columns−1": the column numbers, as a header.</summary>
        private static bool IsColumnNumbers(CsvRecordReader csv, int columns)
        {
            for (int i = 0; i < columns; i++)
            {
                if (!int.TryParse(csv.Field(i), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value != i)
                {
                    return false;
                }
            }

            return true;
        }

        private static int[] TargetColumns(CsvRecordReader csv, string name, CsvOptions options, int columns, bool header)
        {
            CsvColumns spec = options.Targets;
            if (spec.Names.Count > 0)
            {
                if (!header)
                {
                    throw csv.Error(csv.Line, 1, $"expected a header naming {spec} but the first record is data");
                }

                var names = Enumerable.Range(0, columns).Select(i => csv.Field(i).ToString()).ToList();
                return spec.Names.Select(n =>
                {
                    int index = names.IndexOf(n);
                    return index >= 0
                        ? index
                        : throw csv.Error(csv.Line, 1, $"expected a column named '{n}' in the header but found {string.Join(", ", names.Select(h => "'" + h + "'"))}");
                }).ToArray();
            }

            int count = spec.FirstCount + spec.LastCount;
            if (count >= columns)
            {
                throw csv.Error(csv.Line, columns, string.Format(CultureInfo.InvariantCulture, "expected more than {0} column(s) ({1} and at least one feature) but found {2}", count, spec, columns));
            }

            return spec.FirstCount > 0
                ? Enumerable.Range(0, spec.FirstCount).ToArray()
                : Enumerable.Range(columns - spec.LastCount, spec.LastCount).ToArray();
        }
    }
}
