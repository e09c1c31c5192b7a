namespace NetGen.Generator.Model
{
    /// <summary>
    /// A recurrent layer over the network's fixed sequence length: <paramref name="Inputs"/> values per time step in,
    /// <paramref name="Hidden"/> units of state. With <paramref name="ReturnSequences"/> it outputs h_t for every step
    /// (the layers after it run per step), otherwise only the last h_T.
    /// </summary>
    internal abstract record RecurrentModel(int Inputs, int Hidden, bool ReturnSequences) : LayerModel
    {
        /// <summary>Gates G: the rows of W_ih and W_hh are G blocks of Hidden (4 for LSTM, 3 for GRU, 1 for RNN).</summary>
        public abstract int Gates { get; }

        public override int InputsPerRow => Inputs;

        public override int OutputsPerRow => Hidden;

        public override long ParameterCount => (long)Gates * Hidden * (Inputs + Hidden + 2);

        /// <summary>Per example: the step records of all T steps, whatever rows it returns.</summary>
        public override long StoredValues(int sequenceLength) => (long)(Gates + 2) * Hidden * System.Math.Max(1, sequenceLength);

        public override long StoredPerExample(int sequenceLength, int rows) => StoredValues(sequenceLength);

        /// <summary>T rows with ReturnSequences, else the last step's h_T.</summary>
        public override int OutputRows(int inputRows) => ReturnSequences ? inputRows : 1;

        public override bool ReadsSequence => true;

        public override StreamRole Streaming => StreamRole.Stateful;

        public override bool Recurrent => true;
    }
}
