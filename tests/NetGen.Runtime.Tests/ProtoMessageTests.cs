using System;
using System.IO;
using System.Linq;
using NetGen.IO;
using Xunit;

namespace NetGen.Runtime.Tests
{
    /// <summary>The protobuf encoder under the ONNX export, against bytes worked out from the wire-format specification.</summary>
    public class ProtoMessageTests
    {
        [Theory]
        [InlineData(0UL, new byte[] { 0x00 })]
        [InlineData(1UL, new byte[] { 0x01 })]
        [InlineData(127UL, new byte[] { 0x7F })]
        [InlineData(128UL, new byte[] { 0x80, 0x01 })]
        [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
        [InlineData(16_383UL, new byte[] { 0xFF, 0x7F })]
        [InlineData(16_384UL, new byte[] { 0x80, 0x80, 0x01 })]
        [InlineData(uint.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
        [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
        public void Varints_are_seven_bits_per_byte_least_significant_first(ulong value, byte[] expected)
        {
            var buffer = new byte[10];
            int written = ProtoMessage.WriteVarint(buffer, value);
            Assert.Equal(expected, buffer.AsSpan(0, written).ToArray());
            Assert.Equal(expected.Length, ProtoMessage.VarintSize(value));
        }

        [Fact]
        public void Varint_field_has_tag_then_value()
        {
            // Field 1, wire type 0: tag 0x08; 150 = 0x96 0x01 (the specification's example).
            Assert.Equal(new byte[] { 0x08, 0x96, 0x01 }, new ProtoMessage().Varint(1, 150).ToArray());
        }

        [Fact]
        public void Negative_int64_takes_ten_bytes()
        {
            byte[] bytes = new ProtoMessage().Varint(3, -1).ToArray();
            Assert.Equal(new byte[] { 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, bytes);
        }

        [Fact]
        public void String_field_is_length_delimited_utf8()
        {
            // Field 2, wire type 2: tag 0x12; "testing" (the specification's example), then a non-ASCII name: "é" is 2 bytes.
            Assert.Equal(new byte[] { 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67 }, new ProtoMessage().String(2, "testing").ToArray());
            Assert.Equal(new byte[] { 0x0A, 0x02, 0xC3, 0xA9 }, new ProtoMessage().String(1, "é").ToArray());
        }

        [Fact]
        public void Float_field_is_fixed32_little_endian()
        {
            // Field 2, wire type 5: tag 0x15; 0.2f = 0x3E4CCCCD.
            Assert.Equal(new byte[] { 0x15, 0xCD, 0xCC, 0x4C, 0x3E }, new ProtoMessage().Float(2, 0.2f).ToArray());
        }

        [Fact]
        public void Nested_message_is_prefixed_by_its_length()
        {
            // The specification's example: field 3 holding a message whose field 1 is 150.
            var inner = new ProtoMessage().Varint(1, 150);
            Assert.Equal(new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01 }, new ProtoMessage().Message(3, inner).ToArray());
        }

        [Fact]
        public void Packed_repeated_field_is_one_length_delimited_run_of_varints()
        {
            // The specification's example: field 4, packed [3, 270, 86942].
            byte[] expected = { 0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05 };
            Assert.Equal(expected, new ProtoMessage().PackedVarints(4, new long[] { 3, 270, 86942 }).ToArray());
            Assert.Equal(new byte[] { 0x0A, 0x00 }, new ProtoMessage().PackedVarints(1, ReadOnlySpan<long>.Empty).ToArray());
        }

        [Fact]
        public void Long_payload_has_a_multi_byte_length_and_large_field_numbers_a_multi_byte_tag()
        {
            byte[] payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
            byte[] bytes = new ProtoMessage().Bytes(20, payload).ToArray();

            // Tag (20 << 3 | 2) = 162 = 0xA2 0x01; length 300 = 0xAC 0x02.
            Assert.Equal(new byte[] { 0xA2, 0x01, 0xAC, 0x02 }, bytes.AsSpan(0, 4).ToArray());
            Assert.Equal(payload, bytes.AsSpan(4).ToArray());
            Assert.Equal(bytes.Length, new ProtoMessage().Bytes(20, payload).Size);
        }

        [Fact]
        public void Fields_keep_their_order_and_sizes_add_up_through_nesting()
        {
            var leaf = new ProtoMessage().String(1, new string('x', 200)).Varint(2, -5);
            var middle = new ProtoMessage().Message(7, leaf).Float(2, 1.5f);
            var root = new ProtoMessage().Varint(1, 8).Message(7, middle).String(2, "NetGen");
            byte[] bytes = root.ToArray();
            Assert.Equal(root.Size, bytes.Length);
            Assert.Equal(0x08, bytes[0]);
            Assert.Equal(0x3A, bytes[2]);   // field 7, wire type 2
            Assert.Equal(214, leaf.Size);     // 1 + 2 + 200, then 1 + 10 (−5 as 10 bytes)
            Assert.Equal(222, middle.Size);   // 1 + 2 + 214, then 5
            Assert.Equal(235, root.Size);     // 2, then 1 + 2 + 222, then 1 + 1 + 6
            Assert.Equal(new byte[] { 0xDE, 0x01 }, bytes.AsSpan(3, 2).ToArray());
        }

        [Fact]
        public void Invalid_field_numbers_and_self_nesting_are_rejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new ProtoMessage().Varint(0, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ProtoMessage().Varint(1 << 29, 1));
            var message = new ProtoMessage();
            Assert.Throws<ArgumentException>(() => message.Message(1, message));
        }
    }
}
