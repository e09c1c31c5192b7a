using System;
using NetGen;

namespace NetGen.Tests
{
    /// <summary>What the tests need of a generated double-precision network; generated members implement it implicitly.</summary>
    public interface IDoubleNet
    {
        Span<double> Parameters { get; }

        double Gradient(ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels, Span<double> gradient);

        double Train(ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels, double learningRate);

        double Train(ReadOnlySpan<double> input, int label, double learningRate);

        double Loss(ReadOnlySpan<double> input, int label);

        void Predict(ReadOnlySpan<double> input, Span<double> output);

        void PredictBatch(ReadOnlySpan<double> inputs, Span<double> outputs);

        int Classify(ReadOnlySpan<double> input);

        void InitializeParameters(int seed);
    }

    /// <summary>The same for single precision.</summary>
    public interface IFloatNet
    {
        Span<float> Parameters { get; }

        float Gradient(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradient);

        float Train(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, float learningRate);

        float Train(ReadOnlySpan<float> input, int label, float learningRate);

        float Loss(ReadOnlySpan<float> input, int label);

        void Predict(ReadOnlySpan<float> input, Span<float> output);

        void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

        int Classify(ReadOnlySpan<float> input);

        void InitializeParameters(int seed);
    }

    // The lecture's network.
    [Network]
    [Dense(784, 128)][Relu]
    [Dense(128, 64)][Relu]
    [Dense(64, 10)][Softmax]
    public partial class MnistNet : IFloatNet { }

    // Depth 1: a linear softmax classifier.
    [Network(Precision = Precision.Double)]
    [Dense(4, 3)][Softmax]
    public partial class Linear4x3 : IDoubleNet { }

    // Depth 2, ReLU.
    [Network(Precision = Precision.Double)]
    [Dense(5, 7)][Relu]
    [Dense(7, 3)][Softmax]
    public partial class Relu5x7x3 : IDoubleNet { }

    // Depth 3, width 33, tanh and sigmoid.
    [Network(Precision = Precision.Double)]
    [Dense(6, 33)][Tanh]
    [Dense(33, 9)][Sigmoid]
    [Dense(9, 4)][Softmax]
    public partial class TanhSigmoid : IDoubleNet { }

    // Depth 4, width 1 and 17, both LeakyReLU forms.
    [Network(Precision = Precision.Double)]
    [Dense(3, 1)][LeakyRelu(0.2)]
    [Dense(1, 8)][LeakyRelu]
    [Dense(8, 17)][Sigmoid]
    [Dense(17, 2)][Softmax]
    public partial class Deep4 : IDoubleNet { }

    // Every activation, including one on the logits.
    [Network(Precision = Precision.Double)]
    [Dense(17, 33)][Relu]
    [Dense(33, 9)][Tanh]
    [Dense(9, 5)][LeakyRelu(0.1)]
    [Dense(5, 3)][Sigmoid][Softmax]
    public partial class EveryActivation : IDoubleNet { }

    // The MNIST topology in double precision (for the reference comparison at full size).
    [Network(Precision = Precision.Double)]
    [Dense(784, 128)][Relu]
    [Dense(128, 64)][Relu]
    [Dense(64, 10)][Softmax]
    public partial class MnistNetDouble : IDoubleNet { }

    // Odd sizes in single precision: every kernel tail path.
    [Network]
    [Dense(17, 33)][Tanh]
    [Dense(33, 9)][Softmax]
    public partial class Odd17x33x9 : IFloatNet { }

    // A layer wide enough that the kernels loop over groups of columns instead of writing each out (the bias
    // gradient's column sums among them): 700 doubles are 87 Vector512s, 175 Vector256s or 350 Vector128s, plus 4.
    [Network(Precision = Precision.Double)]
    [Dense(3, 700)][Tanh]
    [Dense(700, 3)][Softmax]
    public partial class Wide3x700x3 : IDoubleNet { }

    // Two spirals.
    [Network]
    [Dense(2, 32)][Tanh]
    [Dense(32, 32)][Tanh]
    [Dense(32, 2)][Softmax]
    public partial class SpiralNet : IFloatNet { }

    /// <summary>Activation kinds for the reference implementation.</summary>
    public enum Act
    {
        Identity,
        Relu,
        LeakyRelu,
        Sigmoid,
        Tanh,
    }

    /// <summary>A layer description for the reference implementation.</summary>
    public readonly record struct Layer(int Inputs, int Outputs, Act Activation, double Slope = 0.01);

    /// <summary>The topologies of the networks above, written independently of the generator.</summary>
    public static class Topologies
    {
        public static readonly Layer[] Mnist = { new(784, 128, Act.Relu), new(128, 64, Act.Relu), new(64, 10, Act.Identity) };
        public static readonly Layer[] Linear4x3 = { new(4, 3, Act.Identity) };
        public static readonly Layer[] Wide3x700x3 = { new(3, 700, Act.Tanh), new(700, 3, Act.Identity) };
        public static readonly Layer[] Relu5x7x3 = { new(5, 7, Act.Relu), new(7, 3, Act.Identity) };
        public static readonly Layer[] TanhSigmoid = { new(6, 33, Act.Tanh), new(33, 9, Act.Sigmoid), new(9, 4, Act.Identity) };
        public static readonly Layer[] Deep4 = { new(3, 1, Act.LeakyRelu, 0.2), new(1, 8, Act.LeakyRelu, 0.01), new(8, 17, Act.Sigmoid), new(17, 2, Act.Identity) };
        public static readonly Layer[] EveryActivation = { new(17, 33, Act.Relu), new(33, 9, Act.Tanh), new(9, 5, Act.LeakyRelu, 0.1), new(5, 3, Act.Sigmoid) };
        public static readonly Layer[] Odd17x33x9 = { new(17, 33, Act.Tanh), new(33, 9, Act.Identity) };
    }
}
