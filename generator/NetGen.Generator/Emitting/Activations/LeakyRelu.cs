using System.Globalization;

namespace NetGen.Generator.Emitting.Activations
{
    /// <summary>Leaky ReLU: f(z) = z for z &gt; 0, else slope·z; f′ = 1 where a &gt; 0, else slope.</summary>
    internal sealed class LeakyRelu : Activation
    {
        private readonly double _slope;

        public LeakyRelu(double slope) => _slope = slope;

        public override string Name => "LeakyReLU(" + _slope.ToString("R", CultureInfo.InvariantCulture) + ")";

        public override string Equation => "f(z) = z > 0 ? z : " + _slope.ToString("R", CultureInfo.InvariantCulture) + "·z";

        public override string DerivativeEquation => "f′ = a > 0 ? 1 : " + _slope.ToString("R", CultureInfo.InvariantCulture);

        public override InitKind Init => InitKind.He;

        public override string TorchModule => "torch.nn.LeakyReLU(" + _slope.ToString("R", CultureInfo.InvariantCulture) + ")";

        // The parser only admits slopes >= 0, for which a > 0 exactly when z > 0: f′ can be read from a.
        public override string Forward(string z, Numeric t) => $"{z} > {t.Zero} ? {z} : {t.Literal(_slope)} * {z}";

        public override string Backward(string delta, string a, Numeric t) => $"{a} > {t.Zero} ? {delta} : {t.Literal(_slope)} * {delta}";

        // The slope is part of the name: layers with different slopes get different kernels ("0.01" → "0_01", "1E-05" → "1Em05").
        public override string Key => "LeakyRelu" + _slope.ToString("R", CultureInfo.InvariantCulture).Replace('.', '_').Replace('-', 'm').Replace('+', 'p');

        // ONNX float attributes are 32-bit: alpha is the slope rounded to float, in double-precision models too.
        public override string? Onnx(string graph, string x) =>
            $"{graph}.Node(\"LeakyRelu\", new[] {{ {x} }}, global::NetGen.IO.OnnxAttribute.Float(\"alpha\", {((float)_slope).ToString("R", CultureInfo.InvariantCulture)}f))";

        public override string? VectorForward(string z, int bits, Numeric t) => SelectPositive(z, z, $"{z} * Vector{bits}.Create({t.Literal(_slope)})", bits, t);

        public override string? VectorBackward(string delta, string a, int bits, Numeric t) => SelectPositive(a, delta, $"{delta} * Vector{bits}.Create({t.Literal(_slope)})", bits, t);
    }
}
