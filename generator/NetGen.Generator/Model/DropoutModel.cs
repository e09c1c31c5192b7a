namespace NetGen.Generator.Model
{
    /// <summary>Inverted dropout with probability <paramref name="Probability"/> over the values of <paramref name="Shape"/> (kept as it is).</summary>
    internal sealed record DropoutModel(LayerShape Shape, double Probability) : LayerModel
    {
        public override string Kind => "Dropout";

        public override int InputsPerRow => (int)Shape.Values;

        public override int OutputsPerRow => (int)Shape.Values;

        public override LayerShape OutputShape => Shape;

        /// <summary>Dropout keeps what its input was: an image's values stay an image's.</summary>
        public override bool OutputFromImage(bool inputFromImage) => inputFromImage || Shape.IsSpatial;

        public override long ParameterCount => 0;

        /// <summary>The outputs, then the mask's scale per value (0 or 1/(1 − p)) for the backward pass.</summary>
        public override long StoredValues(int sequenceLength) => 2L * OutputsPerRow;
    }
}
