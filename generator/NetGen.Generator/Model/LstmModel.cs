namespace NetGen.Generator.Model
{
    /// <summary>Long short-term memory (PyTorch nn.LSTM: gates i, f, g, o).</summary>
    internal sealed record LstmModel(int Inputs, int Hidden, bool ReturnSequences) : RecurrentModel(Inputs, Hidden, ReturnSequences)
    {
        public override string Kind => "Lstm";

        public override int Gates => 4;
    }
}
