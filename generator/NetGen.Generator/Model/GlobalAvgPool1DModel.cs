namespace NetGen.Generator.Model
{
    /// <summary>Global average pooling over time: T steps of F values to the F means over the steps.</summary>
    internal sealed record GlobalAvgPool1DModel(int Features, int Steps) : LayerModel
    {
        public override string Kind => "GlobalAvgPool1D";

        public override int InputsPerRow => Features;

        public override int OutputsPerRow => Features;

        public override bool OutputFromImage(bool inputFromImage) => false;

        public override long ParameterCount => 0;

        public override long StoredValues(int sequenceLength) => Features;

        public override int OutputRows(int inputRows) => 1;

        public override StreamRole Streaming => StreamRole.Never;
    }
}
