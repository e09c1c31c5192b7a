namespace NetGen.Generator.Model
{
    /// <summary>
    /// One node of a network's graph of values: a layer, an activation or a residual sum, the values it reads and the
    /// PyTorch module it is. Nodes are listed in an order in which every node comes after the nodes it reads (source order,
    /// with blocks expanded), and each node produces one value, read by any number of nodes after it.
    /// </summary>
    /// <param name="Layer">What the node computes.</param>
    /// <param name="Inputs">The nodes whose values it reads, in order; −1 is the network's input.</param>
    /// <param name="Module">Its module in the PyTorch nn.Sequential of the same network, e.g. "0" or "3.body.1": the prefix of its tensors' names.</param>
    /// <param name="Rows">Rows of its value per example: 1, or the sequence length T for a value with one row per step.</param>
    internal sealed record NodeModel(LayerModel Layer, EquatableArray<int> Inputs, string Module, int Rows)
    {
        /// <summary>The network's input, as a node index in <see cref="Inputs"/>.</summary>
        public const int NetworkInput = -1;
    }
}
