namespace NetGen.Generator.Model
{
    /// <summary>Global average pooling over time: T steps of F values to the F means over the steps.</summary>
    internal sealed record GlobalAvgPool1DModel(int Features, int Steps) : StepReductionModel(Features, Steps)
    {
        public override string Kind => "GlobalAvgPool1D";

        public override StreamRole Streaming => StreamRole.Never;
    }
}
