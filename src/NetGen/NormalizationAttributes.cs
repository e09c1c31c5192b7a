using System;

namespace NetGen
{
    /// <summary>
    /// Batch normalization over the channels of an image (PyTorch's nn.BatchNorm2d): y = γ·(x − μ)/√(σ² + ε) + β per
    /// channel. In training (Train, Gradient) μ and σ² are the mean and the biased variance of the channel over the whole
    /// mini-batch and its H × W positions; Train then updates the running mean and the running (unbiased) variance,
    /// r ← (1 − momentum)·r + momentum·batch, once per call, and increments num_batches_tracked. In evaluation (Predict,
    /// PredictBatch, Classify, Loss) the running statistics are used. The running statistics are buffers: saved, loaded,
    /// checkpointed and compiled in with the parameters, never changed by the optimizer.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class BatchNorm2DAttribute : Attribute
    {
        /// <summary>Batch normalization of an image of <paramref name="channels"/> channels.</summary>
        public BatchNorm2DAttribute(int channels)
        {
            Channels = channels;
        }

        /// <summary>Channels C of the image it normalizes.</summary>
        public int Channels { get; }

        /// <summary>ε added to the variance (default 1e-5, as in PyTorch).</summary>
        public double Epsilon { get; set; } = 1e-5;

        /// <summary>The weight of the batch's statistics in the running ones (default 0.1, as in PyTorch).</summary>
        public double Momentum { get; set; } = 0.1;
    }

    /// <summary>
    /// Batch normalization of the features of a vector (PyTorch's nn.BatchNorm1d), after a [Dense] layer: as
    /// <see cref="BatchNorm2DAttribute"/> with one statistic per feature over the mini-batch. Training on a mini-batch of
    /// one example is an error (its variance is 0), as in PyTorch.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class BatchNorm1DAttribute : Attribute
    {
        /// <summary>Batch normalization of <paramref name="features"/> features.</summary>
        public BatchNorm1DAttribute(int features)
        {
            Features = features;
        }

        /// <summary>Features of the vector it normalizes.</summary>
        public int Features { get; }

        /// <summary>ε added to the variance (default 1e-5, as in PyTorch).</summary>
        public double Epsilon { get; set; } = 1e-5;

        /// <summary>The weight of the batch's statistics in the running ones (default 0.1, as in PyTorch).</summary>
        public double Momentum { get; set; } = 0.1;
    }

    /// <summary>
    /// Layer normalization over the last dimension (PyTorch's nn.LayerNorm(features)): y = γ·(x − μ)/√(σ² + ε) + β with μ
    /// and σ² the mean and biased variance of each example's features (of each step's, on a sequence). The same in training
    /// and evaluation; it couples no examples.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class LayerNormAttribute : Attribute
    {
        /// <summary>Layer normalization of <paramref name="features"/> features.</summary>
        public LayerNormAttribute(int features)
        {
            Features = features;
        }

        /// <summary>Features it normalizes together.</summary>
        public int Features { get; }

        /// <summary>ε added to the variance (default 1e-5, as in PyTorch).</summary>
        public double Epsilon { get; set; } = 1e-5;
    }
}
