using NetGen;

namespace NetGen.Tests.Recurrent
{
    // Small recurrent networks in double precision for the gradient checks, one per kind and shape.

    [Network(Precision = Precision.Double, SequenceLength = 4)]
    [Lstm(3, 5)]
    [Dense(5, 3)][Softmax]
    public partial class LstmToOne { }

    [Network(Precision = Precision.Double, SequenceLength = 4)]
    [Gru(3, 5)]
    [Dense(5, 3)][Softmax]
    public partial class GruToOne { }

    [Network(Precision = Precision.Double, SequenceLength = 5)]
    [Rnn(3, 5)]
    [Dense(5, 4)][Tanh]
    [Dense(4, 3)][Softmax]
    public partial class RnnToOne { }

    [Network(Precision = Precision.Double, SequenceLength = 4)]
    [Lstm(2, 4, ReturnSequences = true)]
    [Dense(4, 3)][Softmax]
    public partial class LstmToMany { }

    [Network(Precision = Precision.Double, SequenceLength = 3)]
    [Lstm(3, 4, ReturnSequences = true)]
    [Gru(4, 5)]
    [Dense(5, 2)][Identity]
    public partial class StackedRegression { }

    [Network(Precision = Precision.Double, SequenceLength = 9)]
    [Rnn(2, 3, ReturnSequences = true)]
    [Gru(3, 4, ReturnSequences = true)]
    [Dense(4, 2)][Sigmoid]
    public partial class StackedMultiLabel { }

    // Float networks: the streaming sample's shape and row-MNIST's.

    [Network(SequenceLength = 16)]
    [Lstm(1, 32)]
    [Dense(32, 1)][Identity]
    public partial class StreamingLstm { }

    [Network(SequenceLength = 28)]
    [Gru(28, 16)]
    [Dense(16, 10)][Softmax]
    public partial class RowGru { }

    // An LSTM whose step computes both parts in one pass of sixteen-row sums (inputs and hidden of at least 16 floats),
    // with the rest of each 20-input row as a masked vector.
    [Network(SequenceLength = 9)]
    [Lstm(20, 32)]
    [Dense(32, 10)][Softmax]
    public partial class WideLstm { }
}
