namespace NetGen.Generator.Model
{
    /// <summary>Global average pooling: a C × H × W image to the vector of its C channel means.</summary>
    internal sealed record GlobalAvgPool2DModel(int Channels, int Height, int Width) : LayerModel
    {
        public override string Kind => "GlobalAvgPool2D";

        public override int InputsPerRow => Channels * Height * Width;

        public override int OutputsPerRow => Channels;

        public override bool OutputFromImage(bool inputFromImage) => false;

        public override long ParameterCount => 0;

        public override long StoredValues(int sequenceLength) => Channels;

        public override int OutputRows(int inputRows) => 1;
    }
}
