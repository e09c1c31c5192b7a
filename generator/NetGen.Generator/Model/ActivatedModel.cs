namespace NetGen.Generator.Model
{
    /// <summary>A layer kind that an activation attribute ([Relu], [Tanh], …) written after it applies to: Dense and Conv2D.</summary>
    internal interface IActivatedModel
    {
        ActivationKind Activation { get; }

        /// <summary>The negative slope, for LeakyRelu.</summary>
        double Slope { get; }

        LayerModel WithActivation(ActivationKind activation, double slope);
    }
}
