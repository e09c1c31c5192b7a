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
