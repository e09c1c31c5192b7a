using System;

namespace NetGen.IO
{
    /// <summary>
    /// Element types of the safetensors format, named exactly as they appear in the header's <c>"dtype"</c> field.
    /// Only <see cref="F32"/> and <see cref="F64"/> can be written or copied into parameters; the others are
    /// recognized (with their sizes) so that files containing them can be validated and their raw bytes read.
    /// </summary>
    public enum DType
    {
        /// <summary>32-bit IEEE 754 float.</summary>
        F32 = 1,

        /// <summary>64-bit IEEE 754 float.</summary>
        F64 = 2,

        /// <summary>16-bit IEEE 754 half float.</summary>
        F16 = 3,

        /// <summary>16-bit brain float.</summary>
        BF16 = 4,

        /// <summary>8-bit float, 4 exponent and 3 mantissa bits.</summary>
        F8_E4M3 = 5,

        /// <summary>8-bit float, 5 exponent and 2 mantissa bits.</summary>
        F8_E5M2 = 6,

        /// <summary>Signed 64-bit integer.</summary>
        I64 = 7,

        /// <summary>Signed 32-bit integer.</summary>
        I32 = 8,

        /// <summary>Signed 16-bit integer.</summary>
        I16 = 9,

        /// <summary>Signed 8-bit integer.</summary>
        I8 = 10,

        /// <summary>Unsigned 64-bit integer.</summary>
        U64 = 11,

        /// <summary>Unsigned 32-bit integer.</summary>
        U32 = 12,

        /// <summary>Unsigned 16-bit integer.</summary>
        U16 = 13,

        /// <summary>Unsigned 8-bit integer.</summary>
        U8 = 14,

        /// <summary>Boolean stored as one byte.</summary>
        BOOL = 15,
    }

    /// <summary>Sizes and header names of <see cref="DType"/> values.</summary>
    public static class DTypeInfo
    {
        /// <summary>The size of one element in bytes.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
        public static int Size(DType dtype) => dtype switch
        {
            DType.F64 or DType.I64 or DType.U64 => 8,
            DType.F32 or DType.I32 or DType.U32 => 4,
            DType.F16 or DType.BF16 or DType.I16 or DType.U16 => 2,
            DType.F8_E4M3 or DType.F8_E5M2 or DType.I8 or DType.U8 or DType.BOOL => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), "Unknown dtype value " + ((int)dtype).ToString(System.Globalization.CultureInfo.InvariantCulture) + "."),
        };

        /// <summary>The name used in the safetensors header, e.g. <c>"F32"</c>.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
        public static string Name(DType dtype) => dtype switch
        {
            DType.F32 => "F32",
            DType.F64 => "F64",
            DType.F16 => "F16",
            DType.BF16 => "BF16",
            DType.F8_E4M3 => "F8_E4M3",
            DType.F8_E5M2 => "F8_E5M2",
            DType.I64 => "I64",
            DType.I32 => "I32",
            DType.I16 => "I16",
            DType.I8 => "I8",
            DType.U64 => "U64",
            DType.U32 => "U32",
            DType.U16 => "U16",
            DType.U8 => "U8",
            DType.BOOL => "BOOL",
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), "Unknown dtype value " + ((int)dtype).ToString(System.Globalization.CultureInfo.InvariantCulture) + "."),
        };

        /// <summary>Parses a header dtype name (case-sensitive, as the format requires).</summary>
        /// <param name="name">The dtype string from the header.</param>
        /// <param name="dtype">The parsed value when the name is known.</param>
        /// <returns>Whether the name is known.</returns>
        public static bool TryParse(string? name, out DType dtype)
        {
            switch (name)
            {
                case "F32": dtype = DType.F32; return true;
                case "F64": dtype = DType.F64; return true;
                case "F16": dtype = DType.F16; return true;
                case "BF16": dtype = DType.BF16; return true;
                case "F8_E4M3": dtype = DType.F8_E4M3; return true;
                case "F8_E5M2": dtype = DType.F8_E5M2; return true;
                case "I64": dtype = DType.I64; return true;
                case "I32": dtype = DType.I32; return true;
                case "I16": dtype = DType.I16; return true;
                case "I8": dtype = DType.I8; return true;
                case "U64": dtype = DType.U64; return true;
                case "U32": dtype = DType.U32; return true;
                case "U16": dtype = DType.U16; return true;
                case "U8": dtype = DType.U8; return true;
                case "BOOL": dtype = DType.BOOL; return true;
                default: dtype = default; return false;
            }
        }
    }
}
