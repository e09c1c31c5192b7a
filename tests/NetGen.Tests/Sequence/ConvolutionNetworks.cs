namespace NetGen.Tests.Sequence
{
    /// <summary>Two convolutions that shorten the sequence (9 → 7 → 7 steps, dilation and padding), then a Dense per step.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 9)]
    [Conv1D(3, 4, 3)][Relu]
    [Conv1D(4, 5, 2, Dilation = 2, Padding = 1)][Tanh]
    [Dense(5, 2)][Identity]
    public partial class ConvSequence { }

    /// <summary>Dilated causal convolutions, GELU, the mean over the steps and a classifier.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 8)]
    [Conv1D(2, 6, 3, Causal = true, Dilation = 2)][Relu]
    [Conv1D(6, 6, 2, Causal = true, Dilation = 4)][Gelu]
    [GlobalAvgPool1D]
    [Dense(6, 3)][Softmax]
    public partial class CausalConvClassifier { }

    /// <summary>Causal layers only, an output per step: it streams, one step per call.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 10)]
    [Conv1D(2, 5, 3, Causal = true)][Tanh]
    [Conv1D(5, 4, 2, Causal = true, Dilation = 3)][Relu]
    [Dense(4, 3)][Softmax]
    public partial class CausalStream { }

    /// <summary><see cref="CausalStream"/> in float.</summary>
    [Network(SequenceLength = 10)]
    [Conv1D(2, 5, 3, Causal = true)][Tanh]
    [Conv1D(5, 4, 2, Causal = true, Dilation = 3)][Relu]
    [Dense(4, 3)][Softmax]
    public partial class CausalStreamFloat { }

    /// <summary>A TCN block: two dilated causal convolutions, ReLU between them.</summary>
    [Block]
    [Conv1D(4, 4, 3, Causal = true, Dilation = 2)][Relu]
    [Conv1D(4, 4, 3, Causal = true, Dilation = 2)]
    public sealed class TcnBlock4 { }

    /// <summary>A temporal convolutional network: a 1×1 convolution, a residual TCN block, a regression per step; AdamW.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 12, Optimizer = Optimizer.AdamW)]
    [Conv1D(2, 4, 1)][Relu]
    [Residual(typeof(TcnBlock4))][Relu]
    [Dense(4, 1)][Identity]
    public partial class ResidualTcn { }

    /// <summary>A TCN that reads its prediction off the last step, as Bai et al.'s does: one output per example, and it streams.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 10)]
    [Conv1D(2, 4, 3, Causal = true)][Tanh]
    [Residual(typeof(TcnBlock4))][Relu]
    [LastStep]
    [Dense(4, 1)][Identity]
    public partial class LastStepTcn { }

    /// <summary>An LSTM's hidden states, then the last of them: the same function as <see cref="LstmLastOnly"/>.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 6)]
    [Lstm(3, 5, ReturnSequences = true)]
    [LastStep]
    [Dense(5, 2)][Softmax]
    public partial class LstmThenLast { }

    /// <summary>An LSTM that returns its last hidden state only.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 6)]
    [Lstm(3, 5)]
    [Dense(5, 2)][Softmax]
    public partial class LstmLastOnly { }
}
