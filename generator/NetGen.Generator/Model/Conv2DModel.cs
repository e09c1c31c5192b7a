namespace NetGen.Generator.Model
{
    /// <summary>
    /// A 2-D convolution on a <paramref name="InChannels"/> × <paramref name="Height"/> × <paramref name="Width"/> input
    /// (the shape the layer before it produces), with square kernels.
    /// </summary>
    internal sealed record Conv2DModel(
        int InChannels,
        int OutChannels,
        int Kernel,
        int Stride,
        int Padding,
        int Height,
        int Width,
        bool Bias = true) : LayerModel
    {
        public override string Kind => "Conv2D";

        /// <summary>Output rows H′ = ⌊(H + 2·padding − kernel) / stride⌋ + 1.</summary>
        public int OutHeight => ((Height + (2 * Padding) - Kernel) / Stride) + 1;

        /// <summary>Output columns W′, as <see cref="OutHeight"/>.</summary>
        public int OutWidth => ((Width + (2 * Padding) - Kernel) / Stride) + 1;

        public override int InputsPerRow => InChannels * Height * Width;

        public override int OutputsPerRow => OutChannels * OutHeight * OutWidth;

        public override LayerShape OutputShape => new(OutChannels, OutHeight, OutWidth);

        public override long ParameterCount => ((long)OutChannels * InChannels * Kernel * Kernel) + (Bias ? OutChannels : 0);

        public override long StoredValues(int sequenceLength) => OutputsPerRow;

        /// <summary>The windows (C·k·k × H′·W′) and, in the backward pass, their gradient.</summary>
        public override long WorkingValues => 2L * InChannels * Kernel * Kernel * OutHeight * OutWidth;

        public override int OutputRows(int inputRows) => 1;

        public override bool TakesActivation => true;
    }
}
