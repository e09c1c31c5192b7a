using System;
using System.Globalization;

namespace NetGen.Data
{
    /// <summary>Element type of an IDX file: the third byte of its magic number.</summary>
    public enum IdxTypeCode : byte
    {
        /// <summary>Unsigned byte (0x08), <see cref="byte"/>.</summary>
        UnsignedByte = 0x08,
        /// <summary>Signed byte (0x09), <see cref="sbyte"/>.</summary>
        SignedByte = 0x09,
        /// <summary>Big-endian 16-bit integer (0x0B), <see cref="short"/>.</summary>
        Int16 = 0x0B,
        /// <summary>Big-endian 32-bit integer (0x0C), <see cref="int"/>.</summary>
        Int32 = 0x0C,
        /// <summary>Big-endian IEEE 754 single (0x0D), <see cref="float"/>.</summary>
        Single = 0x0D,
        /// <summary>Big-endian IEEE 754 double (0x0E), <see cref="double"/>.</summary>
        Double = 0x0E,
    }

    /// <summary>
    /// The content of an IDX file: an element type, dimensions, and the elements in row-major order held in an array
    /// of the matching .NET type (<see cref="byte"/>[] for <see cref="IdxTypeCode.UnsignedByte"/>, <see cref="float"/>[]
    /// for <see cref="IdxTypeCode.Single"/>, ...). The arrays are shared, not copied.
    /// </summary>
    public sealed class IdxTensor
    {
        private readonly int[] _dimensions;

        /// <summary>An <see cref="IdxTypeCode.UnsignedByte"/> tensor over <paramref name="data"/>.</summary>
        /// <param name="data">Elements, row-major; length must equal the product of <paramref name="dimensions"/>.</param>
        /// <param name="dimensions">One to 255 non-negative sizes.</param>
        public IdxTensor(byte[] data, params int[] dimensions) : this(IdxTypeCode.UnsignedByte, data, dimensions) { }

        /// <summary>An <see cref="IdxTypeCode.SignedByte"/> tensor over <paramref name="data"/>.</summary>
        /// <param name="data">Elements, row-major; length must equal the product of <paramref name="dimensions"/>.</param>
        /// <param name="dimensions">One to 255 non-negative sizes.</param>
        public IdxTensor(sbyte[] data, params int[] dimensions) : this(IdxTypeCode.SignedByte, data, dimensions) { }

        /// <summary>An <see cref="IdxTypeCode.Int16"/> tensor over <paramref name="data"/>.</summary>
        /// <param name="data">Elements, row-major; length must equal the product of <paramref name="dimensions"/>.</param>
        /// <param name="dimensions">One to 255 non-negative sizes.</param>
        public IdxTensor(short[] data, params int[] dimensions) : this(IdxTypeCode.Int16, data, dimensions) { }

        /// <summary>An <see cref="IdxTypeCode.Int32"/> tensor over <paramref name="data"/>.</summary>
        /// <param name="data">Elements, row-major; length must equal the product of <paramref name="dimensions"/>.</param>
        /// <param name="dimensions">One to 255 non-negative sizes.</param>
        public IdxTensor(int[] data, params int[] dimensions) : this(IdxTypeCode.Int32, data, dimensions) { }

        /// <summary>An <see cref="IdxTypeCode.Single"/> tensor over <paramref name="data"/>.</summary>
        /// <param name="data">Elements, row-major; length must equal the product of <paramref name="dimensions"/>.</param>
        /// <param name="dimensions">One to 255 non-negative sizes.</param>
        public IdxTensor(float[] data, params int[] dimensions) : this(IdxTypeCode.Single, data, dimensions) { }

        /// <summary>An <see cref="IdxTypeCode.Double"/> tensor over <paramref name="data"/>.</summary>
        /// <param name="data">Elements, row-major; length must equal the product of <paramref name="dimensions"/>.</param>
        /// <param name="dimensions">One to 255 non-negative sizes.</param>
        public IdxTensor(double[] data, params int[] dimensions) : this(IdxTypeCode.Double, data, dimensions) { }

        private IdxTensor(IdxTypeCode typeCode, Array data, int[] dimensions)
        {
            ArgumentNullException.ThrowIfNull(data);
            ArgumentNullException.ThrowIfNull(dimensions);
            if (dimensions.Length is < 1 or > 255)
            {
                throw new ArgumentException("An IDX tensor has between 1 and 255 dimensions.", nameof(dimensions));
            }

            long count = 1;
            foreach (int d in dimensions)
            {
                if (d < 0)
                {
                    throw new ArgumentException("Dimensions must be non-negative.", nameof(dimensions));
                }

                count = Math.Min(count * d, long.MaxValue / int.MaxValue);
            }

            if (count != data.Length)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "The dimensions {0} hold {1} elements but the data has {2}.", FormatDimensions(dimensions), count, data.Length),
                    nameof(data));
            }

            TypeCode = typeCode;
            Data = data;
            _dimensions = (int[])dimensions.Clone();
        }

        /// <summary>Element type.</summary>
        public IdxTypeCode TypeCode { get; }

        /// <summary>Sizes of the dimensions, outermost first (e.g. 60000, 28, 28 for MNIST training images).</summary>
        public ReadOnlySpan<int> Dimensions => _dimensions;

        /// <summary>Number of dimensions.</summary>
        public int Rank => _dimensions.Length;

        /// <summary>Number of elements (the product of <see cref="Dimensions"/>).</summary>
        public int Length => Data.Length;

        /// <summary>The elements: a <see cref="byte"/>[], <see cref="sbyte"/>[], <see cref="short"/>[], <see cref="int"/>[], <see cref="float"/>[] or <see cref="double"/>[] according to <see cref="TypeCode"/>.</summary>
        public Array Data { get; }

        /// <summary>The elements of an <see cref="IdxTypeCode.UnsignedByte"/> tensor (not a copy).</summary>
        /// <exception cref="InvalidOperationException">The tensor has another element type.</exception>
        public byte[] AsBytes() => As<byte>(IdxTypeCode.UnsignedByte);

        /// <summary>The elements of an <see cref="IdxTypeCode.SignedByte"/> tensor (not a copy).</summary>
        /// <exception cref="InvalidOperationException">The tensor has another element type.</exception>
        public sbyte[] AsSBytes() => As<sbyte>(IdxTypeCode.SignedByte);

        /// <summary>The elements of an <see cref="IdxTypeCode.Int16"/> tensor (not a copy).</summary>
        /// <exception cref="InvalidOperationException">The tensor has another element type.</exception>
        public short[] AsInt16() => As<short>(IdxTypeCode.Int16);

        /// <summary>The elements of an <see cref="IdxTypeCode.Int32"/> tensor (not a copy).</summary>
        /// <exception cref="InvalidOperationException">The tensor has another element type.</exception>
        public int[] AsInt32() => As<int>(IdxTypeCode.Int32);

        /// <summary>The elements of an <see cref="IdxTypeCode.Single"/> tensor (not a copy).</summary>
        /// <exception cref="InvalidOperationException">The tensor has another element type.</exception>
        public float[] AsSingles() => As<float>(IdxTypeCode.Single);

        /// <summary>The elements of an <see cref="IdxTypeCode.Double"/> tensor (not a copy).</summary>
        /// <exception cref="InvalidOperationException">The tensor has another element type.</exception>
        public double[] AsDoubles() => As<double>(IdxTypeCode.Double);

        /// <summary>A new <see cref="float"/>[] with every element converted (no scaling; doubles are rounded).</summary>
        public float[] ToSingles()
        {
            var result = new float[Data.Length];
            int n = 0;
            // Switch on the type code, not the array type: the runtime treats sbyte[] as a byte[] too.
            switch (TypeCode)
            {
                case IdxTypeCode.UnsignedByte: foreach (byte v in AsBytes()) { result[n++] = v; } break;
                case IdxTypeCode.SignedByte: foreach (sbyte v in AsSBytes()) { result[n++] = v; } break;
                case IdxTypeCode.Int16: foreach (short v in AsInt16()) { result[n++] = v; } break;
                case IdxTypeCode.Int32: foreach (int v in AsInt32()) { result[n++] = v; } break;
                case IdxTypeCode.Single: AsSingles().AsSpan().CopyTo(result); break;
                default: foreach (double v in AsDoubles()) { result[n++] = (float)v; } break;
            }

            return result;
        }

        /// <summary>Size in bytes of one element of type <paramref name="typeCode"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="typeCode"/> is not a defined type code.</exception>
        public static int ElementSize(IdxTypeCode typeCode) => typeCode switch
        {
            IdxTypeCode.UnsignedByte or IdxTypeCode.SignedByte => 1,
            IdxTypeCode.Int16 => 2,
            IdxTypeCode.Int32 or IdxTypeCode.Single => 4,
            IdxTypeCode.Double => 8,
            _ => throw new ArgumentOutOfRangeException(nameof(typeCode), typeCode, "Not an IDX type code."),
        };

        internal static string FormatDimensions(ReadOnlySpan<int> dimensions)
        {
            var parts = new string[dimensions.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                parts[i] = dimensions[i].ToString(CultureInfo.InvariantCulture);
            }

            return string.Join("×", parts);
        }

        internal static IdxTensor Create(IdxTypeCode typeCode, Array data, int[] dimensions) => new(typeCode, data, dimensions);

        private T[] As<T>(IdxTypeCode expected)
        {
            if (TypeCode != expected)
            {
                throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture, "The tensor holds {0} elements, not {1}.", TypeCode, expected));
            }

            return (T[])Data;
        }
    }
}
