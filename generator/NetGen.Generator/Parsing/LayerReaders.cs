using System;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>The readers of the vector layers: [Dense] and the recurrent layers ([Rnn], [Lstm], [Gru]).</summary>
    internal static class LayerReaders
    {
        public static LayerModel Dense(LayerReading r)
        {
            int inputs = r.Int(0);
            int outputs = r.Int(1);
            r.Positive(0, "inputs");
            r.OutputKnown = r.Positive(1, "outputs");
            r.ExpectVector(inputs);
            return new DenseModel(inputs, outputs);
        }

        public static LayerModel Recurrent(LayerReading r, Func<int, int, bool, RecurrentModel> create)
        {
            int inputs = r.Int(0);
            int hidden = r.Int(1);
            r.Positive(0, "inputs");
            r.OutputKnown = r.Positive(1, "hidden");
            r.ExpectVector(inputs);
            return create(inputs, hidden, r.NamedBool("ReturnSequences"));
        }
    }
}
