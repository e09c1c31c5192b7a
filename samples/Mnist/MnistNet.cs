using NetGen;

namespace NetGen.Samples.Mnist
{
    /// <summary>The lecture's network: 784 → 128 (ReLU) → 64 (ReLU) → 10 (softmax, cross-entropy), plain SGD.</summary>
    [Network]
    [Dense(784, 128)][Relu]
    [Dense(128, 64)][Relu]
    [Dense(64, 10)][Softmax]
    public partial class MnistNet
    {
        /// <summary>One line describing the topology, for the first line of the output.</summary>
        public static string Topology =>
            $"MnistNet: {InputSize} → 128 (ReLU) → 64 (ReLU) → {OutputSize} (softmax, cross-entropy), "
            + $"{ParameterCount:N0} parameters, SGD";
    }
}
