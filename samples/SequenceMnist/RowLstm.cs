using NetGen;

namespace NetGen.Samples.SequenceMnist
{
    /// <summary>
    /// Row-by-row MNIST: an image is a sequence of its 28 rows, 28 pixels each, read by an LSTM of 128 units; the
    /// Dense layer classifies its last hidden state. The 784 pixels of an image in their usual order are exactly the
    /// row-major 28 × 28 sequence the network takes, so the MNIST dataset feeds it unchanged.
    /// </summary>
    [Network(SequenceLength = 28, Optimizer = Optimizer.Adam)]
    [Lstm(28, 128)]
    [Dense(128, 10)][Softmax]
    public partial class RowLstm
    {
        /// <summary>One line describing the topology, for the first line of the output.</summary>
        public static string Topology =>
            $"RowLstm: {SequenceLength} rows of 28 pixels → LSTM 128 → {OutputSize} (softmax, cross-entropy), "
            + $"{ParameterCount:N0} parameters, Adam";
    }
}
