namespace NetGen.Generator.Model
{
    /// <summary>
    /// A 1-D convolution over the <paramref name="Steps"/> steps of a sequence of <paramref name="InChannels"/> values
    /// per step (time-major), stride 1: <paramref name="Left"/> zero steps before the sequence and <paramref name="Right"/>
    /// after it (Padding on both sides, or (k − 1)·dilation on the left for a causal one).
    /// </summary>
    internal sealed record Conv1DModel(
        int InChannels,
        int OutChannels,
        int Kernel,
        int Dilation,
        int Left,
        int Right,
        int Steps,
        bool Causal) : LayerModel
    {
        public override string Kind => "Conv1D";

        /// <summary>Steps the kernel spans: dilation·(k − 1) + 1.</summary>
        public long Span => ((long)Dilation * (Kernel - 1)) + 1;

        /// <summary>Output steps T′ = T + left + right − dilation·(k − 1) (at most T + 2·padding, so it fits an int when T does).</summary>
        public int OutSteps => (int)System.Math.Max(0, (long)Steps + Left + Right - Span + 1);

        public override int InputsPerRow => InChannels;

        public override int OutputsPerRow => OutChannels;

        public override long ParameterCount => ((long)OutChannels * InChannels * Kernel) + OutChannels;

        public override long StoredValues(int sequenceLength) => OutChannels;

        /// <summary>The windows of one example (T′ × C·k) and, in the backward pass, their gradient.</summary>
        public override long WorkingValues => 2L * OutSteps * InChannels * Kernel;

        public override int OutputRows(int inputRows) => System.Math.Max(1, OutSteps);

        public override bool TakesActivation => true;

        public override bool ReadsSequence => true;

        /// <summary>A causal convolution keeps its last (k − 1)·dilation inputs; one tap (k = 1) reads step t alone; any other reads steps to come.</summary>
        public override StreamRole Streaming => Kernel == 1 ? StreamRole.Stateless : Causal ? StreamRole.Stateful : StreamRole.Never;
    }
}
