namespace NetGen.Generator.Model
{
    /// <summary>A Dense layer and the activation that follows it. Slope is used by LeakyRelu only.</summary>
    internal sealed record DenseModel(int Inputs, int Outputs, ActivationKind Activation, double Slope) : LayerModel, IActivatedModel
    {
        public override string Kind => "Dense";

        public override int InputsPerRow => Inputs;

        public override int OutputsPerRow => Outputs;

        public override long ParameterCount => ((long)Inputs * Outputs) + Outputs;

        public override long StoredValues(int sequenceLength) => Outputs;

        public LayerModel WithActivation(ActivationKind activation, double slope) => this with { Activation = activation, Slope = slope };
    }
}
