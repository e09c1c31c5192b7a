using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetGen.IO
{
    /// <summary>What <see cref="SafeTensors.Load(string, SafeTensorsReadOptions?)"/> and <see cref="SafeTensors.Read(System.IO.Stream, SafeTensorsReadOptions?)"/> accept.</summary>
    public sealed class SafeTensorsReadOptions
    {
        /// <summary>The default <see cref="MaxDataBytes"/>: the largest array .NET can hold.</summary>
        public static readonly long DefaultMaxDataBytes = Array.MaxLength;

        /// <summary>
        /// When set, the file must hold exactly these tensors, each with this dtype and shape; anything else
        /// (an unexpected, missing or differently shaped tensor) is rejected from the header, before any data is
        /// read, and the data section may be no larger than their total size.
        /// </summary>
        public IReadOnlyList<TensorSpec>? ExpectedTensors { get; set; }

        /// <summary>The largest data section accepted (checked against the header before the data is read).</summary>
        public long MaxDataBytes { get; set; } = DefaultMaxDataBytes;

        /// <summary>
        /// Whether F32 and F64 tensors may hold NaN or ±∞. By default <see cref="SafeTensorsFile.Expect"/> and
        /// <see cref="SafeTensorsFile.CopyTo(string, Span{float})"/> reject them, naming the tensor and the element.
        /// </summary>
        public bool AllowNonFinite { get; set; }
    }

    /// <summary>A tensor a reader expects: its name, dtype and shape.</summary>
    public sealed class TensorSpec
    {
        private readonly int[] _shape;

        /// <summary>Creates a specification.</summary>
        /// <param name="name">The tensor's name.</param>
        /// <param name="dtype">Its element type.</param>
        /// <param name="shape">Its shape (copied; empty for a scalar).</param>
        public TensorSpec(string name, DType dtype, params ReadOnlySpan<int> shape)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            long count = 1;
            foreach (int dim in shape)
            {
                if (dim < 0)
                {
                    throw new ArgumentException("Tensor '" + name + "': shape " + SafeTensors.FormatShape(shape) + " has a negative dimension.", nameof(shape));
                }

                count = dim == 0 || count == 0 ? 0 : count > long.MaxValue / dim ? long.MaxValue : count * dim;
            }

            int size = DTypeInfo.Size(dtype);
            if (count > long.MaxValue / size)
            {
                throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, "Tensor '{0}': shape {1} is too large.", name, SafeTensors.FormatShape(shape)), nameof(shape));
            }

            Name = name;
            DType = dtype;
            _shape = shape.ToArray();
            ByteLength = count * size;
        }

        /// <summary>The tensor's name.</summary>
        public string Name { get; }

        /// <summary>The element type.</summary>
        public DType DType { get; }

        /// <summary>The shape.</summary>
        public ReadOnlySpan<int> Shape => _shape;

        /// <summary>The size of the tensor's data in bytes.</summary>
        public long ByteLength { get; }

        /// <summary>E.g. <c>0.weight F32 [128, 784]</c>.</summary>
        public override string ToString() => Name + " " + DTypeInfo.Name(DType) + " " + SafeTensors.FormatShape(_shape);
    }
}
