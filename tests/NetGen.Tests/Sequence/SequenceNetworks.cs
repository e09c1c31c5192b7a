namespace NetGen.Tests.Sequence
{
    /// <summary>A sequence without recurrence: Dense, GELU and LayerNorm per step, an output per step.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 4)]
    [Dense(3, 5)][Gelu]
    [LayerNorm(5)]
    [Dense(5, 2)][Identity]
    public partial class PerStepDense { }

    /// <summary>A label per step without recurrence: SiLU at every step, softmax over each step's outputs.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 5)]
    [Dense(4, 6)][Silu]
    [Dense(6, 3)][Softmax]
    public partial class PerStepClassifier { }

    /// <summary>Dropout at every step of a sequence without recurrence.</summary>
    [Network(SequenceLength = 6)]
    [Dense(3, 16)][Relu][Dropout(0.5)]
    [Dense(16, 2)][Softmax]
    public partial class PerStepDropout { }

    /// <summary><see cref="PerStepDropout"/> without its dropout: the same evaluation-mode function.</summary>
    [Network(SequenceLength = 6)]
    [Dense(3, 16)][Relu]
    [Dense(16, 2)][Softmax]
    public partial class PerStepNoDropout { }

    /// <summary>The mean over the steps: a sequence without recurrence to one label per example.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 4)]
    [Dense(3, 5)][Tanh]
    [GlobalAvgPool1D]
    [Dense(5, 2)][Softmax]
    public partial class MeanPooled { }

    /// <summary>The mean of an LSTM's hidden states over the steps.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 3)]
    [Lstm(2, 4, ReturnSequences = true)]
    [GlobalAvgPool1D]
    [Dense(4, 3)][Softmax]
    public partial class LstmMeanPooled { }
}
