using NetGen;

namespace NetGen.Samples.FashionResNet
{
    /// <summary>Two 3×3 convolutions of 24 channels with batch normalization, the image's shape kept: a ResNet basic block.</summary>
    [Block]
    [Conv2D(24, 24, 3, Padding = 1, Bias = false)][BatchNorm2D(24)][Relu]
    [Conv2D(24, 24, 3, Padding = 1, Bias = false)][BatchNorm2D(24)]
    public sealed class Basic24 { }

    /// <summary>A basic block that halves the image (stride 2) and doubles the channels to 48.</summary>
    [Block]
    [Conv2D(24, 48, 3, Stride = 2, Padding = 1, Bias = false)][BatchNorm2D(48)][Relu]
    [Conv2D(48, 48, 3, Padding = 1, Bias = false)][BatchNorm2D(48)]
    public sealed class Down48 { }

    /// <summary>The shortcut of <see cref="Down48"/>: a 1×1 convolution with stride 2 and batch normalization (ResNet's projection).</summary>
    [Block]
    [Conv2D(24, 48, 1, Stride = 2, Bias = false)][BatchNorm2D(48)]
    public sealed class Projection48 { }

    /// <summary>Two 3×3 convolutions of 48 channels with batch normalization.</summary>
    [Block]
    [Conv2D(48, 48, 3, Padding = 1, Bias = false)][BatchNorm2D(48)][Relu]
    [Conv2D(48, 48, 3, Padding = 1, Bias = false)][BatchNorm2D(48)]
    public sealed class Basic48 { }

    /// <summary>
    /// A small residual network (He et al., 2016) for 28 × 28 grey images: a convolution with batch normalization, 2×2 max
    /// pooling, three residual blocks (24 channels at 14 × 14, then 48 at 7 × 7, the first of those with a projected
    /// shortcut), global average pooling and a Dense layer to the 10 classes. No convolution has a bias: the batch
    /// normalization after each takes the mean away. SGD with Nesterov momentum, as torchvision's recipes train ResNets.
    /// </summary>
    [Network(Optimizer = Optimizer.Nesterov)]
    [Input(1, 28, 28)]
    [Conv2D(1, 24, 3, Padding = 1, Bias = false)][BatchNorm2D(24)][Relu]
    [MaxPool2D(2)]
    [Residual(typeof(Basic24))][Relu]
    [Residual(typeof(Down48), Shortcut = typeof(Projection48))][Relu]
    [Residual(typeof(Basic48))][Relu]
    [GlobalAvgPool2D]
    [Dense(48, 10)][Softmax]
    public partial class FashionResNet
    {
        /// <summary>One line describing the topology, for the first line of the output.</summary>
        public static string Topology =>
            $"FashionResNet: 1×28×28 → conv 24 → pool → residual 24 → residual 48 (stride 2, projection) → residual 48 → global average → {OutputSize} "
            + $"(softmax, cross-entropy), batch normalization after every convolution, {ParameterCount:N0} parameters, SGD with Nesterov momentum";
    }
}
