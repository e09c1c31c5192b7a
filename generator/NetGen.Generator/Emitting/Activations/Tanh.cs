namespace NetGen.Generator.Emitting.Activations
{
    /// <summary>Hyperbolic tangent: f(z) = tanh z; f′ = 1 − a².</summary>
    internal sealed class Tanh : Activation
    {
        public static readonly Tanh Instance = new();

        public override string Name => "tanh";

        public override string Equation => "f(z) = tanh(z)";

        public override string DerivativeEquation => "f′ = 1 − a²";

        public override InitKind Init => InitKind.Glorot;

        public override string TorchModule => "torch.nn.Tanh()";

        public override string Forward(string z, Numeric t) => $"{t.Math}.Tanh({z})";

        public override string Backward(string delta, string a, Numeric t) => $"{delta} * ({t.One} - ({a} * {a}))";

        // No vector form: f calls Tanh per element, so its loops stay scalar (they have no data-dependent branch).
        public override string Key => "Tanh";

        public override string? Onnx(string graph, string x) => $"{graph}.Node(\"Tanh\", new[] {{ {x} }})";
    }
}
