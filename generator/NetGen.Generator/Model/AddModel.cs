namespace NetGen.Generator.Model
{
    /// <summary>
    /// The sum a [Residual] ends with: y = B(x) + S(x), S the identity without a shortcut. Reads two values of
    /// <paramref name="Shape"/> (the block's output, then the shortcut's or the residual's input). <paramref name="Body"/>
    /// and <paramref name="Shortcut"/> name the blocks, for the header.
    /// </summary>
    internal sealed record AddModel(LayerShape Shape, string Body, string? Shortcut) : LayerModel
    {
        public override string Kind => "Residual";

        public override int InputsPerRow => (int)Shape.Values;

        public override int OutputsPerRow => (int)Shape.Values;

        public override LayerShape OutputShape => Shape;

        public override bool OutputFromImage(bool inputFromImage) => inputFromImage || Shape.IsSpatial;

        public override long ParameterCount => 0;

        public override long StoredValues(int sequenceLength) => OutputsPerRow;

        public override bool TakesActivation => true;
    }
}
