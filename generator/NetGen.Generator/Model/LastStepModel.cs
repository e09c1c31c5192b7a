namespace NetGen.Generator.Model
{
    /// <summary>The last step of a sequence: T steps of F values to the F values of step T.</summary>
    internal sealed record LastStepModel(int Features, int Steps) : LayerModel
    {
        public override string Kind => "LastStep";

        public override int InputsPerRow => Features;

        public override int OutputsPerRow => Features;

        public override bool OutputFromImage(bool inputFromImage) => false;

        public override long ParameterCount => 0;

        public override long StoredValues(int sequenceLength) => Features;

        public override int OutputRows(int inputRows) => 1;
    }
}
