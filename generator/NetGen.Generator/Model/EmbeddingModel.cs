namespace NetGen.Generator.Model
{
    /// <summary>
    /// A token embedding over <paramref name="Steps"/> ids per example: step t's output is row id_t of the
    /// <paramref name="Vocabulary"/> × <paramref name="Dim"/> table. First layer only.
    /// </summary>
    internal sealed record EmbeddingModel(int Vocabulary, int Dim, int Steps) : LayerModel
    {
        public override string Kind => "Embedding";

        public override int InputsPerRow => 1;

        public override int OutputsPerRow => Dim;

        public override long ParameterCount => (long)Vocabulary * Dim;

        public override long StoredValues(int sequenceLength) => Dim;

        public override bool ReadsSequence => true;

        public override int TokenVocabulary => Vocabulary;
    }
}
