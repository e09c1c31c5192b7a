using System;

namespace NetGen.IO
{
    /// <summary>An attribute of an ONNX node (an AttributeProto): an int, a list of ints or a float.</summary>
    public sealed class OnnxAttribute
    {
        // AttributeProto fields and AttributeType values (onnx.proto).
        private const int NameField = 1;
        private const int FloatField = 2;
        private const int IntField = 3;
        private const int IntsField = 8;
        private const int TypeField = 20;
        private const int TypeFloat = 1;
        private const int TypeInt = 2;
        private const int TypeInts = 7;

        private readonly int _type;
        private readonly long _int;
        private readonly long[]? _ints;
        private readonly float _float;

        private OnnxAttribute(string name, int type, long @int, long[]? ints, float @float)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            Name = name;
            _type = type;
            _int = @int;
            _ints = ints;
            _float = @float;
        }

        /// <summary>The attribute's name, e.g. <c>"transB"</c>.</summary>
        public string Name { get; }

        /// <summary>An INT attribute.</summary>
        public static OnnxAttribute Int(string name, long value) => new(name, TypeInt, value, null, 0);

        /// <summary>An INTS attribute (copied).</summary>
        public static OnnxAttribute Ints(string name, params long[] values)
        {
            ArgumentNullException.ThrowIfNull(values);
            return new(name, TypeInts, 0, (long[])values.Clone(), 0);
        }

        /// <summary>A FLOAT attribute (ONNX float attributes are 32-bit, in double-precision models too).</summary>
        public static OnnxAttribute Float(string name, float value) => new(name, TypeFloat, 0, null, value);

        internal ProtoMessage ToProto()
        {
            var message = new ProtoMessage().String(NameField, Name);
            switch (_type)
            {
                case TypeInt:
                    message.Varint(IntField, _int);
                    break;
                case TypeInts:
                    message.PackedVarints(IntsField, _ints);
                    break;
                case TypeFloat:
                    message.Float(FloatField, _float);
                    break;
                default:
                    throw new InvalidOperationException("Unknown attribute type " + _type + ".");
            }

            return message.Varint(TypeField, _type);
        }
    }
}
