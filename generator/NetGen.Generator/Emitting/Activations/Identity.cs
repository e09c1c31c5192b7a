namespace NetGen.Generator.Emitting.Activations
{
    /// <summary>No activation: a linear layer.</summary>
    internal sealed class Identity : Activation
    {
        public static readonly Identity Instance = new();

        public override string Name => "identity";

        public override string Equation => "f(z) = z";

        public override string DerivativeEquation => "f′ = 1";

        public override InitKind Init => InitKind.Glorot;

        public override string TorchModule => "torch.nn.Identity()";

        public override string Forward(string z, Numeric t) => z;

        public override string Backward(string delta, string a, Numeric t) => delta;

        public override string Key => "Identity";

        public override string? Onnx(string graph, string x) => null;

        public override string? VectorForward(string z, int bits, Numeric t) => z;

        public override string? VectorBackward(string delta, string a, int bits, Numeric t) => delta;
    }
}
