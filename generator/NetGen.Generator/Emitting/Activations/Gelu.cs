namespace NetGen.Generator.Emitting.Activations
{
    /// <summary>
    /// GELU, exact form: f(z) = z·Φ(z); f′ = Φ(z) + z·φ(z), read from the input z (a layer of its own, never fused). The
    /// runtime computes both in double (erf is not in .NET); the loops stay scalar.
    /// </summary>
    internal sealed class Gelu : Activation
    {
        public static readonly Gelu Instance = new();

        public override string Name => "GELU";

        public override string Equation => "f(z) = z·Φ(z) = z·(1 + erf(z/√2))/2";

        public override string DerivativeEquation => "f′ = Φ(z) + z·φ(z), from the input z";

        public override InitKind Init => InitKind.He;

        public override string TorchModule => "torch.nn.GELU()";

        public override string Forward(string z, Numeric t) => $"global::NetGen.Runtime.SmoothActivations.Gelu({z})";

        public override string Backward(string delta, string a, Numeric t) => $"global::NetGen.Runtime.SmoothActivations.GeluBackward({delta}, {a})";

        public override string Key => "Gelu";

        // Opset 17 has no Gelu operator: the graph writes it with Erf.
        public override string? Onnx(string graph, string x) => $"{graph}.Gelu({x})";
    }
}
