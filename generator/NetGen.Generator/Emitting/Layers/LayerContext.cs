using System.Collections.Generic;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Where a layer sits in the generated network, decided by <see cref="NetworkPlan"/>: its index (the Layer{l}… names),
    /// its offsets in the parameters, the buffers, the counters and the activations, the layers it reads, its node and module, and the activation it
    /// computes in its own kernels (the identity when none is fused into it).
    /// </summary>
    internal sealed record LayerContext(
        int Index,
        int ParameterOffset,
        int BufferOffset,
        int CounterOffset,
        int ActivationOffset,
        IReadOnlyList<Layer?> Sources,
        NodeModel Node,
        NetworkModel Network,
        Activation Activation,
        string? ActivationModule)
    {
        public string Module => Node.Module;
    }

    /// <summary>
    /// One module of the PyTorch twin: its path in the nn.Sequential ("2", "3.body.0") and the Python that constructs it. A
    /// module with <see cref="Children"/> (a residual's "body" and "shortcut") is its constructor called with an nn.Sequential
    /// of the modules under each child's path; <see cref="Helpers"/> are Python classes it needs, written once before the model.
    /// </summary>
    internal sealed record TorchModule(string Path, string Constructor)
    {
        public IReadOnlyList<string> Children { get; init; } = System.Array.Empty<string>();

        public IReadOnlyList<string> Helpers { get; init; } = System.Array.Empty<string>();
    }
}
