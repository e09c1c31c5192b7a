namespace NetGen.Generator.Model
{
    /// <summary>
    /// Layer normalization over the <paramref name="Features"/> values of each row: y = γ·x̂ + β, x̂ = (x − μ)/√(σ² + ε), μ and
    /// σ² of the row itself, in training and evaluation alike.
    /// </summary>
    internal sealed record LayerNormModel(int Features, double Epsilon) : LayerModel
    {
        public override string Kind => "LayerNorm";

        public override int InputsPerRow => Features;

        public override int OutputsPerRow => Features;

        public override long ParameterCount => 2L * Features;

        /// <summary>The outputs, x̂, and 1/σ of the row, for the backward pass.</summary>
        public override long StoredValues(int sequenceLength) => (2L * Features) + 1;

        public override bool TakesActivation => true;
    }
}
