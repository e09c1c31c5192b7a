namespace NetGen.Generator.Model
{
    /// <summary>A Dense layer, z = W·x + b (the activation after it is a node of its own).</summary>
    internal sealed record DenseModel(int Inputs, int Outputs) : LayerModel
    {
        public override string Kind => "Dense";

        public override int InputsPerRow => Inputs;

        public override int OutputsPerRow => Outputs;

        public override long ParameterCount => ((long)Inputs * Outputs) + Outputs;

        public override long StoredValues(int sequenceLength) => Outputs;

        public override bool TakesActivation => true;
    }
}
