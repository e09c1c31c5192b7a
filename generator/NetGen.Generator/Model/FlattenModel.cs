namespace NetGen.Generator.Model
{
    /// <summary>Flatten: the C × H × W values of the layer before it, read as one vector in the same (CHW) order.</summary>
    internal sealed record FlattenModel(int Channels, int Height, int Width) : LayerModel
    {
        public override string Kind => "Flatten";

        public override int InputsPerRow => Channels * Height * Width;

        public override int OutputsPerRow => Channels * Height * Width;

        /// <summary>The image's arithmetic: "16×5×5 = 400 values".</summary>
        public override string OutputArithmetic => new LayerShape(Channels, Height, Width).Arithmetic;

        public override bool OutputFromImage(bool inputFromImage) => true;

        public override long ParameterCount => 0;

        public override long StoredValues(int sequenceLength) => OutputsPerRow;

        public override int OutputRows(int inputRows) => 1;
    }
}
