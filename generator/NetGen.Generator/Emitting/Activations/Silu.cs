namespace NetGen.Generator.Emitting.Activations
{
    /// <summary>
    /// SiLU (swish): f(z) = z·σ(z); f′ = σ(z)·(1 + z·(1 − σ(z))), read from the input z (a layer of its own, never fused).
    /// In float, the kernels SiluF and SiluBackwardF on the float ExpF (every vector width and the scalar tail alike); in
    /// double, the runtime with Math.Exp.
    /// </summary>
    internal sealed class Silu : Activation
    {
        public static readonly Silu Instance = new();

        public override string Name => "SiLU";

        public override string Equation => "f(z) = z·σ(z) = z / (1 + e^−z)";

        public override string DerivativeEquation => "f′ = σ(z)·(1 + z·(1 − σ(z))), from the input z";

        public override InitKind Init => InitKind.He;

        public override string TorchModule => "torch.nn.SiLU()";

        public override bool UsesFloatTranscendentals(Numeric t) => t.Type == "float";

        public override string Forward(string z, Numeric t) =>
            UsesFloatTranscendentals(t) ? $"SiluF({z})" : $"global::NetGen.Runtime.SmoothActivations.Silu({z})";

        public override string Backward(string delta, string a, Numeric t) =>
            UsesFloatTranscendentals(t) ? $"SiluBackwardF({delta}, {a})" : $"global::NetGen.Runtime.SmoothActivations.SiluBackward({delta}, {a})";

        public override string? VectorForward(string z, int bits, Numeric t) => UsesFloatTranscendentals(t) ? Forward(z, t) : null;

        public override string? VectorBackward(string delta, string a, int bits, Numeric t) => UsesFloatTranscendentals(t) ? Backward(delta, a, t) : null;

        public override string Key => "Silu";

        // Opset 17 has no Silu operator: x·Sigmoid(x).
        public override string? Onnx(string graph, string x) => $"{graph}.Silu({x})";
    }
}
