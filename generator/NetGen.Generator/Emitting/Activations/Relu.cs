namespace NetGen.Generator.Emitting.Activations
{
    /// <summary>
    /// ReLU: f(z) = max(0, z); f′ = 1 where a &gt; 0, else 0. Written "z ≤ 0 ? 0 : z", so that a NaN stays NaN (as in
    /// PyTorch) instead of becoming 0, and −0 gives +0: the same bits as "z &gt; 0 ? z : 0" for every other z.
    /// </summary>
    internal sealed class Relu : Activation
    {
        public static readonly Relu Instance = new();

        public override string Name => "ReLU";

        public override string Equation => "f(z) = max(0, z)";

        public override string DerivativeEquation => "f′ = [a > 0]";

        public override InitKind Init => InitKind.He;

        public override string TorchModule => "torch.nn.ReLU()";

        public override bool HasZeroGradientRegion => true;

        public override string Forward(string z, Numeric t) => $"{z} <= {t.Zero} ? {t.Zero} : {z}";

        public override string Backward(string delta, string a, Numeric t) => $"{a} > {t.Zero} ? {delta} : {t.Zero}";

        public override string Key => "Relu";

        public override string? Onnx(string graph, string x) => $"{graph}.Node(\"Relu\", new[] {{ {x} }})";

        // A compare and a select, no branch: the signs of z are data, a branch on them mispredicts about half the time.
        public override string? VectorForward(string z, int bits, Numeric t) => SelectNotPositive(z, $"Vector{bits}<{t.Type}>.Zero", z, bits, t);

        public override string? VectorBackward(string delta, string a, int bits, Numeric t) => SelectPositive(a, delta, $"Vector{bits}<{t.Type}>.Zero", bits, t);
    }
}
