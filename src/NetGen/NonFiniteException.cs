using System;

namespace NetGen
{
    /// <summary>
    /// A training step whose loss or gradient is not finite (NaN or ±∞): thrown by a generated network's
    /// <c>Train</c> (and <c>Gradient</c>) before the step changes anything, so the parameters and the optimizer state
    /// are as they were before the call. Typical causes: a learning rate too large for the data (the weights have
    /// grown until the activations overflow), or inputs of huge magnitude. Catch it to stop early or to retry with
    /// a smaller learning rate.
    /// </summary>
    public sealed class NonFiniteException : ArithmeticException
    {
        /// <summary>Creates an exception with a message.</summary>
        public NonFiniteException(string message)
            : base(message)
        {
        }

        /// <summary>Creates an exception with a message and an inner exception.</summary>
        public NonFiniteException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates an exception for a non-finite <paramref name="value"/> of <paramref name="quantity"/>.</summary>
        /// <param name="message">The complete message.</param>
        /// <param name="quantity">What was not finite: "loss" or "gradient".</param>
        /// <param name="value">The offending value.</param>
        /// <param name="index">The parameter index for a gradient, else -1.</param>
        public NonFiniteException(string message, string quantity, double value, long index)
            : base(message)
        {
            Quantity = quantity;
            Value = value;
            Index = index;
        }

        /// <summary>What was not finite: "loss" or "gradient" (null when not set).</summary>
        public string? Quantity { get; }

        /// <summary>The offending value (NaN or ±∞).</summary>
        public double Value { get; } = double.NaN;

        /// <summary>For a gradient, the index of the first non-finite element (the layout of <c>Parameters</c>); else -1.</summary>
        public long Index { get; } = -1;
    }
}
