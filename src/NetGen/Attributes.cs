using System;

namespace NetGen
{
    /// <summary>Floating-point type used by a generated network.</summary>
    public enum Precision
    {
        /// <summary><see cref="float"/> parameters and arithmetic (the default).</summary>
        Single,
        /// <summary><see cref="double"/> parameters and arithmetic.</summary>
        Double,
    }

    /// <summary>
    /// Marks a partial class as a neural network. The layer attributes on the same declaration, read in
    /// source order, define its topology; the NetGen source generator writes the class body.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class NetworkAttribute : Attribute
    {
        /// <summary>Floating-point type of parameters and arithmetic. Default: <see cref="Precision.Single"/>.</summary>
        public Precision Precision { get; set; }
    }

    /// <summary>A fully connected layer y = W·x + b, with W stored [outputs, inputs] row-major (PyTorch's nn.Linear).</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class DenseAttribute : Attribute
    {
        /// <summary>Creates a dense layer from <paramref name="inputs"/> to <paramref name="outputs"/> units.</summary>
        public DenseAttribute(int inputs, int outputs)
        {
            Inputs = inputs;
            Outputs = outputs;
        }

        /// <summary>Number of inputs (columns of W).</summary>
        public int Inputs { get; }

        /// <summary>Number of outputs (rows of W).</summary>
        public int Outputs { get; }
    }

    /// <summary>Rectified linear unit max(0, z), applied to the Dense layer before it.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class ReluAttribute : Attribute
    {
    }

    /// <summary>Leaky ReLU: z for z &gt; 0, slope·z otherwise (default slope 0.01), applied to the Dense layer before it.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class LeakyReluAttribute : Attribute
    {
        /// <summary>Leaky ReLU with slope 0.01 (PyTorch's default).</summary>
        public LeakyReluAttribute()
            : this(0.01)
        {
        }

        /// <summary>Leaky ReLU with the given negative slope.</summary>
        public LeakyReluAttribute(double slope)
        {
            Slope = slope;
        }

        /// <summary>The slope for negative inputs.</summary>
        public double Slope { get; }
    }

    /// <summary>
    /// Logistic sigmoid 1/(1+e^-z). Between two Dense layers it is an activation; after the last Dense
    /// it is an output head with binary cross-entropy loss (reserved: not yet generated).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class SigmoidAttribute : Attribute
    {
    }

    /// <summary>Hyperbolic tangent, applied to the Dense layer before it.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class TanhAttribute : Attribute
    {
    }

    /// <summary>Softmax output head after the last Dense layer; the loss is softmax cross-entropy with integer class labels.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class SoftmaxAttribute : Attribute
    {
    }
}
