namespace NetGen.Generator.Model
{
    /// <summary>Elman recurrent layer with tanh (PyTorch nn.RNN).</summary>
    internal sealed record RnnModel(int Inputs, int Hidden, bool ReturnSequences) : RecurrentModel(Inputs, Hidden, ReturnSequences)
    {
        public override string Kind => "Rnn";

        public override int Gates => 1;
    }
}
