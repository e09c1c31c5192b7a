namespace NetGen.Generator.Model
{
    /// <summary>A learned table of <paramref name="Steps"/> × <paramref name="Dim"/> values added to every example's sequence.</summary>
    internal sealed record PositionEmbeddingModel(int Dim, int Steps) : LayerModel
    {
        public override string Kind => "PositionEmbedding";

        public override int InputsPerRow => Dim;

        public override int OutputsPerRow => Dim;

        public override long ParameterCount => (long)Steps * Dim;

        public override long StoredValues(int sequenceLength) => Dim;

        public override bool ReadsSequence => true;

        /// <summary>Streams with the step's position in its state (at most Steps of them).</summary>
        public override StreamRole Streaming => StreamRole.Stateful;
    }
}
