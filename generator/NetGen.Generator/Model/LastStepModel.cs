namespace NetGen.Generator.Model
{
    /// <summary>The last step of a sequence: T steps of F values to the F values of step T.</summary>
    internal sealed record LastStepModel(int Features, int Steps) : StepReductionModel(Features, Steps)
    {
        public override string Kind => "LastStep";
    }
}
