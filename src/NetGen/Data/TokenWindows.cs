using System;
using System.Globalization;
using System.Numerics;
using NetGen.Runtime;

namespace NetGen.Data
{
    /// <summary>
    /// Training data for networks over token ids (<see cref="ITokenNetwork{TSelf, T}"/>): windows of a token stream, each
    /// id written as a value of the network's type (3 is 3f), the form the members that take values, <see cref="Dataset{T, TTarget}"/>
    /// and <c>Trainer.Fit</c> read.
    /// </summary>
    public static class TokenWindows
    {
        /// <summary>
        /// Next-token prediction, as a causal language model learns it: example i is the <paramref name="length"/> ids
        /// text[i·stride …] and its labels, one per step, are the ids one step later, text[i·stride + 1 …]. Every window whose
        /// labels fit in the text is taken: (text.Length − length − 1) / stride + 1 examples.
        /// </summary>
        /// <typeparam name="T">The network's floating-point type.</typeparam>
        /// <param name="text">The token stream, each id in [0, <paramref name="vocabulary"/>).</param>
        /// <param name="length">Steps per example: the network's SequenceLength (its InputSize).</param>
        /// <param name="stride">Steps from one window's start to the next (1: every position; <paramref name="length"/>: no overlap).</param>
        /// <param name="vocabulary">Distinct tokens (the network's Vocabulary).</param>
        /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the text is not longer than one window, or an id is outside [0, vocabulary) (named with its position).</exception>
        public static Dataset<T, int> NextToken<T>(ReadOnlySpan<int> text, int length, int stride, int vocabulary)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(vocabulary, 1);
            if (text.Length <= length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(text),
                    text.Length,
                    string.Format(CultureInfo.InvariantCulture, "A text of {0} tokens holds no window of {1} steps and its next tokens: it needs at least {2}.", text.Length, length, length + 1));
            }

            Guard.Tokens(text, vocabulary, 0, nameof(text));
            int count = ((text.Length - length - 1) / stride) + 1;
            var features = new T[checked(count * length)];
            var labels = new int[features.Length];
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<int> window = text.Slice(i * stride, length + 1);
                for (int t = 0; t < length; t++)
                {
                    features[(i * length) + t] = T.CreateTruncating(window[t]);
                    labels[(i * length) + t] = window[t + 1];
                }
            }

            return new Dataset<T, int>(features, labels, length, length);
        }
    }
}
