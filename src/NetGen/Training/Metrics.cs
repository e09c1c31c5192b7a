using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetGen.Training
{
    /// <summary>Classification metrics over predicted and actual class labels.</summary>
    public static class Metrics
    {
        /// <summary>The fraction of positions where <paramref name="predicted"/> equals <paramref name="actual"/>.</summary>
        /// <param name="actual">True labels.</param>
        /// <param name="predicted">Predicted labels, same length as <paramref name="actual"/>.</param>
        /// <returns>A value in [0, 1].</returns>
        /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
        public static double Accuracy(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
        {
            if (actual.Length != predicted.Length)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Expected {0} predictions (one per label) but got {1}.", actual.Length, predicted.Length),
                    nameof(predicted));
            }

            if (actual.IsEmpty)
            {
                throw new ArgumentException("Accuracy of an empty set is undefined.", nameof(actual));
            }

            int correct = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                if (actual[i] == predicted[i])
                {
                    correct++;
                }
            }

            return (double)correct / actual.Length;
        }

        /// <summary>The index of the largest score (the first one on ties; NaN never wins over a number).</summary>
        /// <param name="scores">Class scores, at least one.</param>
        /// <exception cref="ArgumentException"><paramref name="scores"/> is empty.</exception>
        public static int ArgMax(ReadOnlySpan<float> scores)
        {
            if (scores.IsEmpty)
            {
                throw new ArgumentException("Expected at least one score.", nameof(scores));
            }

            int best = 0;
            for (int i = 1; i < scores.Length; i++)
            {
                if (scores[i] > scores[best] || float.IsNaN(scores[best]))
                {
                    best = i;
                }
            }

            return best;
        }
    }

    /// <summary>
    /// A confusion matrix for a fixed number of classes: cell [actual, predicted] counts the examples of class
    /// <c>actual</c> that were predicted as <c>predicted</c> (rows are actual classes, columns predictions).
    /// </summary>
    public sealed class ConfusionMatrix
    {
        private readonly int[,] _counts;

        /// <summary>Creates an all-zero matrix.</summary>
        /// <param name="classes">Number of classes, at least 1.</param>
        public ConfusionMatrix(int classes)
        {
            if (classes < 1)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(classes),
                    string.Format(CultureInfo.InvariantCulture, "classes must be at least 1 but was {0}.", classes));
            }

            Classes = classes;
            _counts = new int[classes, classes];
        }

        /// <summary>Number of classes (rows and columns).</summary>
        public int Classes { get; }

        /// <summary>Total number of examples added.</summary>
        public long Total { get; private set; }

        /// <summary>Number of examples on the diagonal (predicted == actual).</summary>
        public long Correct { get; private set; }

        /// <summary>Correct / Total, or 0 when nothing has been added.</summary>
        public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

        /// <summary>The count of examples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
        public int this[int actual, int predicted]
        {
            get
            {
                CheckClass(actual, nameof(actual));
                CheckClass(predicted, nameof(predicted));
                return _counts[actual, predicted];
            }
        }

        /// <summary>Records one example.</summary>
        /// <param name="actual">True class in [0, Classes).</param>
        /// <param name="predicted">Predicted class in [0, Classes).</param>
        public void Add(int actual, int predicted)
        {
            CheckClass(actual, nameof(actual));
            CheckClass(predicted, nameof(predicted));
            _counts[actual, predicted]++;
            Total++;
            if (actual == predicted)
            {
                Correct++;
            }
        }

        /// <summary>Records one example per position.</summary>
        /// <param name="actual">True classes.</param>
        /// <param name="predicted">Predicted classes, same length as <paramref name="actual"/>.</param>
        public void Add(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
        {
            if (actual.Length != predicted.Length)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Expected {0} predictions (one per label) but got {1}.", actual.Length, predicted.Length),
                    nameof(predicted));
            }

            for (int i = 0; i < actual.Length; i++)
            {
                CheckClass(actual[i], nameof(actual));
                CheckClass(predicted[i], nameof(predicted));
            }

            for (int i = 0; i < actual.Length; i++)
            {
                Add(actual[i], predicted[i]);
            }
        }

        /// <summary>Recall of class <paramref name="c"/>: diagonal / row sum, or 0 for an empty row.</summary>
        public double Recall(int c)
        {
            CheckClass(c, nameof(c));
            long row = 0;
            for (int j = 0; j < Classes; j++)
            {
                row += _counts[c, j];
            }

            return row == 0 ? 0 : (double)_counts[c, c] / row;
        }

        /// <summary>Precision of class <paramref name="c"/>: diagonal / column sum, or 0 for an empty column.</summary>
        public double Precision(int c)
        {
            CheckClass(c, nameof(c));
            long column = 0;
            for (int i = 0; i < Classes; i++)
            {
                column += _counts[i, c];
            }

            return column == 0 ? 0 : (double)_counts[c, c] / column;
        }

        /// <summary>
        /// The matrix as text: a header row of predicted classes, then one row per actual class with its counts and its
        /// recall, and the accuracy; columns right-aligned, invariant culture.
        /// </summary>
        public override string ToString() => ToString(null);

        /// <summary>The matrix as text (see <see cref="ToString()"/>) with the classes named by <paramref name="classNames"/> (null: their numbers).</summary>
        /// <exception cref="ArgumentException">The number of names differs from <see cref="Classes"/>.</exception>
        public string ToString(IReadOnlyList<string>? classNames)
        {
            if (classNames is not null && classNames.Count != Classes)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Expected {0} class names but got {1}.", Classes, classNames.Count),
                    nameof(classNames));
            }

            string Name(int c) => classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture);
            int nameWidth = Math.Max("actual \\ predicted".Length, Enumerable.Range(0, Classes).Max(c => Name(c).Length));
            int cell = 1;
            for (int a = 0; a < Classes; a++)
            {
                cell = Math.Max(cell, Name(a).Length);
                for (int p = 0; p < Classes; p++)
                {
                    cell = Math.Max(cell, _counts[a, p].ToString(CultureInfo.InvariantCulture).Length);
                }
            }

            var text = new StringBuilder();
            text.Append("actual \\ predicted".PadRight(nameWidth));
            for (int p = 0; p < Classes; p++)
            {
                text.Append("  ").Append(Name(p).PadLeft(cell));
            }

            text.Append("   recall\n");
            for (int a = 0; a < Classes; a++)
            {
                text.Append(Name(a).PadRight(nameWidth));
                for (int p = 0; p < Classes; p++)
                {
                    text.Append("  ").Append(_counts[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(cell));
                }

                text.Append("  ").Append((100 * Recall(a)).ToString("F2", CultureInfo.InvariantCulture).PadLeft(6)).Append(" %\n");
            }

            text.Append(string.Format(CultureInfo.InvariantCulture, "accuracy {0:F2} % ({1} of {2})", 100 * Accuracy, Correct, Total));
            return text.ToString();
        }

        /// <summary>A copy of the counts, indexed [actual, predicted].</summary>
        public int[,] ToArray() => (int[,])_counts.Clone();

        /// <summary>Resets every count to zero.</summary>
        public void Clear()
        {
            Array.Clear(_counts);
            Total = 0;
            Correct = 0;
        }

        private void CheckClass(int value, string paramName)
        {
            if ((uint)value >= (uint)Classes)
            {
                throw new ArgumentOutOfRangeException(
                    paramName,
                    string.Format(CultureInfo.InvariantCulture, "{0} must be a class in [0, {1}) but was {2}.", paramName, Classes, value));
            }
        }
    }
}
