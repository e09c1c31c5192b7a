namespace NetGen.Tests.Convolution
{
    /// <summary>LeNet-5 as the issue writes it (float): two convolutions with pooling, then three Dense layers.</summary>
    [Network]
    [Input(1, 28, 28)]
    [Conv2D(1, 6, 5, Padding = 2)][Relu][MaxPool2D(2)]
    [Conv2D(6, 16, 5)][Relu][MaxPool2D(2)]
    [Flatten]
    [Dense(400, 120)][Relu][Dropout(0.5)]
    [Dense(120, 84)][Relu]
    [Dense(84, 10)][Softmax]
    public partial class LeNet5 { }

    /// <summary>LeNet-5 in double precision without dropout, for the gradient checks against autograd.</summary>
    [Network(Precision = Precision.Double)]
    [Input(1, 28, 28)]
    [Conv2D(1, 6, 5, Padding = 2)][Relu][MaxPool2D(2)]
    [Conv2D(6, 16, 5)][Relu][MaxPool2D(2)]
    [Flatten]
    [Dense(400, 120)][Relu]
    [Dense(120, 84)][Relu]
    [Dense(84, 10)][Softmax]
    public partial class LeNet5Double { }

    /// <summary>Odd sizes, two input channels, padding, an overlapping pool (stride 1) and a stride-2 convolution.</summary>
    [Network(Precision = Precision.Double)]
    [Input(2, 7, 9)]
    [Conv2D(2, 3, 3, Padding = 1)][Tanh]
    [MaxPool2D(2, Stride = 1)]
    [Conv2D(3, 4, 2, Stride = 2)][Relu]
    [Flatten]
    [Dense(48, 5)][Softmax]
    public partial class ConvOdd { }

    /// <summary>Stride 2 with padding and a LeakyReLU, then a multi-label sigmoid head.</summary>
    [Network(Precision = Precision.Double)]
    [Input(1, 9, 9)]
    [Conv2D(1, 5, 3, Stride = 2, Padding = 1)][LeakyRelu(0.1)]
    [Flatten]
    [Dense(125, 4)]
    [Sigmoid]
    public partial class ConvStride { }

    /// <summary>Two convolutions to a 1×1 image, three input channels, a regression head.</summary>
    [Network(Precision = Precision.Double)]
    [Input(3, 5, 5)]
    [Conv2D(3, 9, 3)][Sigmoid]
    [Conv2D(9, 2, 3)]
    [Flatten]
    [Dense(2, 1)]
    [Identity]
    public partial class ConvRegression { }

    /// <summary>Image layers first: a pool reading the input, then [Flatten]; and dropout after a Dense layer.</summary>
    [Network(Precision = Precision.Double)]
    [Input(2, 4, 6)]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(12, 8)][Relu][Dropout(0.5)]
    [Dense(8, 3)][Softmax]
    public partial class PoolFirst { }

    /// <summary>A convolution, dropout on the image, and dropout on a Dense layer's output.</summary>
    [Network(Precision = Precision.Double)]
    [Input(1, 6, 6)]
    [Conv2D(1, 4, 3)][Relu][Dropout(0.25)]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(16, 8)][Relu][Dropout(0.5)]
    [Dense(8, 3)][Softmax]
    public partial class ConvDropout { }

    /// <summary><see cref="ConvDropout"/> with p = 0: equal to <see cref="ConvNoDropout"/>.</summary>
    [Network(Precision = Precision.Double)]
    [Input(1, 6, 6)]
    [Conv2D(1, 4, 3)][Relu][Dropout(0.0)]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(16, 8)][Relu][Dropout(0.0)]
    [Dense(8, 3)][Softmax]
    public partial class ConvDropoutZero { }

    /// <summary><see cref="ConvDropoutZero"/> without the dropout layers.</summary>
    [Network(Precision = Precision.Double)]
    [Input(1, 6, 6)]
    [Conv2D(1, 4, 3)][Relu]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(16, 8)][Relu]
    [Dense(8, 3)][Softmax]
    public partial class ConvNoDropout { }
}
