using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NetGen.Runtime
{
    /// <summary>Argument checks used by generated networks. Cold paths only: each throw lives out of line.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Guard
    {
        /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
        public static void Length(int actual, int expected, string paramName)
        {
            if (actual != expected)
            {
                ThrowLength(actual, expected, paramName);
            }
        }

        /// <summary>Throws unless <paramref name="actual"/> is a positive multiple of <paramref name="rowSize"/> equal to <paramref name="rows"/> × <paramref name="rowSize"/>.</summary>
        public static void BatchLength(int actual, int rows, int rowSize, string paramName, string rowsName)
        {
            if (rows <= 0)
            {
                ThrowEmptyBatch(rowsName);
            }

            if ((long)rows * rowSize != actual)
            {
                ThrowBatchLength(actual, rows, rowSize, paramName, rowsName);
            }
        }

        /// <summary>
        /// The number of examples in <paramref name="length"/> values of <paramref name="rowSize"/> each; throws unless
        /// it is a positive whole number.
        /// </summary>
        public static int Batch(int length, int rowSize, string paramName)
        {
            if (length == 0 || length % rowSize != 0)
            {
                ThrowBatch(length, rowSize, paramName);
            }

            return length / rowSize;
        }

        /// <summary>Throws unless 0 &lt;= <paramref name="label"/> &lt; <paramref name="classes"/>.</summary>
        public static void Label(int label, int classes, string paramName)
        {
            if ((uint)label >= (uint)classes)
            {
                ThrowLabel(label, classes, -1, paramName);
            }
        }

        /// <summary>Throws unless every label is in [0, <paramref name="classes"/>).</summary>
        public static void Labels(ReadOnlySpan<int> labels, int classes, string paramName)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                if ((uint)labels[i] >= (uint)classes)
                {
                    ThrowLabel(labels[i], classes, i, paramName);
                }
            }
        }

        [DoesNotReturn]
        private static void ThrowLength(int actual, int expected, string paramName) =>
            throw new ArgumentException(
                string.Format(CultureInfo.InvariantCulture, "Expected length {0} but got {1}.", expected, actual),
                paramName);

        [DoesNotReturn]
        private static void ThrowBatch(int length, int rowSize, string paramName) =>
            throw new ArgumentException(
                string.Format(CultureInfo.InvariantCulture, "Expected a positive multiple of {0} but got length {1}.", rowSize, length),
                paramName);

        [DoesNotReturn]
        private static void ThrowEmptyBatch(string rowsName) =>
            throw new ArgumentException("Expected at least one example but got 0.", rowsName);

        [DoesNotReturn]
        private static void ThrowBatchLength(int actual, int rows, int rowSize, string paramName, string rowsName) =>
            throw new ArgumentException(
                string.Format(
                    CultureInfo.InvariantCulture,
                    "Expected length {0} ({1}.Length {2} × {3}) but got {4}.",
                    (long)rows * rowSize,
                    rowsName,
                    rows,
                    rowSize,
                    actual),
                paramName);

        [DoesNotReturn]
        private static void ThrowLabel(int label, int classes, int index, string paramName) =>
            throw new ArgumentException(
                index < 0
                    ? string.Format(CultureInfo.InvariantCulture, "Expected a label in [0, {0}) but got {1}.", classes, label)
                    : string.Format(CultureInfo.InvariantCulture, "Expected a label in [0, {0}) but got {1} at index {2}.", classes, label, index),
                paramName);
    }
}
