namespace NetGen.Generator.Model
{
    /// <summary>Floating-point type of a generated network (mirrors NetGen.Precision).</summary>
    internal enum Precision
    {
        Single = 0,
        Double = 1,
    }

    /// <summary>Nonlinearity applied to a Dense layer's output.</summary>
    internal enum ActivationKind
    {
        Identity,
        Relu,
        LeakyRelu,
        Sigmoid,
        Tanh,
        Gelu,
        Silu,
    }

    internal static class ActivationKinds
    {
        /// <summary>
        /// Whether f′ needs the activation's input x rather than its output a = f(x) (GELU and SiLU are not invertible from
        /// a): such an activation is always a layer of its own, whose backward pass reads its input, never fused.
        /// </summary>
        public static bool DerivativeFromInput(this ActivationKind kind) => kind switch
        {
            ActivationKind.Identity or ActivationKind.Relu or ActivationKind.LeakyRelu or ActivationKind.Sigmoid or ActivationKind.Tanh => false,
            ActivationKind.Gelu or ActivationKind.Silu => true,
            _ => throw new System.ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
        };
    }

    /// <summary>Output head: what Predict returns and which loss Train minimizes.</summary>
    internal enum HeadKind
    {
        /// <summary>Softmax probabilities, cross-entropy on integer labels.</summary>
        Softmax,

        /// <summary>Independent sigmoid probabilities, binary cross-entropy on float targets (multi-label).</summary>
        Sigmoid,

        /// <summary>Outputs as they are, mean squared error on float targets (regression).</summary>
        Identity,
    }

    /// <summary>The optimizer applied by Train (mirrors NetGen.Optimizer).</summary>
    internal enum OptimizerKind
    {
        Sgd = 0,
        Momentum = 1,
        Nesterov = 2,
        Adam = 3,
        AdamW = 4,
    }

    /// <summary>
    /// Everything the emitter needs for one network, and nothing from Roslyn: strings, ints, enums and
    /// equatable arrays, so the incremental pipeline can compare it by value and skip re-emitting.
    /// </summary>
    /// <param name="Namespace">The containing namespace, or empty for the global namespace.</param>
    /// <param name="ContainingTypes">Declarations of enclosing types, outermost first, e.g. "partial class Outer".</param>
    /// <param name="ClassName">The network class's name.</param>
    /// <param name="HintName">A unique, file-name-safe name for the generated source.</param>
    /// <param name="SequenceLength">Time steps T of an example for networks with recurrent layers; 0 for none.</param>
    /// <param name="Weights">The compiled-in weights ([Network(Weights = "…")]) once validated against the topology, or null.</param>
    /// <param name="Checkpointing">Whether recurrent layers keep only every ⌈√T⌉-th step record and recompute the rest in the backward pass.</param>
    /// <param name="Nodes">The graph of values, in an order where every node follows the nodes it reads; the last is the output the head reads.</param>
    /// <param name="Streaming">Whether [Network(Streaming = true)] asks for Step (then every layer streams: the parser checked it).</param>
    /// <param name="Interfaces">Whether the class implements NetGen.INetwork and its flavours (the consumer compiles as C# 11 or later: static abstract members).</param>
    internal sealed record NetworkModel(
        string Namespace,
        EquatableArray<string> ContainingTypes,
        string ClassName,
        string HintName,
        Precision Precision,
        int SequenceLength,
        bool Checkpointing,
        EquatableArray<NodeModel> Nodes,
        HeadKind Head,
        OptimizerKind Optimizer,
        bool Interfaces,
        CompiledWeights? Weights = null,
        bool Streaming = false);
}
