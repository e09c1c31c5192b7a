using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

        /// <summary>
        /// The slot of a stream state's ring buffer (a causal convolution's last inputs) that holds its oldest input, stored in
        /// the state as a number; throws unless it is a whole number in [0, <paramref name="length"/>), so that a state that
        /// does not come from ResetState and Step can never make a step read outside its span.
        /// </summary>
        public static nuint RingSlot(double slot, int length, string layer)
        {
            if (!(slot >= 0 && slot < length && slot == Math.Floor(slot)))
            {
                ThrowRingSlot(slot, length, layer);
            }

            return (nuint)slot;
        }

        /// <summary>
        /// The position of a stream (its steps so far) kept in a stream state by a layer that can take at most
        /// <paramref name="steps"/> of them (attention's key/value cache, a position embedding's table). Throws
        /// <see cref="ArgumentException"/> unless it is a whole number in [0, steps] (a state that does not come from
        /// ResetState and Step), and <see cref="InvalidOperationException"/> when the stream already has its
        /// <paramref name="steps"/> steps; both before the step changes anything.
        /// </summary>
        public static nuint StreamPosition(double position, int steps, string layer)
        {
            if (!(position >= 0 && position <= steps && position == Math.Floor(position)))
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "state is not a stream state of this network: {0} keeps the stream's position there, {1}, where a whole number in [0, {2}] belongs. Start each stream with ResetState and pass the same span to every Step.", layer, position, steps),
                    "state");
            }

            if (position == steps)
            {
                throw new InvalidOperationException(
                    string.Format(CultureInfo.InvariantCulture, "The stream has had its {0} steps, the network's SequenceLength: {1} holds no position beyond. Start a new stream with ResetState (a generator slides its window by feeding the last steps again).", steps, layer));
            }

            return (nuint)position;
        }

        [DoesNotReturn]
        private static void ThrowRingSlot(double slot, int length, string layer) =>
            throw new ArgumentException(
                string.Format(CultureInfo.InvariantCulture, "state is not a stream state of this network: {0} keeps the position of its oldest input there, {1}, where a whole number in [0, {2}) belongs. Start each stream with ResetState and pass the same span to every Step.", layer, slot, length),
                "state");

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

        /// <summary>
        /// Throws unless a training mini-batch has at least <paramref name="minimum"/> examples: a layer that takes a statistic
        /// over the mini-batch (<paramref name="layer"/>, e.g. "BatchNorm1D layer 3") has no variance over one example.
        /// </summary>
        public static void TrainingBatch(int count, int minimum, string layer)
        {
            if (count < minimum)
            {
                ThrowTrainingBatch(count, minimum, layer);
            }
        }

        [DoesNotReturn]
        private static void ThrowTrainingBatch(int count, int minimum, string layer) =>
            throw new ArgumentException(
                string.Format(
                    CultureInfo.InvariantCulture,
                    "{0} takes the variance of each feature over the mini-batch in training, which needs at least {1} examples; got {2}. Train on mini-batches of {1} or more (PyTorch refuses this too); nothing was changed.",
                    layer,
                    minimum,
                    count),
                "inputs");

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

        /// <summary>
        /// Throws <see cref="ArgumentOutOfRangeException"/> unless every value (float or double) is a token id, a whole number in [0,
        /// <paramref name="vocabulary"/>), naming the first that is not by its position (example and step for more than one
        /// example of <paramref name="steps"/> ids) and value. For the inputs of a network that starts with [Embedding].
        /// </summary>
        public static void Tokens<T>(ReadOnlySpan<T> values, int vocabulary, int steps, string paramName)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < values.Length; i++)
            {
                T v = values[i];
                int id = int.CreateSaturating(v); // NaN saturates to 0, which then differs from it
                if ((uint)id >= (uint)vocabulary || T.CreateTruncating(id) != v)
                {
                    ThrowToken(double.CreateTruncating(v), vocabulary, i, paramName, steps);
                }
            }
        }

        /// <summary>Throws unless every token is in [0, <paramref name="vocabulary"/>), naming the first that is not by its position and value.</summary>
        public static void Tokens(ReadOnlySpan<int> tokens, int vocabulary, int steps, string paramName)
        {
            for (int i = 0; i < tokens.Length; i++)
            {
                if ((uint)tokens[i] >= (uint)vocabulary)
                {
                    ThrowToken(tokens[i], vocabulary, i, paramName, steps);
                }
            }
        }

        /// <summary>The exception for a value at <paramref name="position"/> of <paramref name="paramName"/> that is not a token id.</summary>
        [DoesNotReturn]
        public static void ThrowToken(double value, int vocabulary, int position, string paramName, int steps = 0)
        {
            string where = steps > 0 && position >= steps
                ? string.Format(CultureInfo.InvariantCulture, "{0}[{1}] (example {2}, step {3})", paramName, position, position / steps, position % steps)
                : string.Format(CultureInfo.InvariantCulture, "{0}[{1}]", paramName, position);
            throw new ArgumentOutOfRangeException(
                paramName,
                value,
                string.Format(CultureInfo.InvariantCulture, "{0} is {1}, not a token id: expected a whole number in [0, {2}).", where, value, vocabulary));
        }

        /// <summary>
        /// Throws <see cref="ArgumentException"/> unless every value is finite, naming the first that is not, its
        /// example (index / <paramref name="rowSize"/>) and element. One vectorized pass: a few percent of a Predict.
        /// </summary>
        public static void Finite(ReadOnlySpan<float> values, int rowSize, string paramName)
        {
            if (!AllFinite(values))
            {
                ThrowNonFinite(FirstNonFinite(values), values, rowSize, paramName);
            }
        }

        /// <summary>As <see cref="Finite(ReadOnlySpan{float}, int, string)"/>, for double.</summary>
        public static void Finite(ReadOnlySpan<double> values, int rowSize, string paramName)
        {
            if (!AllFinite(values))
            {
                ThrowNonFinite(FirstNonFinite(values), values, rowSize, paramName);
            }
        }

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless the learning rate is finite and at least 0.</summary>
        public static void LearningRate(double rate, string paramName)
        {
            if (!(rate >= 0 && rate <= double.MaxValue))
            {
                ThrowOutOfRange(rate, "a finite learning rate ≥ 0", paramName);
            }
        }

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is finite and ≥ 0 (weight decay).</summary>
        public static void NonNegative(double value, string paramName)
        {
            if (!(value >= 0 && value <= double.MaxValue))
            {
                ThrowOutOfRange(value, "a finite number ≥ 0", paramName);
            }
        }

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 0 ≤ <paramref name="value"/> &lt; 1 (momentum, β).</summary>
        public static void UnitInterval(double value, string paramName)
        {
            if (!(value >= 0 && value < 1))
            {
                ThrowOutOfRange(value, "a number in [0, 1)", paramName);
            }
        }

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is finite and &gt; 0 (ε).</summary>
        public static void Positive(double value, string paramName)
        {
            if (!(value > 0 && value <= double.MaxValue))
            {
                ThrowOutOfRange(value, "a finite number > 0", paramName);
            }
        }

        /// <summary>Throws <see cref="NonFiniteException"/> unless the loss of a step is finite.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Loss(double loss)
        {
            if (!double.IsFinite(loss))
            {
                ThrowNonFiniteLoss(loss);
            }
        }

        /// <summary>Throws <see cref="NonFiniteException"/> unless every element of a step's gradient is finite.</summary>
        public static void Gradient(ReadOnlySpan<float> gradient)
        {
            if (!AllFinite(gradient))
            {
                int i = FirstNonFinite(gradient);
                ThrowNonFiniteGradient(gradient[i], i);
            }
        }

        /// <summary>As <see cref="Gradient(ReadOnlySpan{float})"/>, for double.</summary>
        public static void Gradient(ReadOnlySpan<double> gradient)
        {
            if (!AllFinite(gradient))
            {
                int i = FirstNonFinite(gradient);
                ThrowNonFiniteGradient(gradient[i], i);
            }
        }

        /// <summary>
        /// Whether every value is finite: the largest magnitude's bits (sign cleared, as an unsigned integer) are kept per
        /// lane, 4 × 64 bytes a step, and compared once at the end with the bits of +∞ (NaN and ±∞ are the magnitudes at
        /// or above it). Two integer operations per vector, no branch in the loop.
        /// </summary>
        public static bool AllFinite(ReadOnlySpan<float> values) =>
            AllFinite(MemoryMarshal.Cast<float, uint>(values), 0x7FFF_FFFFu, 0x7F80_0000u);

        /// <summary>As <see cref="AllFinite(ReadOnlySpan{float})"/>, for double.</summary>
        public static bool AllFinite(ReadOnlySpan<double> values) =>
            AllFinite(MemoryMarshal.Cast<double, ulong>(values), 0x7FFF_FFFF_FFFF_FFFFul, 0x7FF0_0000_0000_0000ul);

        /// <summary>
        /// Whether every sum of <paramref name="rows"/> products δ·x, δ among <paramref name="deltas"/> and x among
        /// <paramref name="inputs"/> (a weight gradient Σₙ δₙ·xₙᵀ, or with x = 1 a bias gradient), is sure to be finite:
        /// every value is finite and rows·max|δ|·max(1, max|x|) is at most a quarter of float's largest value, so no
        /// partial sum can overflow whatever the order of the additions. A step fused into the backward pass takes it
        /// only then, so a gradient that would not be finite is never half applied.
        /// </summary>
        public static bool ProductsBounded(ReadOnlySpan<float> deltas, ReadOnlySpan<float> inputs, int rows)
        {
            float delta = BitConverter.UInt32BitsToSingle(Largest(MemoryMarshal.Cast<float, uint>(deltas), 0x7FFF_FFFFu));
            float input = BitConverter.UInt32BitsToSingle(Largest(MemoryMarshal.Cast<float, uint>(inputs), 0x7FFF_FFFFu));
            return (double)rows * delta * Math.Max(1.0, input) <= float.MaxValue / 4.0;
        }

        /// <summary>As <see cref="ProductsBounded(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>, for double.</summary>
        public static bool ProductsBounded(ReadOnlySpan<double> deltas, ReadOnlySpan<double> inputs, int rows)
        {
            double delta = BitConverter.UInt64BitsToDouble(Largest(MemoryMarshal.Cast<double, ulong>(deltas), 0x7FFF_FFFF_FFFF_FFFFul));
            double input = BitConverter.UInt64BitsToDouble(Largest(MemoryMarshal.Cast<double, ulong>(inputs), 0x7FFF_FFFF_FFFF_FFFFul));

            // In two factors, so the bound itself cannot overflow: rows·max|δ| ≤ MaxValue/4 / max(1, max|x|).
            return delta <= double.MaxValue / 4.0 / rows / Math.Max(1.0, input);
        }

        private static bool AllFinite<T>(ReadOnlySpan<T> bits, T magnitude, T infinity)
            where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => Largest(bits, magnitude) < infinity;

        /// <summary>
        /// The largest magnitude's bits (sign cleared): NaN's are above +∞'s, so the float they spell is NaN then. Fully
        /// optimized on first use: every training step runs it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static T Largest<T>(ReadOnlySpan<T> bits, T magnitude)
            where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        {
            ref T start = ref MemoryMarshal.GetReference(bits);
            nuint n = (nuint)bits.Length;
            nuint i = 0;
            T largest = T.Zero;
            if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<T>.Count)
            {
                nuint step = (nuint)Vector512<T>.Count;
                var mask = Vector512.Create(magnitude);
                Vector512<T> m0 = Vector512<T>.Zero, m1 = m0, m2 = m0, m3 = m0;
                for (; i + (4 * step) <= n; i += 4 * step)
                {
                    m0 = Vector512.Max(m0, Vector512.LoadUnsafe(ref start, i) & mask);
                    m1 = Vector512.Max(m1, Vector512.LoadUnsafe(ref start, i + step) & mask);
                    m2 = Vector512.Max(m2, Vector512.LoadUnsafe(ref start, i + (2 * step)) & mask);
                    m3 = Vector512.Max(m3, Vector512.LoadUnsafe(ref start, i + (3 * step)) & mask);
                }

                for (; i + step <= n; i += step)
                {
                    m0 = Vector512.Max(m0, Vector512.LoadUnsafe(ref start, i) & mask);
                }

                largest = Max(Vector512.Max(Vector512.Max(m0, m1), Vector512.Max(m2, m3)));
            }
            else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<T>.Count)
            {
                nuint step = (nuint)Vector256<T>.Count;
                var mask = Vector256.Create(magnitude);
                Vector256<T> m0 = Vector256<T>.Zero, m1 = m0, m2 = m0, m3 = m0;
                for (; i + (4 * step) <= n; i += 4 * step)
                {
                    m0 = Vector256.Max(m0, Vector256.LoadUnsafe(ref start, i) & mask);
                    m1 = Vector256.Max(m1, Vector256.LoadUnsafe(ref start, i + step) & mask);
                    m2 = Vector256.Max(m2, Vector256.LoadUnsafe(ref start, i + (2 * step)) & mask);
                    m3 = Vector256.Max(m3, Vector256.LoadUnsafe(ref start, i + (3 * step)) & mask);
                }

                for (; i + step <= n; i += step)
                {
                    m0 = Vector256.Max(m0, Vector256.LoadUnsafe(ref start, i) & mask);
                }

                largest = Max(Vector256.Max(Vector256.Max(m0, m1), Vector256.Max(m2, m3)));
            }
            else if (Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<T>.Count)
            {
                nuint step = (nuint)Vector128<T>.Count;
                var mask = Vector128.Create(magnitude);
                Vector128<T> m0 = Vector128<T>.Zero, m1 = m0;
                for (; i + (2 * step) <= n; i += 2 * step)
                {
                    m0 = Vector128.Max(m0, Vector128.LoadUnsafe(ref start, i) & mask);
                    m1 = Vector128.Max(m1, Vector128.LoadUnsafe(ref start, i + step) & mask);
                }

                for (; i + step <= n; i += step)
                {
                    m0 = Vector128.Max(m0, Vector128.LoadUnsafe(ref start, i) & mask);
                }

                largest = Max(Vector128.Max(m0, m1));
            }

            for (; i < n; i++)
            {
                largest = T.Max(largest, Unsafe.Add(ref start, i) & magnitude);
            }

            return largest;
        }

        private static T Max<T>(Vector512<T> v)
            where T : unmanaged, IBinaryInteger<T> => T.Max(Max(v.GetLower()), Max(v.GetUpper()));

        private static T Max<T>(Vector256<T> v)
            where T : unmanaged, IBinaryInteger<T> => T.Max(Max(v.GetLower()), Max(v.GetUpper()));

        private static T Max<T>(Vector128<T> v)
            where T : unmanaged, IBinaryInteger<T>
        {
            T largest = v.GetElement(0);
            for (int k = 1; k < Vector128<T>.Count; k++)
            {
                largest = T.Max(largest, v.GetElement(k));
            }

            return largest;
        }

        private static int FirstNonFinite(ReadOnlySpan<float> values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        private static int FirstNonFinite(ReadOnlySpan<double> values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        private static string Spell(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "∞" : "-∞";

        [DoesNotReturn]
        private static void ThrowNonFinite(int index, ReadOnlySpan<float> values, int rowSize, string paramName) =>
            ThrowNonFinite(index, values[index], rowSize, paramName);

        [DoesNotReturn]
        private static void ThrowNonFinite(int index, ReadOnlySpan<double> values, int rowSize, string paramName) =>
            ThrowNonFinite(index, values[index], rowSize, paramName);

        [DoesNotReturn]
        private static void ThrowNonFinite(int index, double value, int rowSize, string paramName) =>
            throw new ArgumentException(
                string.Format(
                    CultureInfo.InvariantCulture,
                    "Expected finite numbers but {0}[{1}] (example {2}, element {3}) is {4}; nothing was changed.",
                    paramName,
                    index,
                    index / rowSize,
                    index % rowSize,
                    Spell(value)),
                paramName);

        [DoesNotReturn]
        private static void ThrowOutOfRange(double value, string expected, string paramName) =>
            throw new ArgumentOutOfRangeException(
                paramName,
                value,
                string.Format(CultureInfo.InvariantCulture, "Expected {0} but got {1}.", expected, double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : Spell(value)));

        [DoesNotReturn]
        private static void ThrowNonFiniteLoss(double loss) =>
            throw new NonFiniteException(
                "The loss of this step is " + Spell(loss) + ", so the step was not taken: the parameters and the optimizer state are as before. "
                + "The learning rate may be too large for the data, or the inputs too large in magnitude.",
                "loss",
                loss,
                -1);

        [DoesNotReturn]
        private static void ThrowNonFiniteGradient(double value, int index) =>
            throw new NonFiniteException(
                string.Format(
                    CultureInfo.InvariantCulture,
                    "The gradient of this step is {0} at parameter {1} (the loss is finite), so the step was not taken: the parameters and the optimizer state are as before. "
                    + "The learning rate may be too large for the data, or the inputs too large in magnitude.",
                    Spell(value),
                    index),
                "gradient",
                value,
                index);

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
