using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace NetGen.IO
{
    /// <summary>
    /// A fully validated safetensors file held in memory. Generated networks load parameters in two phases so a
    /// failed load leaves the network unchanged:
    /// <code>
    /// var file = SafeTensors.Load(path);
    /// file.Expect("0.weight", DType.F32, 128, 784);   // every check first...
    /// file.Expect("0.bias", DType.F32, 128);
    /// file.ExpectNoOtherTensors();
    /// file.CopyTo("0.weight", weights0);              // ...then copy
    /// file.CopyTo("0.bias", bias0);
    /// </code>
    /// <see cref="Expect"/> and <see cref="CopyTo(string, Span{float})"/> reject NaN and ±∞ in F32 and F64 tensors,
    /// naming the tensor and the element, unless the file was read with <see cref="SafeTensorsReadOptions.AllowNonFinite"/>.
    /// Instances are not thread-safe (<see cref="Expect"/> records names).
    /// </summary>
    public sealed class SafeTensorsFile
    {
        private readonly SafeTensorInfo[] _tensors;
        private readonly Dictionary<string, SafeTensorInfo> _byName;
        private readonly Dictionary<string, string> _metadata;
        private readonly byte[] _data;
        private readonly HashSet<string> _expected = new(StringComparer.Ordinal);

        internal SafeTensorsFile(string? fileName, SafeTensorInfo[] tensors, Dictionary<string, SafeTensorInfo> byName, Dictionary<string, string> metadata, byte[] data, bool allowNonFinite)
        {
            AllowNonFinite = allowNonFinite;
            FileName = fileName;
            _tensors = tensors;
            _byName = byName;
            _metadata = metadata;
            _data = data;
        }

        /// <summary>The path the file was loaded from, or null when it was read from a stream.</summary>
        public string? FileName { get; }

        /// <summary>Whether NaN and ±∞ are accepted in F32 and F64 tensors (<see cref="SafeTensorsReadOptions.AllowNonFinite"/>).</summary>
        public bool AllowNonFinite { get; }

        /// <summary>The <c>"__metadata__"</c> entries (empty when absent).</summary>
        public IReadOnlyDictionary<string, string> Metadata => _metadata;

        /// <summary>The tensors in header order.</summary>
        public IReadOnlyList<SafeTensorInfo> Tensors => _tensors;

        /// <summary>The size of the data section in bytes.</summary>
        public long DataLength => _data.LongLength;

        /// <summary>Whether a tensor named <paramref name="name"/> exists.</summary>
        public bool Contains(string name) => _byName.ContainsKey(name);

        /// <summary>Looks up a tensor by name.</summary>
        public bool TryGetTensor(string name, [NotNullWhen(true)] out SafeTensorInfo? info) => _byName.TryGetValue(name, out info);

        /// <summary>Looks up a tensor by name.</summary>
        /// <exception cref="InvalidDataException">There is no such tensor.</exception>
        public SafeTensorInfo GetTensor(string name)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (!_byName.TryGetValue(name, out SafeTensorInfo? info))
            {
                throw SafeTensorsError.Create("missing; the file contains " + DescribeNames(_tensors), FileName, name);
            }

            return info;
        }

        /// <summary>
        /// Checks that tensor <paramref name="name"/> exists with exactly this dtype and shape, and records it as
        /// expected for <see cref="ExpectNoOtherTensors"/>. Unless <see cref="AllowNonFinite"/>, an F32 or F64 tensor
        /// must also hold only finite values, so a loader that expects every tensor before copying any never copies NaN.
        /// </summary>
        /// <param name="name">Tensor name.</param>
        /// <param name="dtype">Required element type.</param>
        /// <param name="shape">Required shape (empty for a scalar).</param>
        /// <returns>The tensor's description.</returns>
        /// <exception cref="InvalidDataException">The tensor is missing, its dtype or shape differs, or it holds a non-finite value.</exception>
        public SafeTensorInfo Expect(string name, DType dtype, params ReadOnlySpan<int> shape)
        {
            SafeTensorInfo info = GetTensor(name);
            CheckDType(info, dtype);
            if (!info.ShapeEquals(shape))
            {
                throw SafeTensorsError.Create(
                    "expected shape " + SafeTensors.FormatShape(shape) + " but found " + SafeTensors.FormatShape(info.Shape),
                    FileName,
                    name);
            }

            CheckFinite(info);
            _expected.Add(name);
            return info;
        }

        /// <summary>Throws if the file holds any tensor not yet passed to <see cref="Expect"/>, naming all of them.</summary>
        /// <exception cref="InvalidDataException">There are unexpected tensors.</exception>
        public void ExpectNoOtherTensors()
        {
            List<SafeTensorInfo>? extra = null;
            foreach (SafeTensorInfo info in _tensors)
            {
                if (!_expected.Contains(info.Name))
                {
                    (extra ??= new List<SafeTensorInfo>()).Add(info);
                }
            }

            if (extra is not null)
            {
                throw SafeTensorsError.Create(
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "expected only the {0} tensor(s) the network declares but found {1} unexpected: {2}",
                        _expected.Count,
                        extra.Count,
                        DescribeNames(extra)),
                    FileName,
                    null);
            }
        }

        /// <summary>Copies an F32 tensor into <paramref name="destination"/>, whose length must equal its element count.</summary>
        /// <exception cref="InvalidDataException">The tensor is missing, not F32, its element count differs from the destination length, or it holds a non-finite value (unless <see cref="AllowNonFinite"/>); the destination is then unchanged.</exception>
        public void CopyTo(string name, Span<float> destination)
        {
            SafeTensorInfo info = GetTensor(name);
            CheckDType(info, DType.F32);
            CheckLength(info, destination.Length);
            if (!_expected.Contains(name))
            {
                CheckFinite(info);
            }

            ReadOnlySpan<byte> raw = Raw(info);
            if (BitConverter.IsLittleEndian)
            {
                raw.CopyTo(MemoryMarshal.AsBytes(destination));
            }
            else
            {
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * sizeof(float)));
                }
            }
        }

        /// <summary>Copies an F64 tensor into <paramref name="destination"/>, whose length must equal its element count.</summary>
        /// <exception cref="InvalidDataException">The tensor is missing, not F64, its element count differs from the destination length, or it holds a non-finite value (unless <see cref="AllowNonFinite"/>); the destination is then unchanged.</exception>
        public void CopyTo(string name, Span<double> destination)
        {
            SafeTensorInfo info = GetTensor(name);
            CheckDType(info, DType.F64);
            CheckLength(info, destination.Length);
            if (!_expected.Contains(name))
            {
                CheckFinite(info);
            }

            ReadOnlySpan<byte> raw = Raw(info);
            if (BitConverter.IsLittleEndian)
            {
                raw.CopyTo(MemoryMarshal.AsBytes(destination));
            }
            else
            {
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * sizeof(double)));
                }
            }
        }

        /// <summary>
        /// Copies an I64 tensor of counts (num_batches_tracked, one per batch normalization) into <paramref name="destination"/>,
        /// whose length must equal its element count; a negative count is rejected and the destination is then unchanged.
        /// </summary>
        /// <exception cref="InvalidDataException">The tensor is missing, not I64, its element count differs, or a count is negative.</exception>
        public void CopyTo(string name, Span<long> destination)
        {
            SafeTensorInfo info = GetTensor(name);
            CheckDType(info, DType.I64);
            CheckLength(info, destination.Length);
            ReadOnlySpan<byte> raw = Raw(info);
            for (int i = 0; i < destination.Length; i++)
            {
                if (BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * sizeof(long))) < 0)
                {
                    throw SafeTensorsError.Create(
                        string.Format(CultureInfo.InvariantCulture, "expected counts of at least 0 but element {0} is {1}", i, BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * sizeof(long)))),
                        FileName,
                        name);
                }
            }

            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * sizeof(long)));
            }
        }

        /// <summary>
        /// Reads a counter: an I64 tensor of one element (PyTorch's num_batches_tracked, a 0-d tensor), which must not be
        /// negative.
        /// </summary>
        /// <exception cref="InvalidDataException">The tensor is missing, not I64, not one element, or negative.</exception>
        public long ReadCount(string name)
        {
            SafeTensorInfo info = GetTensor(name);
            CheckDType(info, DType.I64);
            CheckLength(info, 1);
            long value = BinaryPrimitives.ReadInt64LittleEndian(Raw(info));
            if (value < 0)
            {
                throw SafeTensorsError.Create("expected a count of at least 0 but found " + value.ToString(CultureInfo.InvariantCulture), FileName, name);
            }

            return value;
        }

        /// <summary>Checks dtype F32 and exactly <paramref name="shape"/>, then copies into <paramref name="destination"/>.</summary>
        /// <exception cref="InvalidDataException">The tensor is missing or its dtype, shape or length differs.</exception>
        public void CopyTo(string name, ReadOnlySpan<int> shape, Span<float> destination)
        {
            Expect(name, DType.F32, shape);
            CopyTo(name, destination);
        }

        /// <summary>Checks dtype F64 and exactly <paramref name="shape"/>, then copies into <paramref name="destination"/>.</summary>
        /// <exception cref="InvalidDataException">The tensor is missing or its dtype, shape or length differs.</exception>
        public void CopyTo(string name, ReadOnlySpan<int> shape, Span<double> destination)
        {
            Expect(name, DType.F64, shape);
            CopyTo(name, destination);
        }

        /// <summary>The tensor's raw little-endian bytes, for any dtype.</summary>
        /// <exception cref="InvalidDataException">There is no such tensor.</exception>
        public ReadOnlySpan<byte> GetRawData(string name) => Raw(GetTensor(name));

        private ReadOnlySpan<byte> Raw(SafeTensorInfo info) =>
            _data.AsSpan(checked((int)info.DataBegin), checked((int)info.ByteLength));

        private void CheckDType(SafeTensorInfo info, DType expected)
        {
            if (info.DType != expected)
            {
                string detail = "expected dtype " + DTypeInfo.Name(expected) + " but found " + DTypeInfo.Name(info.DType);
                if (info.DType is not (DType.F32 or DType.F64))
                {
                    detail += " (only F32 and F64 tensors can be loaded into parameters; convert the file first)";
                }

                throw SafeTensorsError.Create(detail, FileName, info.Name);
            }
        }

        private void CheckFinite(SafeTensorInfo info)
        {
            if (AllowNonFinite || info.DType is not (DType.F32 or DType.F64))
            {
                return;
            }

            ReadOnlySpan<byte> raw = Raw(info);
            long index = -1;
            double value = 0;
            if (info.DType == DType.F32)
            {
                for (int i = 0; i < raw.Length; i += sizeof(float))
                {
                    // Exponent all ones: ±∞ or NaN.
                    if ((BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(i)) & 0x7F80_0000u) == 0x7F80_0000u)
                    {
                        index = i / sizeof(float);
                        value = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i));
                        break;
                    }
                }
            }
            else
            {
                for (int i = 0; i < raw.Length; i += sizeof(double))
                {
                    if ((BinaryPrimitives.ReadUInt64LittleEndian(raw.Slice(i)) & 0x7FF0_0000_0000_0000ul) == 0x7FF0_0000_0000_0000ul)
                    {
                        index = i / sizeof(double);
                        value = BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i));
                        break;
                    }
                }
            }

            if (index >= 0)
            {
                throw SafeTensorsError.Create(
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "expected finite values but element {0} {1} is {2} (read the file with SafeTensorsReadOptions.AllowNonFinite = true to accept it)",
                        index,
                        FormatIndex(index, info.Shape),
                        double.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity"),
                    FileName,
                    info.Name);
            }
        }

        /// <summary>The multi-dimensional index of flat (row-major) element <paramref name="flat"/>, e.g. [2, 0].</summary>
        private static string FormatIndex(long flat, ReadOnlySpan<int> shape)
        {
            Span<int> index = shape.Length <= 16 ? stackalloc int[shape.Length] : new int[shape.Length];
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                index[d] = (int)(flat % shape[d]);
                flat /= shape[d];
            }

            return SafeTensors.FormatShape(index);
        }

        private void CheckLength(SafeTensorInfo info, int destinationLength)
        {
            if (info.ElementCount != destinationLength)
            {
                throw SafeTensorsError.Create(
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "expected {0} elements (the destination's length) but the tensor has shape {1} = {2} elements",
                        destinationLength,
                        SafeTensors.FormatShape(info.Shape),
                        info.ElementCount),
                    FileName,
                    info.Name);
            }
        }

        private static string DescribeNames(IReadOnlyList<SafeTensorInfo> tensors)
        {
            if (tensors.Count == 0)
            {
                return "no tensors";
            }

            const int Limit = 20;
            var sb = new StringBuilder();
            for (int i = 0; i < tensors.Count && i < Limit; i++)
            {
                sb.Append(i == 0 ? string.Empty : ", ").Append('\'').Append(tensors[i].Name).Append('\'');
            }

            if (tensors.Count > Limit)
            {
                sb.Append(", ... (").Append(tensors.Count.ToString(CultureInfo.InvariantCulture)).Append(" in all)");
            }

            return sb.ToString();
        }
    }
}
