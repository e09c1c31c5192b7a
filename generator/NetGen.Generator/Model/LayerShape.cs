using System.Globalization;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// The shape of the values a layer writes per example (per step, for sequences): C × H × W for image layers, or a
    /// flat vector of <see cref="Channels"/> values (Height = Width = 0).
    /// </summary>
    internal readonly record struct LayerShape(int Channels, int Height, int Width)
    {
        public static LayerShape Flat(int values) => new(values, 0, 0);

        public bool IsSpatial => Height > 0;

        /// <summary>C·H·W, or the length of a flat vector.</summary>
        public long Values => IsSpatial ? (long)Channels * Height * Width : Channels;

        /// <summary>"16×5×5" or "400".</summary>
        public override string ToString() => IsSpatial
            ? string.Format(CultureInfo.InvariantCulture, "{0}×{1}×{2}", Channels, Height, Width)
            : Channels.ToString(CultureInfo.InvariantCulture);

        /// <summary>"16×5×5 = 400 values" or "400 values".</summary>
        public string Arithmetic => IsSpatial
            ? ToString() + " = " + Values.ToString(CultureInfo.InvariantCulture) + " values"
            : ToString() + " values";
    }
}
