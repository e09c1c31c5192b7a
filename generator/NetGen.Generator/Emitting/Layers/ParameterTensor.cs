namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>What a tensor of a layer is: trained (stepped by the optimizer), or state that is not trained.</summary>
    internal enum TensorRole
    {
        /// <summary>A trainable parameter, in <c>Parameters</c> (of the network's precision).</summary>
        Parameter,

        /// <summary>State that is not trained (running statistics), in <c>Buffers</c> (of the network's precision).</summary>
        Buffer,

        /// <summary>An integer buffer (num_batches_tracked), in <c>Counters</c>: int64, a 0-d tensor in PyTorch's files.</summary>
        Counter,
    }

    /// <summary>
    /// One tensor of a layer: its PyTorch name within the layer's module (e.g. "weight", "weight_hh_l0", "running_mean"), its
    /// shape, the generated constant holding its offset in its storage, its length, the public view that exposes it, that
    /// view's documentation, and its role (which storage it lives in). The model file, the views and the initializer read these.
    /// </summary>
    internal sealed record ParameterTensor(string Name, int[] Shape, string Offset, int Length, string View, string Documentation)
    {
        public TensorRole Role { get; init; } = TensorRole.Parameter;

        /// <summary>The safetensors dtype of the tensor in a network of type <paramref name="t"/>.</summary>
        public string DType(Numeric t) => Role == TensorRole.Counter ? "I64" : t.Type == "float" ? "F32" : "F64";
    }
}
