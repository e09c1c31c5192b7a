namespace NetGen.Generator.Model
{
    /// <summary>
    /// The place of a layer whose arguments could not be read (not constants, or missing): keeps the layer indexes of
    /// the ones after it, and is never emitted (the network is invalid).
    /// </summary>
    internal sealed record UnreadModel(string Name) : LayerModel
    {
        public override string Kind => Name;

        public override int InputsPerRow => 0;

        public override int OutputsPerRow => 0;

        public override long ParameterCount => 0;

        public override long StoredValues(int sequenceLength) => 0;
    }
}
