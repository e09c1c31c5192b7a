using NetGen;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// LeNet-5 of the convolutional comparison (issue: convolutional networks): two 5×5 convolutions with ReLU and 2×2
    /// max pooling, then Dense 400→120→84→10 with dropout after the first; plain SGD, float32. Its safetensors names
    /// are PyTorch's nn.Sequential ones (0.weight, 3.weight, 7.weight, 10.weight, 12.weight and the biases).
    /// </summary>
    [Network]
    [Input(1, 28, 28)]
    [Conv2D(1, 6, 5, Padding = 2)][Relu][MaxPool2D(2)]
    [Conv2D(6, 16, 5)][Relu][MaxPool2D(2)]
    [Flatten]
    [Dense(400, 120)][Relu][Dropout(0.5)]
    [Dense(120, 84)][Relu]
    [Dense(84, 10)][Softmax]
    public partial class LeNet5 { }
}

namespace NetGen.Benchmarks
{
    /// <summary>Two 3×3 convolutions of 24 channels with batch normalization: a ResNet basic block.</summary>
    [Block]
    [Conv2D(24, 24, 3, Padding = 1, Bias = false)][BatchNorm2D(24)][Relu]
    [Conv2D(24, 24, 3, Padding = 1, Bias = false)][BatchNorm2D(24)]
    public sealed class ResBasic24 { }

    /// <summary>A basic block that halves the image and doubles the channels to 48.</summary>
    [Block]
    [Conv2D(24, 48, 3, Stride = 2, Padding = 1, Bias = false)][BatchNorm2D(48)][Relu]
    [Conv2D(48, 48, 3, Padding = 1, Bias = false)][BatchNorm2D(48)]
    public sealed class ResDown48 { }

    /// <summary>The projected shortcut of <see cref="ResDown48"/>.</summary>
    [Block]
    [Conv2D(24, 48, 1, Stride = 2, Bias = false)][BatchNorm2D(48)]
    public sealed class ResProjection48 { }

    /// <summary>Two 3×3 convolutions of 48 channels with batch normalization.</summary>
    [Block]
    [Conv2D(48, 48, 3, Padding = 1, Bias = false)][BatchNorm2D(48)][Relu]
    [Conv2D(48, 48, 3, Padding = 1, Bias = false)][BatchNorm2D(48)]
    public sealed class ResBasic48 { }

    /// <summary>
    /// The network of samples/FashionResNet (85,426 parameters), for the ResNet comparison: SGD with Nesterov momentum 0.9
    /// and weight decay 5e-4, as the peers train it; its safetensors names are those of the PyTorch twin.
    /// </summary>
    [Network(Optimizer = Optimizer.Nesterov)]
    [Input(1, 28, 28)]
    [Conv2D(1, 24, 3, Padding = 1, Bias = false)][BatchNorm2D(24)][Relu]
    [MaxPool2D(2)]
    [Residual(typeof(ResBasic24))][Relu]
    [Residual(typeof(ResDown48), Shortcut = typeof(ResProjection48))][Relu]
    [Residual(typeof(ResBasic48))][Relu]
    [GlobalAvgPool2D]
    [Dense(48, 10)][Softmax]
    public partial class ResNet { }

    /// <summary><see cref="ResBasic24"/> without its batch normalization.</summary>
    [Block]
    [Conv2D(24, 24, 3, Padding = 1, Bias = false)][Relu]
    [Conv2D(24, 24, 3, Padding = 1, Bias = false)]
    public sealed class PlainBasic24 { }

    /// <summary><see cref="ResDown48"/> without its batch normalization.</summary>
    [Block]
    [Conv2D(24, 48, 3, Stride = 2, Padding = 1, Bias = false)][Relu]
    [Conv2D(48, 48, 3, Padding = 1, Bias = false)]
    public sealed class PlainDown48 { }

    /// <summary><see cref="ResProjection48"/> without its batch normalization.</summary>
    [Block]
    [Conv2D(24, 48, 1, Stride = 2, Bias = false)]
    public sealed class PlainProjection48 { }

    /// <summary><see cref="ResBasic48"/> without its batch normalization.</summary>
    [Block]
    [Conv2D(48, 48, 3, Padding = 1, Bias = false)][Relu]
    [Conv2D(48, 48, 3, Padding = 1, Bias = false)]
    public sealed class PlainBasic48 { }

    /// <summary>
    /// <see cref="ResNet"/> without any batch normalization: what Predict costs without it, for the target that the
    /// normalization (folded into the convolutions) adds at most 10 % to a prediction.
    /// </summary>
    [Network(Optimizer = Optimizer.Nesterov)]
    [Input(1, 28, 28)]
    [Conv2D(1, 24, 3, Padding = 1, Bias = false)][Relu]
    [MaxPool2D(2)]
    [Residual(typeof(PlainBasic24))][Relu]
    [Residual(typeof(PlainDown48), Shortcut = typeof(PlainProjection48))][Relu]
    [Residual(typeof(PlainBasic48))][Relu]
    [GlobalAvgPool2D]
    [Dense(48, 10)][Softmax]
    public partial class ResNetNoNorm { }
}
