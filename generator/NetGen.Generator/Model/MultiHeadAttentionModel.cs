namespace NetGen.Generator.Model
{
    /// <summary>
    /// Multi-head self-attention over the <paramref name="Steps"/> steps of a sequence of <paramref name="Dim"/> values per step,
    /// <paramref name="Heads"/> heads of Dim/Heads values; <paramref name="Causal"/> masks the steps after each step.
    /// </summary>
    internal sealed record MultiHeadAttentionModel(int Dim, int Heads, int Steps, bool Causal) : LayerModel
    {
        public override string Kind => "MultiHeadAttention";

        public override int InputsPerRow => Dim;

        public override int OutputsPerRow => Dim;

        /// <summary>in_proj (3·dim × dim and 3·dim), out_proj (dim × dim and dim).</summary>
        public override long ParameterCount => (4L * Dim * Dim) + (4L * Dim);

        /// <summary>Per step: the output, q, k and v, the heads' mix, and each head's row of probabilities over the T steps.</summary>
        public override long StoredValues(int sequenceLength) => (5L * Dim) + ((long)Heads * Steps);

        public override bool ReadsSequence => true;

        /// <summary>Causal attention streams with a cache of every earlier step's k and v (at most Steps of them); without the mask a step reads the steps to come.</summary>
        public override StreamRole Streaming => Causal ? StreamRole.Stateful : StreamRole.Never;
    }
}
