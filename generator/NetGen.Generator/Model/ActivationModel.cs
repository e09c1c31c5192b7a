namespace NetGen.Generator.Model
{
    /// <summary>
    /// An activation ([Relu], [Tanh], …) applied to the value before it, of shape <paramref name="Shape"/> per row. It is a
    /// node of its own in the model; the emitter fuses it into the kernels of the layer that produces its input where it
    /// can. <paramref name="Slope"/> is LeakyRelu's negative slope (0 otherwise).
    /// </summary>
    internal sealed record ActivationModel(ActivationKind Activation, double Slope, LayerShape Shape) : LayerModel
    {
        public override string Kind => Activation.ToString();

        public override int InputsPerRow => (int)Shape.Values;

        public override int OutputsPerRow => (int)Shape.Values;

        public override LayerShape OutputShape => Shape;

        /// <summary>An activation keeps what its input was: an image's values stay an image's.</summary>
        public override bool OutputFromImage(bool inputFromImage) => inputFromImage || Shape.IsSpatial;

        public override long ParameterCount => 0;

        public override long StoredValues(int sequenceLength) => OutputsPerRow;
    }
}
