using System;
using System.Globalization;

namespace NetGen.IO
{
    /// <summary>
    /// One tensor to write: a name, a shape and a view of the caller's data (which is not copied; it must stay
    /// unchanged until the write returns).
    /// </summary>
    public sealed class TensorEntry
    {
        private readonly int[] _shape;

        private TensorEntry(string name, DType dtype, int[] shape, long elementCount, ReadOnlyMemory<float> single, ReadOnlyMemory<double> @double, ReadOnlyMemory<long> int64 = default)
        {
            Name = name;
            DType = dtype;
            _shape = shape;
            ElementCount = elementCount;
            SingleData = single;
            DoubleData = @double;
            Int64Data = int64;
        }

        /// <summary>The tensor's name, e.g. <c>"0.weight"</c>.</summary>
        public string Name { get; }

        /// <summary><see cref="DType.F32"/>, <see cref="DType.F64"/> or <see cref="DType.I64"/>.</summary>
        public DType DType { get; }

        /// <summary>The shape (row-major); empty for a scalar.</summary>
        public ReadOnlySpan<int> Shape => _shape;

        /// <summary>The product of <see cref="Shape"/>.</summary>
        public long ElementCount { get; }

        /// <summary>The data when <see cref="DType"/> is <see cref="DType.F32"/>, otherwise empty.</summary>
        public ReadOnlyMemory<float> SingleData { get; }

        /// <summary>The data when <see cref="DType"/> is <see cref="DType.F64"/>, otherwise empty.</summary>
        public ReadOnlyMemory<double> DoubleData { get; }

        /// <summary>The data when <see cref="DType"/> is <see cref="DType.I64"/> (a counter such as num_batches_tracked), otherwise empty.</summary>
        public ReadOnlyMemory<long> Int64Data { get; }

        /// <summary>The number of bytes the data occupies in the file.</summary>
        public long ByteLength => ElementCount * DTypeInfo.Size(DType);

        /// <summary>Creates an F32 entry.</summary>
        /// <param name="name">Non-empty tensor name other than <c>"__metadata__"</c>.</param>
        /// <param name="shape">Non-negative dimensions (copied).</param>
        /// <param name="data">Exactly product(<paramref name="shape"/>) values, row-major.</param>
        /// <exception cref="ArgumentException">The name is invalid, a dimension is negative, or the data length does not match the shape.</exception>
        public static TensorEntry Create(string name, ReadOnlySpan<int> shape, ReadOnlyMemory<float> data)
        {
            int[] copy = CheckedShape(name, shape, data.Length, out long count);
            return new TensorEntry(name, DType.F32, copy, count, data, default);
        }

        /// <summary>Creates an F64 entry.</summary>
        /// <param name="name">Non-empty tensor name other than <c>"__metadata__"</c>.</param>
        /// <param name="shape">Non-negative dimensions (copied).</param>
        /// <param name="data">Exactly product(<paramref name="shape"/>) values, row-major.</param>
        /// <exception cref="ArgumentException">The name is invalid, a dimension is negative, or the data length does not match the shape.</exception>
        public static TensorEntry Create(string name, ReadOnlySpan<int> shape, ReadOnlyMemory<double> data)
        {
            int[] copy = CheckedShape(name, shape, data.Length, out long count);
            return new TensorEntry(name, DType.F64, copy, count, default, data);
        }

        /// <summary>Creates an I64 entry (PyTorch saves batch normalization's num_batches_tracked so, as a 0-d tensor).</summary>
        /// <param name="name">Non-empty tensor name other than <c>"__metadata__"</c>.</param>
        /// <param name="shape">Non-negative dimensions (copied); empty for a scalar.</param>
        /// <param name="data">Exactly product(<paramref name="shape"/>) values, row-major.</param>
        /// <exception cref="ArgumentException">The name is invalid, a dimension is negative, or the data length does not match the shape.</exception>
        public static TensorEntry Create(string name, ReadOnlySpan<int> shape, ReadOnlyMemory<long> data)
        {
            int[] copy = CheckedShape(name, shape, data.Length, out long count);
            return new TensorEntry(name, DType.I64, copy, count, default, default, data);
        }

        private static int[] CheckedShape(string name, ReadOnlySpan<int> shape, int dataLength, out long count)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (name.Length == 0 || name == SafeTensors.MetadataKey)
            {
                throw new ArgumentException("Tensor name must be non-empty and not \"__metadata__\" but was '" + name + "'.", nameof(name));
            }

            count = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                if (shape[i] < 0)
                {
                    throw new ArgumentException(
                        string.Format(CultureInfo.InvariantCulture, "Tensor '{0}': shape {1} has a negative dimension.", name, SafeTensors.FormatShape(shape)),
                        nameof(shape));
                }

                count *= shape[i];
                if (count > int.MaxValue)
                {
                    count = long.MaxValue;
                }
            }

            if (count != dataLength)
            {
                throw new ArgumentException(
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "Tensor '{0}': shape {1} needs {2} elements but the data has {3}.",
                        name,
                        SafeTensors.FormatShape(shape),
                        count == long.MaxValue ? "more than int.MaxValue" : count.ToString(CultureInfo.InvariantCulture),
                        dataLength),
                    "data");
            }

            return shape.ToArray();
        }
    }
}
