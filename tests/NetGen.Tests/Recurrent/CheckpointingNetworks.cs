using NetGen;

namespace NetGen.Tests.Recurrent
{
    // Pairs of networks that differ only in Checkpointing: their gradients must be bit-identical.

    [Network(SequenceLength = 28)]
    [Lstm(5, 16)]
    [Dense(16, 4)][Softmax]
    public partial class LstmFull { }

    [Network(SequenceLength = 28, Checkpointing = true)]
    [Lstm(5, 16)]
    [Dense(16, 4)][Softmax]
    public partial class LstmCheckpointed { }

    [Network(SequenceLength = 10, Precision = Precision.Double)]
    [Gru(3, 6, ReturnSequences = true)]
    [Rnn(6, 5, ReturnSequences = true)]
    [Dense(5, 2)][Identity]
    public partial class StackedFull { }

    [Network(SequenceLength = 10, Precision = Precision.Double, Checkpointing = true)]
    [Gru(3, 6, ReturnSequences = true)]
    [Rnn(6, 5, ReturnSequences = true)]
    [Dense(5, 2)][Identity]
    public partial class StackedCheckpointed { }

    [Network(SequenceLength = 1, Checkpointing = true)]
    [Gru(2, 3)]
    [Dense(3, 2)][Softmax]
    public partial class OneStepCheckpointed { }

    [Network(SequenceLength = 1)]
    [Gru(2, 3)]
    [Dense(3, 2)][Softmax]
    public partial class OneStepFull { }
}
