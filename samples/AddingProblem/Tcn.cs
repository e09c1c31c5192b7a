using NetGen;

namespace NetGen.Samples.AddingProblem
{
    /// <summary>
    /// A temporal convolutional network (Bai, Kolter and Koltun, 2018) for the adding problem at T = 600: a 1×1 convolution
    /// to 12 channels, seven residual blocks of one causal convolution (kernel 8, dilations 1, 2, 4, …, 64: a receptive field
    /// of 1 + 7·127 = 890 steps, more than the sequence), and a Dense layer reading the last step. 8,197 parameters.
    /// Every layer is causal, so the network streams: <c>Step</c> reads one step and gives the sum so far.
    /// </summary>
    [Network(SequenceLength = 600, Optimizer = Optimizer.Adam)]
    [Conv1D(2, 12, 1)][Relu]
    [Residual(typeof(Dilated1))][Relu]
    [Residual(typeof(Dilated2))][Relu]
    [Residual(typeof(Dilated4))][Relu]
    [Residual(typeof(Dilated8))][Relu]
    [Residual(typeof(Dilated16))][Relu]
    [Residual(typeof(Dilated32))][Relu]
    [Residual(typeof(Dilated64))][Relu]
    [LastStep]
    [Dense(12, 1)][Identity]
    public partial class Tcn
    {
    }

    /// <summary>A TCN block: a causal convolution of 12 channels with kernel 8 and dilation 1, ReLU.</summary>
    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 1)][Relu]
    public sealed class Dilated1 { }

    /// <summary>Dilation 2.</summary>
    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 2)][Relu]
    public sealed class Dilated2 { }

    /// <summary>Dilation 4.</summary>
    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 4)][Relu]
    public sealed class Dilated4 { }

    /// <summary>Dilation 8.</summary>
    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 8)][Relu]
    public sealed class Dilated8 { }

    /// <summary>Dilation 16.</summary>
    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 16)][Relu]
    public sealed class Dilated16 { }

    /// <summary>Dilation 32.</summary>
    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 32)][Relu]
    public sealed class Dilated32 { }

    /// <summary>Dilation 64.</summary>
    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 64)][Relu]
    public sealed class Dilated64 { }
}
