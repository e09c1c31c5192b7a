using System;

namespace NetGen
{
    /// <summary>
    /// The shape of one input example for networks that start with image layers: channels × height × width, stored
    /// channel-major then row-major (CHW, PyTorch's order
    /// without the batch dimension), so InputSize = channels · height · width.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class InputAttribute : Attribute
    {
        /// <summary>Declares the input's shape: channels, height, width.</summary>
        public InputAttribute(int channels, int height, int width)
        {
            Channels = channels;
            Height = height;
            Width = width;
        }

        /// <summary>Channels C (1 for a grey-scale image, 3 for RGB).</summary>
        public int Channels { get; }

        /// <summary>Rows H of each channel.</summary>
        public int Height { get; }

        /// <summary>Columns W of each channel.</summary>
        public int Width { get; }
    }

    /// <summary>
    /// A 2-D convolution (PyTorch's nn.Conv2d with square kernels):
    /// y[o, i, j] = b[o] + Σ_c Σ_u Σ_v W[o, c, u, v] · x[c, i·stride + u − padding, j·stride + v − padding],
    /// with x read as 0 outside the image. The weights are stored [outChannels, inChannels, kernelSize, kernelSize]. An
    /// activation attribute after it ([Relu], …) applies to its output. The output is H′ × W′ per channel, with
    /// H′ = (H + 2·padding − kernelSize) / stride + 1 (rounded down).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class Conv2DAttribute : Attribute
    {
        /// <summary>A convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels with a kernelSize × kernelSize kernel.</summary>
        public Conv2DAttribute(int inChannels, int outChannels, int kernelSize)
        {
            InChannels = inChannels;
            OutChannels = outChannels;
            KernelSize = kernelSize;
        }

        /// <summary>Channels read (the previous layer's, or the input's).</summary>
        public int InChannels { get; }

        /// <summary>Channels written: one kernel each.</summary>
        public int OutChannels { get; }

        /// <summary>Rows and columns of each kernel.</summary>
        public int KernelSize { get; }

        /// <summary>Step between two windows, in both directions (default 1).</summary>
        public int Stride { get; set; } = 1;

        /// <summary>Zeros added on every side of the input (default 0).</summary>
        public int Padding { get; set; }

        /// <summary>
        /// Whether the layer adds a bias per output channel (default true). A convolution followed by batch normalization
        /// needs none (the normalization takes the mean away, and with it any bias): ResNets write <c>Bias = false</c>, as
        /// PyTorch's <c>bias=False</c>.
        /// </summary>
        public bool Bias { get; set; } = true;
    }

    /// <summary>
    /// Max pooling (PyTorch's nn.MaxPool2d): y[c, i, j] = max over the size × size window at (i·stride, j·stride) of x[c].
    /// In the backward pass the gradient goes to the arg max of each window only. A NaN in a window gives NaN.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class MaxPool2DAttribute : Attribute
    {
        /// <summary>Max pooling over size × size windows; the stride is the size unless set.</summary>
        public MaxPool2DAttribute(int size)
        {
            Size = size;
        }

        /// <summary>Rows and columns of each window.</summary>
        public int Size { get; }

        /// <summary>Step between two windows (default: <see cref="Size"/>, windows side by side); 0 means the default.</summary>
        public int Stride { get; set; }
    }

    /// <summary>
    /// Reads the C × H × W output of the layer before it as one vector of C·H·W values in PyTorch's order (nn.Flatten):
    /// required between an image layer and a [Dense] layer. It has no parameters and counts as one module in PyTorch's numbering.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class FlattenAttribute : Attribute
    {
    }

    /// <summary>
    /// Inverted dropout (PyTorch's nn.Dropout), after a [Dense] or image layer: in training, each value is kept with probability 1 − p and then scaled by
    /// 1/(1 − p), or set to 0; in Predict, Loss and Classify it is the identity. The mask is drawn from a counter-based
    /// generator keyed by the seed of the last InitializeParameters, the network's StepCount and the example's index in
    /// the batch, so training is reproducible, also with several TrainingThreads.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class DropoutAttribute : Attribute
    {
        /// <summary>Dropout with probability <paramref name="probability"/> (0 ≤ p &lt; 1) of zeroing each value.</summary>
        public DropoutAttribute(double probability)
        {
            Probability = probability;
        }

        /// <summary>The probability p of zeroing a value in training.</summary>
        public double Probability { get; }
    }

    /// <summary>
    /// Average pooling (PyTorch's nn.AvgPool2d): y[c, i, j] = the mean of the size × size window at (i·stride, j·stride) of
    /// x[c]. In the backward pass each window's δ is shared equally among its positions.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class AvgPool2DAttribute : Attribute
    {
        /// <summary>Average pooling over size × size windows; the stride is the size unless set.</summary>
        public AvgPool2DAttribute(int size)
        {
            Size = size;
        }

        /// <summary>Rows and columns of each window.</summary>
        public int Size { get; }

        /// <summary>Step between two windows (default: <see cref="Size"/>, windows side by side); 0 means the default.</summary>
        public int Stride { get; set; }
    }

    /// <summary>
    /// Global average pooling: the C × H × W image before it becomes the vector of its C channel means (PyTorch's
    /// nn.AdaptiveAvgPool2d(1) then nn.Flatten(), one module in the numbering), which a [Dense] layer reads directly.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class GlobalAvgPool2DAttribute : Attribute
    {
    }
}
