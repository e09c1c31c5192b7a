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
    /// The optimizer a generated network's <c>Train</c> applies. Hyperparameters are properties of the generated
    /// class (PyTorch's names and defaults); the learning rate is passed to every <c>Train</c> call.
    /// </summary>
    public enum Optimizer
    {
        /// <summary>Plain SGD: θ ← θ − η(g + λθ). The default; batch-1 steps are fused into the backward pass.</summary>
        Sgd,

        /// <summary>SGD with momentum μ (default 0.9), as torch.optim.SGD: b ← μb + g, θ ← θ − ηb.</summary>
        Momentum,

        /// <summary>SGD with Nesterov momentum, as torch.optim.SGD(nesterov=True): b ← μb + g, θ ← θ − η(g + μb).</summary>
        Nesterov,

        /// <summary>Adam (β₁ 0.9, β₂ 0.999, ε 1e-8), L2 weight decay added to the gradient, as torch.optim.Adam.</summary>
        Adam,

        /// <summary>AdamW: Adam with decoupled weight decay (default 0.01), θ ← θ(1 − ηλ) first, as torch.optim.AdamW.</summary>
        AdamW,
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

        /// <summary>The optimizer of the generated <c>Train</c> methods. Default: <see cref="Optimizer.Sgd"/>.</summary>
        public Optimizer Optimizer { get; set; }
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
    /// Logistic sigmoid 1/(1+e^-z). Between two Dense layers it is an activation. As the last attribute of a
    /// network it is the output head: independent probabilities per output (multi-label) and binary
    /// cross-entropy on float targets in [0, 1], computed in the stable log-sigmoid form.
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

    /// <summary>
    /// Identity output head after the last Dense layer (and its activation, if any): the network is a regressor,
    /// Predict returns the outputs as they are and the loss is the mean squared error on float targets.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class IdentityAttribute : Attribute
    {
    }

    /// <summary>Softmax output head after the last Dense layer; the loss is softmax cross-entropy with integer class labels.</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class SoftmaxAttribute : Attribute
    {
    }
}
