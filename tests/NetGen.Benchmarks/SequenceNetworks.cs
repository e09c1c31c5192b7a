using NetGen;

namespace NetGen.Benchmarks
{
    /// <summary>Row-MNIST with an LSTM: each image read as 28 steps of 28 pixels (the recurrent comparison's first net).</summary>
    [Network(SequenceLength = 28)]
    [Lstm(28, 128)]
    [Dense(128, 10)][Softmax]
    public partial class RowLstm { }

    /// <summary>Row-MNIST with an LSTM and gradient checkpointing: the memory and time of recomputing the segments.</summary>
    [Network(SequenceLength = 28, Checkpointing = true)]
    [Lstm(28, 128)]
    [Dense(128, 10)][Softmax]
    public partial class RowLstmCheckpointed { }

    /// <summary>Row-MNIST with a GRU.</summary>
    [Network(SequenceLength = 28)]
    [Gru(28, 128)]
    [Dense(128, 10)][Softmax]
    public partial class RowGru { }

    /// <summary>The streaming case: LSTMCell(1, 32) and a Linear(32, 1), one sample per step.</summary>
    [Network(SequenceLength = 1)]
    [Lstm(1, 32)]
    [Dense(32, 1)][Identity]
    public partial class StreamLstm { }
}
