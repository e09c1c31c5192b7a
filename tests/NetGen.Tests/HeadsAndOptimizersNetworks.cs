using System;
using NetGen;

namespace NetGen.Tests
{
    /// <summary>A double-precision network with float targets (sigmoid and identity heads).</summary>
    public interface IDoubleTargetNet
    {
        Span<double> Parameters { get; }

        double Gradient(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, Span<double> gradient);

        double Loss(ReadOnlySpan<double> input, ReadOnlySpan<double> target);

        void Predict(ReadOnlySpan<double> input, Span<double> output);

        void PredictBatch(ReadOnlySpan<double> inputs, Span<double> outputs);

        void InitializeParameters(int seed);
    }

    // Multi-label: binary cross-entropy on independent sigmoid outputs.
    [Network(Precision = Precision.Double)]
    [Dense(5, 8)][Relu]
    [Dense(8, 4)][Sigmoid]
    public partial class MultiLabel : IDoubleTargetNet { }

    // Regression with an activation on the output and the explicit identity head.
    [Network(Precision = Precision.Double)]
    [Dense(3, 6)][Tanh]
    [Dense(6, 2)][Tanh][Identity]
    public partial class Regression : IDoubleTargetNet { }

    // Regression fitting a smooth function, single precision.
    [Network]
    [Dense(1, 32)][Tanh]
    [Dense(32, 32)][Tanh]
    [Dense(32, 1)][Identity]
    public partial class SineNet { }

    // One topology, every optimizer.
    [Network(Precision = Precision.Double, Optimizer = Optimizer.Sgd)]
    [Dense(4, 6)][Tanh][Dense(6, 3)][Softmax]
    public partial class OptSgd { }

    [Network(Precision = Precision.Double, Optimizer = Optimizer.Momentum)]
    [Dense(4, 6)][Tanh][Dense(6, 3)][Softmax]
    public partial class OptMomentum { }

    [Network(Precision = Precision.Double, Optimizer = Optimizer.Nesterov)]
    [Dense(4, 6)][Tanh][Dense(6, 3)][Softmax]
    public partial class OptNesterov { }

    [Network(Precision = Precision.Double, Optimizer = Optimizer.Adam)]
    [Dense(4, 6)][Tanh][Dense(6, 3)][Softmax]
    public partial class OptAdam { }

    [Network(Precision = Precision.Double, Optimizer = Optimizer.AdamW)]
    [Dense(4, 6)][Tanh][Dense(6, 3)][Softmax]
    public partial class OptAdamW { }

    [Network(Optimizer = Optimizer.Adam)]
    [Dense(784, 128)][Relu]
    [Dense(128, 64)][Relu]
    [Dense(64, 10)][Softmax]
    public partial class MnistAdam { }
}
