using System.Globalization;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting
{
    /// <summary>How the chosen precision is spelled in C#: type keyword, literals, math class, SIMD widths.</summary>
    internal sealed class Numeric
    {
        public static readonly Numeric Single = new("float", "f", "MathF", 4);
        public static readonly Numeric Double = new("double", "d", "Math", 8);

        private readonly string _suffix;

        private Numeric(string type, string suffix, string math, int size)
        {
            Type = type;
            _suffix = suffix;
            Math = math;
            Size = size;
        }

        public static Numeric For(Precision precision) => precision == Precision.Double ? Double : Single;

        /// <summary>The C# keyword: float or double.</summary>
        public string Type { get; }

        /// <summary>MathF or Math.</summary>
        public string Math { get; }

        /// <summary>Bytes per element.</summary>
        public int Size { get; }

        public string Zero => Literal(0);

        public string One => Literal(1);

        /// <summary>A round-trippable, culture-invariant literal of this type.</summary>
        public string Literal(double value)
        {
            string text = Type == "float"
                ? ((float)value).ToString("R", CultureInfo.InvariantCulture)
                : value.ToString("R", CultureInfo.InvariantCulture);
            if (text.IndexOfAny(new[] { '.', 'E', 'N', 'I' }) < 0)
            {
                text += ".0";
            }

            return text + _suffix;
        }

        /// <summary>Elements per vector of the given width in bits.</summary>
        public int Lanes(int bits) => bits / 8 / Size;
    }
}
