using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetGen.Data
{
    /// <summary>Whether a CSV file's first record is a header.</summary>
    public enum CsvHeader
    {
        /// <summary>
        /// A header when the first record has a field that is not a number, or when target columns are chosen by name; data
        /// otherwise. A first record of the column numbers 0, 1, …, n − 1 (pandas' header for unnamed columns) is neither:
        /// it is a <see cref="DataFormatException"/> asking for <see cref="Present"/> or <see cref="Absent"/>.
        /// </summary>
        Auto,

        /// <summary>The first record is a header.</summary>
        Present,

        /// <summary>Every record is data.</summary>
        Absent,
    }

    /// <summary>Which columns of a CSV file hold the label or the targets; every other column is a feature, in file order.</summary>
    public sealed class CsvColumns
    {
        private CsvColumns(int first, int last, string[] names, string description)
        {
            FirstCount = first;
            LastCount = last;
            Names = names;
            Description = description;
        }

        /// <summary>The first column.</summary>
        public static CsvColumns First { get; } = new(1, 0, Array.Empty<string>(), "the first column");

        /// <summary>The last column.</summary>
        public static CsvColumns Last { get; } = new(0, 1, Array.Empty<string>(), "the last column");

        /// <summary>The first <paramref name="count"/> columns (targets of a multi-output network).</summary>
        public static CsvColumns FirstColumns(int count)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
            return new(count, 0, Array.Empty<string>(), string.Format(CultureInfo.InvariantCulture, "the first {0} columns", count));
        }

        /// <summary>The last <paramref name="count"/> columns.</summary>
        public static CsvColumns LastColumns(int count)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
            return new(0, count, Array.Empty<string>(), string.Format(CultureInfo.InvariantCulture, "the last {0} columns", count));
        }

        /// <summary>The columns with these header names, in this order (the file needs a header).</summary>
        public static CsvColumns Named(params string[] names)
        {
            ArgumentNullException.ThrowIfNull(names);
            if (names.Length == 0 || names.Any(string.IsNullOrEmpty) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            {
                throw new ArgumentException("Expected one or more distinct, non-empty column names.", nameof(names));
            }

            return new(0, 0, (string[])names.Clone(), "the columns " + string.Join(", ", names.Select(n => "'" + n + "'")));
        }

        internal int FirstCount { get; }

        internal int LastCount { get; }

        internal IReadOnlyList<string> Names { get; }

        internal string Description { get; }

        /// <inheritdoc/>
        public override string ToString() => Description;
    }

    /// <summary>How <see cref="CsvDataset.Load(string, CsvOptions, int)"/> and <see cref="CsvDataset.LoadTargets{T}(string, CsvOptions)"/> read a file.</summary>
    public sealed record CsvOptions
    {
        /// <summary>The field separator (default ','; ';' and '\t' are common). Not '"', '\r' or '\n'.</summary>
        public char Separator { get; init; } = ',';

        /// <summary>Whether the first record is a header (default <see cref="CsvHeader.Auto"/>).</summary>
        public CsvHeader Header { get; init; } = CsvHeader.Auto;

        /// <summary>The label's column (for <c>Load</c>: exactly one) or the targets' columns (default: the first column).</summary>
        public CsvColumns Targets { get; init; } = CsvColumns.First;

        /// <summary>Longest record accepted, in characters (default 1 Mi); a longer one is an error, never buffered whole.</summary>
        public int MaxRecordLength { get; init; } = CsvDataset.DefaultMaxLineLength;

        internal void Validate()
        {
            if (Separator is '"' or '\r' or '\n')
            {
                throw new ArgumentException("The separator cannot be a quote or a line break.", nameof(Separator));
            }

            if (Header is not (CsvHeader.Auto or CsvHeader.Present or CsvHeader.Absent))
            {
                throw new ArgumentOutOfRangeException(nameof(Header), Header, "Unknown header option.");
            }

            ArgumentNullException.ThrowIfNull(Targets, nameof(Targets));
            ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordLength, 1, nameof(MaxRecordLength));
            if (Header == CsvHeader.Absent && Targets.Names.Count > 0)
            {
                throw new ArgumentException("Target columns chosen by name need a header, but Header is Absent.", nameof(Targets));
            }
        }
    }
}
