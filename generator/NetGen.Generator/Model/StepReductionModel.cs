namespace NetGen.Generator.Model
{
    /// <summary>A layer without parameters that turns T steps of <paramref name="Features"/> values into one vector of them.</summary>
    internal abstract record StepReductionModel(int Features, int Steps) : LayerModel
    {
        public override int InputsPerRow => Features;

        public override int OutputsPerRow => Features;

        public override bool OutputFromImage(bool inputFromImage) => false;

        public override long ParameterCount => 0;

        public override long StoredValues(int sequenceLength) => Features;

        public override int OutputRows(int inputRows) => 1;
    }
}
