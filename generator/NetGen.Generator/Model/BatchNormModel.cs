namespace NetGen.Generator.Model
{
    /// <summary>
    /// Batch normalization of <paramref name="Shape"/> (an image's channels for BatchNorm2D, a vector's features for
    /// BatchNorm1D): y = γ·x̂ + β, x̂ = (x − μ)/√(σ² + ε), with the mini-batch's statistics in training and the running ones
    /// in evaluation. Parameters γ, β; buffers the running mean and variance and num_batches_tracked.
    /// </summary>
    internal sealed record BatchNormModel(LayerShape Shape, bool Spatial, double Epsilon, double Momentum) : LayerModel
    {
        public override string Kind => Spatial ? "BatchNorm2D" : "BatchNorm1D";

        /// <summary>The statistics: the channels of an image, the features of a vector.</summary>
        public int Features => Shape.Channels;

        public override int InputsPerRow => (int)Shape.Values;

        public override int OutputsPerRow => (int)Shape.Values;

        public override LayerShape OutputShape => Shape;

        public override bool OutputFromImage(bool inputFromImage) => inputFromImage || Shape.IsSpatial;

        public override long ParameterCount => 2L * Features;

        public override long BufferCount => 2L * Features;

        public override int CounterCount => 1;

        /// <summary>The outputs, then x̂ for the backward pass.</summary>
        public override long StoredValues(int sequenceLength) => 2L * Shape.Values;

        public override bool TakesActivation => true;
    }
}
