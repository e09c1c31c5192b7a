using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.IO
{
    /// <summary>
    /// A protocol-buffers message under construction, encoded in the standard wire format: each field is a tag
    /// (field number &lt;&lt; 3 | wire type) as a varint, then a varint (wire type 0), a 4-byte little-endian value
    /// (wire type 5) or a varint length and that many bytes (wire type 2: strings, bytes, nested messages and packed
    /// repeated scalars). Fields are written in the order they were added, which is what the ONNX export needs (no field
    /// is reordered, merged or omitted). Messages are built bottom-up: a message must not change after it has been added
    /// to another one (its size is computed once, when first needed).
    /// </summary>
    internal sealed class ProtoMessage
    {
        /// <summary>The largest message protobuf parsers accept (2 GiB − 1): ONNX models beyond it need external data.</summary>
        internal const long MaxSize = int.MaxValue;

        private readonly List<Field> _fields = new();
        private long _size = -1;

        private enum WireType
        {
            Varint = 0,
            LengthDelimited = 2,
            Fixed32 = 5,
        }

        /// <summary>An int32, int64, bool or enum field. Negative values take 10 bytes (sign-extended to 64 bits, as protobuf encodes int32 and int64).</summary>
        public ProtoMessage Varint(int field, long value)
        {
            Add(new Field(field, WireType.Varint, (ulong)value, null, null, null));
            return this;
        }

        /// <summary>A float field (wire type 5, 4 bytes little-endian).</summary>
        public ProtoMessage Float(int field, float value)
        {
            Add(new Field(field, WireType.Fixed32, BitConverter.SingleToUInt32Bits(value), null, null, null));
            return this;
        }

        /// <summary>A string field, UTF-8 encoded.</summary>
        public ProtoMessage String(int field, string value)
        {
            ArgumentNullException.ThrowIfNull(value);
            return Bytes(field, Encoding.UTF8.GetBytes(value));
        }

        /// <summary>A bytes field (the array is kept, not copied).</summary>
        public ProtoMessage Bytes(int field, byte[] value)
        {
            ArgumentNullException.ThrowIfNull(value);
            Add(new Field(field, WireType.LengthDelimited, 0, value, null, null));
            return this;
        }

        /// <summary>A nested message field.</summary>
        public ProtoMessage Message(int field, ProtoMessage value)
        {
            ArgumentNullException.ThrowIfNull(value);
            if (ReferenceEquals(value, this))
            {
                throw new ArgumentException("A message cannot contain itself.", nameof(value));
            }

            Add(new Field(field, WireType.LengthDelimited, 0, null, value, null));
            return this;
        }

        /// <summary>A repeated int64 (or int32, enum) field, packed: one length-delimited field holding the varints.</summary>
        public ProtoMessage PackedVarints(int field, ReadOnlySpan<long> values)
        {
            Add(new Field(field, WireType.LengthDelimited, 0, null, null, values.ToArray()));
            return this;
        }

        /// <summary>The encoded size in bytes.</summary>
        /// <exception cref="InvalidOperationException">The message would exceed <see cref="MaxSize"/>.</exception>
        public long Size
        {
            get
            {
                if (_size < 0)
                {
                    long size = 0;
                    foreach (Field entry in _fields)
                    {
                        size += FieldSize(entry);
                    }

                    if (size > MaxSize)
                    {
                        throw new InvalidOperationException(
                            "The message would take " + size.ToString("N0", CultureInfo.InvariantCulture) + " bytes; protocol buffers are limited to "
                            + MaxSize.ToString("N0", CultureInfo.InvariantCulture) + " bytes (an ONNX model that large needs external data, which is not written).");
                    }

                    _size = size;
                }

                return _size;
            }
        }

        /// <summary>The encoded message.</summary>
        public byte[] ToArray()
        {
            var bytes = new byte[Size];
            int written = WriteTo(bytes);
            if (written != bytes.Length)
            {
                throw new InvalidOperationException($"Encoded {written} bytes where {bytes.Length} were computed (a message changed after it was added to another).");
            }

            return bytes;
        }

        /// <summary>The number of bytes <paramref name="value"/> takes as a varint: 1 to 10.</summary>
        internal static int VarintSize(ulong value)
        {
            int size = 1;
            while (value >= 0x80)
            {
                value >>= 7;
                size++;
            }

            return size;
        }

        /// <summary>Writes <paramref name="value"/> as a varint (7 bits per byte, least significant first, high bit = more follow); returns the bytes written.</summary>
        internal static int WriteVarint(Span<byte> destination, ulong value)
        {
            int i = 0;
            while (value >= 0x80)
            {
                destination[i++] = (byte)(value | 0x80);
                value >>= 7;
            }

            destination[i++] = (byte)value;
            return i;
        }

        private void Add(Field field)
        {
            if (field.Number < 1 || field.Number > 536_870_911)
            {
                throw new ArgumentOutOfRangeException(nameof(field), field.Number, "A protobuf field number is between 1 and 2^29 − 1.");
            }

            _fields.Add(field);
            _size = -1;
        }

        private static long PayloadSize(Field field)
        {
            if (field.Bytes is not null)
            {
                return field.Bytes.Length;
            }

            if (field.Message is not null)
            {
                return field.Message.Size;
            }

            long size = 0;
            foreach (long value in field.Packed!)
            {
                size += VarintSize((ulong)value);
            }

            return size;
        }

        private static long FieldSize(Field field)
        {
            long tag = VarintSize(((ulong)field.Number << 3) | (ulong)field.Wire);
            switch (field.Wire)
            {
                case WireType.Varint:
                    return tag + VarintSize(field.Value);
                case WireType.Fixed32:
                    return tag + 4;
                case WireType.LengthDelimited:
                    long payload = PayloadSize(field);
                    return tag + VarintSize((ulong)payload) + payload;
                default:
                    throw new InvalidOperationException("Unknown wire type " + field.Wire + ".");
            }
        }

        private int WriteTo(Span<byte> destination)
        {
            int at = 0;
            foreach (Field field in _fields)
            {
                at += WriteVarint(destination.Slice(at), ((ulong)field.Number << 3) | (ulong)field.Wire);
                switch (field.Wire)
                {
                    case WireType.Varint:
                        at += WriteVarint(destination.Slice(at), field.Value);
                        break;
                    case WireType.Fixed32:
                        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(at), (uint)field.Value);
                        at += 4;
                        break;
                    default:
                        at += WriteVarint(destination.Slice(at), (ulong)PayloadSize(field));
                        if (field.Bytes is not null)
                        {
                            field.Bytes.CopyTo(destination.Slice(at));
                            at += field.Bytes.Length;
                        }
                        else if (field.Message is not null)
                        {
                            int length = (int)field.Message.Size;
                            int written = field.Message.WriteTo(destination.Slice(at, length));
                            if (written != length)
                            {
                                throw new InvalidOperationException($"A nested message encoded {written} bytes where {length} were computed (it changed after it was added).");
                            }

                            at += written;
                        }
                        else
                        {
                            foreach (long value in field.Packed!)
                            {
                                at += WriteVarint(destination.Slice(at), (ulong)value);
                            }
                        }

                        break;
                }
            }

            return at;
        }

        private readonly record struct Field(int Number, WireType Wire, ulong Value, byte[]? Bytes, ProtoMessage? Message, long[]? Packed);
    }
}
