namespace NetGen.Generator.Model
{
    /// <summary>Gated recurrent unit (PyTorch nn.GRU: gates r, z, n).</summary>
    internal sealed record GruModel(int Inputs, int Hidden, bool ReturnSequences) : RecurrentModel(Inputs, Hidden, ReturnSequences)
    {
        public override string Kind => "Gru";

        public override int Gates => 3;
    }
}
