namespace NetGen.Generator.Emitting.Activations
{
    /// <summary>Logistic sigmoid: f(z) = 1/(1 + e^−z); f′ = a(1 − a).</summary>
    internal sealed class Sigmoid : Activation
    {
        public static readonly Sigmoid Instance = new();

        public override string Name => "sigmoid";

        public override string Equation => "f(z) = 1 / (1 + e^−z)";

        public override string DerivativeEquation => "f′ = a·(1 − a)";

        public override InitKind Init => InitKind.Glorot;

        public override string TorchModule => "torch.nn.Sigmoid()";

        public override string Forward(string z, Numeric t) => $"{t.One} / ({t.One} + {t.Math}.Exp(-{z}))";

        public override string Backward(string delta, string a, Numeric t) => $"{delta} * {a} * ({t.One} - {a})";

        // No vector form: f calls Exp per element, so its loops stay scalar (they have no data-dependent branch).
        public override string Key => "Sigmoid";

        public override string? Onnx(string graph, string x) => $"{graph}.Node(\"Sigmoid\", new[] {{ {x} }})";
    }
}
