namespace NetGen.Tests
{
    /// <summary>Layer kinds of the reference sequence network.</summary>
    public enum SequenceKind
    {
        Rnn,
        Lstm,
        Gru,
        Dense,
    }

    /// <summary>Output heads: Softmax (cross-entropy on integer labels), Sigmoid (BCE with logits), Identity (MSE).</summary>
    public enum SequenceHead
    {
        Softmax,
        Sigmoid,
        Identity,
    }

    /// <summary>One layer of a <see cref="ReferenceSequenceNet"/>; for a recurrent kind <see cref="Outputs"/> is the hidden size.</summary>
    public sealed record SequenceLayer(SequenceKind Kind, int Inputs, int Outputs, bool ReturnSequences = false, Act Activation = Act.Identity, double Slope = 0.01)
    {
        public static SequenceLayer Rnn(int inputs, int hidden, bool returnSequences = false) => new(SequenceKind.Rnn, inputs, hidden, returnSequences);

        public static SequenceLayer Lstm(int inputs, int hidden, bool returnSequences = false) => new(SequenceKind.Lstm, inputs, hidden, returnSequences);

        public static SequenceLayer Gru(int inputs, int hidden, bool returnSequences = false) => new(SequenceKind.Gru, inputs, hidden, returnSequences);

        public static SequenceLayer Dense(int inputs, int outputs, Act activation = Act.Identity, double slope = 0.01) =>
            new(SequenceKind.Dense, inputs, outputs, false, activation, slope);

        public bool IsRecurrent => Kind != SequenceKind.Dense;

        /// <summary>G: 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n), 1 for RNN, 0 for Dense.</summary>
        public int Gates => Kind switch
        {
            SequenceKind.Lstm => 4,
            SequenceKind.Gru => 3,
            SequenceKind.Rnn => 1,
            _ => 0,
        };

        public int ParameterCount => IsRecurrent
            ? Gates * Outputs * (Inputs + Outputs + 2)
            : (Outputs * Inputs) + Outputs;
    }

    /// <summary>A parameter tensor: its PyTorch state_dict name, shape, and place in the flat parameter vector.</summary>
    public sealed record SequenceTensor(string Name, int[] Shape, int Offset, int Count);
}
