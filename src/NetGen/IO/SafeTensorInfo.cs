using System;

namespace NetGen.IO
{
    /// <summary>One tensor described in a safetensors header (already validated).</summary>
    public sealed class SafeTensorInfo
    {
        private readonly int[] _shape;

        internal SafeTensorInfo(string name, DType dtype, int[] shape, long elementCount, long dataBegin, long dataEnd)
        {
            Name = name;
            DType = dtype;
            _shape = shape;
            ElementCount = elementCount;
            DataBegin = dataBegin;
            DataEnd = dataEnd;
        }

        /// <summary>The tensor's name.</summary>
        public string Name { get; }

        /// <summary>The element type.</summary>
        public DType DType { get; }

        /// <summary>The shape (row-major); empty for a scalar.</summary>
        public ReadOnlySpan<int> Shape => _shape;

        /// <summary>The product of <see cref="Shape"/>.</summary>
        public long ElementCount { get; }

        /// <summary>Start of the tensor's bytes, relative to the start of the data section.</summary>
        public long DataBegin { get; }

        /// <summary>End (exclusive) of the tensor's bytes, relative to the start of the data section.</summary>
        public long DataEnd { get; }

        /// <summary>DataEnd − DataBegin.</summary>
        public long ByteLength => DataEnd - DataBegin;

        /// <summary>Whether <see cref="Shape"/> equals <paramref name="shape"/> dimension by dimension.</summary>
        public bool ShapeEquals(ReadOnlySpan<int> shape) => shape.SequenceEqual(_shape);

        /// <summary>E.g. <c>0.weight F32 [128, 784]</c>.</summary>
        public override string ToString() => Name + " " + DTypeInfo.Name(DType) + " " + SafeTensors.FormatShape(_shape);
    }
}
