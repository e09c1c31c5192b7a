namespace NetGen.Tests.Graph
{
    /// <summary>Two Dense layers with a Tanh between them: the body of a residual over 6 values.</summary>
    [Block]
    [Dense(6, 6)][Tanh]
    [Dense(6, 6)]
    public sealed class DenseBlock { }

    /// <summary>A residual over Dense layers, ReLU after the sum (double).</summary>
    [Network(Precision = Precision.Double)]
    [Dense(4, 6)][Tanh]
    [Residual(typeof(DenseBlock))][Relu]
    [Dense(6, 3)][Softmax]
    public partial class ResidualDense { }

    /// <summary>Two 3×3 convolutions with batch normalization, the shape kept: a ResNet basic block.</summary>
    [Block]
    [Conv2D(4, 4, 3, Padding = 1)][BatchNorm2D(4)][Relu]
    [Conv2D(4, 4, 3, Padding = 1)][BatchNorm2D(4)]
    public sealed class BasicBlock4 { }

    /// <summary>A basic block that halves the image and doubles the channels.</summary>
    [Block]
    [Conv2D(4, 8, 3, Stride = 2, Padding = 1)][BatchNorm2D(8)][Relu]
    [Conv2D(8, 8, 3, Padding = 1)][BatchNorm2D(8)]
    public sealed class DownBlock8 { }

    /// <summary>The projection of <see cref="DownBlock8"/>'s shortcut: a 1×1 convolution with stride 2 and batch normalization.</summary>
    [Block]
    [Conv2D(4, 8, 1, Stride = 2)][BatchNorm2D(8)]
    public sealed class Projection8 { }

    /// <summary>A small ResNet in double: a stem, an identity residual, a projected one, global average pooling.</summary>
    [Network(Precision = Precision.Double)]
    [Input(2, 6, 6)]
    [Conv2D(2, 4, 3, Padding = 1)][BatchNorm2D(4)][Relu]
    [Residual(typeof(BasicBlock4))][Relu]
    [Residual(typeof(DownBlock8), Shortcut = typeof(Projection8))][Relu]
    [GlobalAvgPool2D]
    [Dense(8, 3)][Softmax]
    public partial class TinyResNet { }

    /// <summary><see cref="TinyResNet"/> in float.</summary>
    [Network]
    [Input(2, 6, 6)]
    [Conv2D(2, 4, 3, Padding = 1)][BatchNorm2D(4)][Relu]
    [Residual(typeof(BasicBlock4))][Relu]
    [Residual(typeof(DownBlock8), Shortcut = typeof(Projection8))][Relu]
    [GlobalAvgPool2D]
    [Dense(8, 3)][Softmax]
    public partial class TinyResNetFloat { }

    /// <summary>A block that starts with a residual of its own: the value before it is read by three layers.</summary>
    [Block]
    [Residual(typeof(DenseBlock))][Tanh]
    [Dense(6, 6)]
    public sealed class NestedBlock { }

    /// <summary>Residuals inside residuals, and a block used twice (each use with its own parameters).</summary>
    [Network(Precision = Precision.Double)]
    [Dense(5, 6)][Sigmoid]
    [Residual(typeof(NestedBlock))]
    [Residual(typeof(DenseBlock))][Relu]
    [Dense(6, 2)][Identity]
    public partial class NestedResidual { }

    /// <summary>Batch normalization of a Dense layer's features, then layer normalization, a regression head.</summary>
    [Network(Precision = Precision.Double)]
    [Dense(5, 8)][BatchNorm1D(8)][Tanh]
    [Dense(8, 6)][LayerNorm(6)][Relu]
    [Dense(6, 2)][Identity]
    public partial class Norms1D { }

    /// <summary>Layer normalization alone (no coupling): batch 1 trains.</summary>
    [Network(Precision = Precision.Double)]
    [Dense(5, 7)][LayerNorm(7)][Tanh]
    [Dense(7, 3)][LayerNorm(3, Epsilon = 0.001)]
    [Dense(3, 3)][Softmax]
    public partial class LayerNormNet { }

    /// <summary>Average pooling, overlapping and not, and an activation after a pool (a layer of its own).</summary>
    [Network(Precision = Precision.Double)]
    [Input(2, 7, 7)]
    [Conv2D(2, 3, 3, Padding = 1)][Tanh]
    [AvgPool2D(3, Stride = 2)]
    [MaxPool2D(2, Stride = 1)][Relu]
    [AvgPool2D(2)]
    [Flatten]
    [Dense(3, 4)][Sigmoid]
    public partial class Pools { }

    /// <summary>Batch normalization straight on the input, with non-default ε and momentum.</summary>
    [Network(Precision = Precision.Double)]
    [Input(3, 4, 4)]
    [BatchNorm2D(3, Epsilon = 0.001, Momentum = 0.3)]
    [Conv2D(3, 2, 2, Stride = 2)][Relu]
    [Flatten]
    [Dense(8, 3)][Softmax]
    public partial class InputNorm { }

    /// <summary><see cref="TinyResNet"/> without its batch normalizations: the baseline of the batch-normalization cost.</summary>
    [Network(Precision = Precision.Double)]
    [Input(2, 6, 6)]
    [Conv2D(2, 4, 3, Padding = 1)][Relu]
    [Residual(typeof(BasicBlock4))][Relu]
    [Flatten]
    [Dense(144, 3)][Softmax]
    public partial class ResidualFlat { }
}

namespace NetGen.Tests.Graph
{
    /// <summary><see cref="BasicBlock4"/> without biases before its normalizations, as ResNets write it.</summary>
    [Block]
    [Conv2D(4, 4, 3, Padding = 1, Bias = false)][BatchNorm2D(4)][Relu]
    [Conv2D(4, 4, 3, Padding = 1, Bias = false)][BatchNorm2D(4)]
    public sealed class PlainBlock4 { }

    /// <summary><see cref="DownBlock8"/> without biases.</summary>
    [Block]
    [Conv2D(4, 8, 3, Stride = 2, Padding = 1, Bias = false)][BatchNorm2D(8)][Relu]
    [Conv2D(8, 8, 3, Padding = 1, Bias = false)][BatchNorm2D(8)]
    public sealed class PlainDown8 { }

    /// <summary><see cref="Projection8"/> without a bias.</summary>
    [Block]
    [Conv2D(4, 8, 1, Stride = 2, Bias = false)][BatchNorm2D(8)]
    public sealed class PlainProjection8 { }

    /// <summary>
    /// <see cref="TinyResNet"/> as ResNets write it (no bias before a batch normalization), trained with AdamW: weight decay on
    /// the parameters, never on the running statistics. (A bias before a normalization has a zero gradient, whose rounding
    /// noise Adam's step would scale up to a trajectory of noise.)
    /// </summary>
    [Network(Precision = Precision.Double, Optimizer = Optimizer.AdamW)]
    [Input(2, 6, 6)]
    [Conv2D(2, 4, 3, Padding = 1, Bias = false)][BatchNorm2D(4)][Relu]
    [Residual(typeof(PlainBlock4))][Relu]
    [Residual(typeof(PlainDown8), Shortcut = typeof(PlainProjection8))][Relu]
    [GlobalAvgPool2D]
    [Dense(8, 3)][Softmax]
    public partial class TinyResNetAdamW { }

    /// <summary>Batch normalization after an activation (a layer of its own), layer normalization, trained with AdamW.</summary>
    [Network(Precision = Precision.Double, Optimizer = Optimizer.AdamW)]
    [Dense(5, 8)][Tanh][BatchNorm1D(8)]
    [Dense(8, 6)][LayerNorm(6)][Relu]
    [Dense(6, 2)][Identity]
    public partial class Norms1DAdamW { }

    /// <summary>GELU after a Dense layer and SiLU after a residual's sum: layers of their own, whose f′ is read from their input.</summary>
    [Network(Precision = Precision.Double)]
    [Dense(5, 6)][Gelu]
    [Residual(typeof(DenseBlock))][Silu]
    [Dense(6, 3)][Softmax]
    public partial class SmoothNet { }

    /// <summary>GELU after a convolution, before a pool.</summary>
    [Network(Precision = Precision.Double)]
    [Input(2, 6, 6)]
    [Conv2D(2, 3, 3, Padding = 1)][Gelu]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(27, 3)][Softmax]
    public partial class SmoothConv { }

    /// <summary>SiLU at every step of a sequence, between two recurrent layers; GELU between two Dense layers after them.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 3)]
    [Lstm(2, 4, ReturnSequences = true)][Silu]
    [Lstm(4, 4)]
    [Dense(4, 3)][Gelu]
    [Dense(3, 2)][Identity]
    public partial class SmoothSequence { }
}
