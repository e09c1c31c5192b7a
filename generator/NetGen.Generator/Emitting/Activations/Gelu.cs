namespace NetGen.Generator.Emitting.Activations
{
    /// <summary>
    /// GELU, exact form: f(z) = z·Φ(z); f′ = Φ(z) + z·φ(z), read from the input z (a layer of its own, never fused). In
    /// float, the kernels GeluF and GeluBackwardF (Φ through a Chebyshev fit of erfc on the float ExpF, relative error
    /// about 1e-7; every vector width and the scalar tail alike); in double, the runtime's erf to about 1e-15.
    /// </summary>
    internal sealed class Gelu : Activation
    {
        public static readonly Gelu Instance = new();

        public override string Name => "GELU";

        public override string Equation => "f(z) = z·Φ(z) = z·(1 + erf(z/√2))/2";

        public override string DerivativeEquation => "f′ = Φ(z) + z·φ(z), from the input z";

        public override InitKind Init => InitKind.He;

        public override string TorchModule => "torch.nn.GELU()";

        public override bool UsesFloatTranscendentals(Numeric t) => t.Type == "float";

        public override string Forward(string z, Numeric t) =>
            UsesFloatTranscendentals(t) ? $"GeluF({z})" : $"global::NetGen.Runtime.SmoothActivations.Gelu({z})";

        public override string Backward(string delta, string a, Numeric t) =>
            UsesFloatTranscendentals(t) ? $"GeluBackwardF({delta}, {a})" : $"global::NetGen.Runtime.SmoothActivations.GeluBackward({delta}, {a})";

        public override string? VectorForward(string z, int bits, Numeric t) => UsesFloatTranscendentals(t) ? Forward(z, t) : null;

        public override string? VectorBackward(string delta, string a, int bits, Numeric t) => UsesFloatTranscendentals(t) ? Backward(delta, a, t) : null;

        public override string Key => "Gelu";

        // Opset 17 has no Gelu operator: the graph writes it with Erf.
        public override string? Onnx(string graph, string x) => $"{graph}.Gelu({x})";
    }
}
