namespace NetGen.Generator.Model
{
    /// <summary>Max pooling over <paramref name="Size"/>² windows, <paramref name="Stride"/> apart, of a C × H × W input.</summary>
    internal sealed record MaxPool2DModel(int Channels, int Height, int Width, int Size, int Stride) : LayerModel
    {
        public override string Kind => "MaxPool2D";

        public int OutHeight => ((Height - Size) / Stride) + 1;

        public int OutWidth => ((Width - Size) / Stride) + 1;

        public override int InputsPerRow => Channels * Height * Width;

        public override int OutputsPerRow => Channels * OutHeight * OutWidth;

        public override LayerShape OutputShape => new(Channels, OutHeight, OutWidth);

        public override long ParameterCount => 0;

        /// <summary>The outputs only: the backward pass finds each window's arg max again from its input.</summary>
        public override long StoredValues(int sequenceLength) => OutputsPerRow;

        public override int OutputRows(int inputRows) => 1;
    }
}
