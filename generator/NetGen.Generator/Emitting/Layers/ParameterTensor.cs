namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// One parameter tensor of a layer: its PyTorch name within the layer's module (e.g. "weight", "weight_hh_l0"), its
    /// shape, the generated constant holding its offset in the parameter buffer, its length, the public view that
    /// exposes it and that view's documentation. The model file, the views and the initializer read these.
    /// </summary>
    internal sealed record ParameterTensor(string Name, int[] Shape, string Offset, int Length, string View, string Documentation);
}
