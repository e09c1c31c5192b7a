using NetGen;

namespace NetGen.Samples.MnistCnn
{
    /// <summary>
    /// LeNet-5 (LeCun et al. 1998) with ReLU and max pooling: two 5×5 convolutions, each followed by 2×2 pooling, then
    /// three Dense layers with dropout after the first. An example is the 1 × 28 × 28 image, so the MNIST dataset's 784
    /// pixels feed it unchanged.
    /// </summary>
    [Network(Optimizer = Optimizer.Adam)]
    [Input(1, 28, 28)]
    [Conv2D(1, 6, 5, Padding = 2)][Relu][MaxPool2D(2)]
    [Conv2D(6, 16, 5)][Relu][MaxPool2D(2)]
    [Flatten]
    [Dense(400, 120)][Relu][Dropout(0.5)]
    [Dense(120, 84)][Relu]
    [Dense(84, 10)][Softmax]
    public partial class LeNet5
    {
        /// <summary>One line describing the topology, for the first line of the output.</summary>
        public static string Topology =>
            $"LeNet5: 1×28×28 → conv 6@5×5 → pool → conv 16@5×5 → pool → 120 → 84 → {OutputSize} (softmax, cross-entropy), "
            + $"{ParameterCount:N0} parameters, Adam";
    }
}
