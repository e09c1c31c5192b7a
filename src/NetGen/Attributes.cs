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

        /// <summary>
        /// Time steps T of one example, for networks that start with recurrent layers (<see cref="LstmAttribute"/>,
        /// <see cref="GruAttribute"/>, <see cref="RnnAttribute"/>): an example is T × inputs values, row-major, and
        /// backpropagation through time runs over exactly T steps. Required with recurrent layers, not allowed without.
        /// </summary>
        public int SequenceLength { get; set; }

        /// <summary>
        /// Gradient checkpointing for the recurrent layers: training keeps only the state at the start of every ⌈√T⌉-th step and
        /// recomputes the steps between in the backward pass, so the memory stored per example grows with √T instead of T, for
        /// about one more forward pass of time. The gradients are bit-identical to those without it.
        /// </summary>
        public bool Checkpointing { get; set; }

        /// <summary>
        /// Asks for the streaming <c>Step</c> (one time step per call, the state the caller's): every layer must then run step
        /// by step, seeing only the steps so far (causal attention and convolutions, recurrent and per-step layers), else the
        /// build fails with NG0044 at the first layer that cannot. Without it a network gets <c>Step</c> when it can and a
        /// layer carries a state; with it, also when every layer is per step.
        /// </summary>
        public bool Streaming { get; set; }

        /// <summary>
        /// A safetensors file, relative to the project directory (e.g. <c>"models/mnist.safetensors"</c>), whose weights are
        /// compiled into the assembly: the constructor starts the network with them instead of the seed-0 initialization, with
        /// no file read and no <c>Load</c> at run time. The project lists the file as <c>&lt;AdditionalFiles Include="…" /&gt;</c>;
        /// NetGen's build targets embed it. The build checks it against the declared topology (tensor names, dtypes, shapes,
        /// finite values) and reports any mismatch as error NG0023 on this argument.
        /// </summary>
        public string? Weights { get; set; }
    }

    /// <summary>
    /// Common options of the recurrent layers. The initial state is zero; weights and biases start U(±1/√hidden), as in
    /// PyTorch. Recurrent layers come first in a network; the Dense layers after the last one read its last hidden state,
    /// or every step's hidden state with <see cref="ReturnSequences"/>.
    /// </summary>
    public abstract class RecurrentAttribute : Attribute
    {
        /// <summary>Creates a recurrent layer reading <paramref name="inputs"/> values per step into <paramref name="hidden"/> units.</summary>
        protected RecurrentAttribute(int inputs, int hidden)
        {
            Inputs = inputs;
            Hidden = hidden;
        }

        /// <summary>Values per time step read by the layer.</summary>
        public int Inputs { get; }

        /// <summary>Hidden units (the size of h_t).</summary>
        public int Hidden { get; }

        /// <summary>
        /// Output h_t at every step (Keras's name; PyTorch's full output) instead of only the last one. Required on every
        /// recurrent layer followed by another; on the last one it makes the network many-to-many: the Dense layers after it
        /// run at every step, OutputSize is T × their outputs, and the loss is the mean over examples and steps.
        /// </summary>
        public bool ReturnSequences { get; set; }
    }

    /// <summary>
    /// Long short-term memory (PyTorch's nn.LSTM, gate order i, f, g, o):
    /// i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(…), g = tanh(…), o = σ(…); c_t = f ⊙ c_{t−1} + i ⊙ g; h_t = o ⊙ tanh(c_t).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class LstmAttribute : RecurrentAttribute
    {
        /// <summary>An LSTM layer from <paramref name="inputs"/> values per step to <paramref name="hidden"/> units.</summary>
        public LstmAttribute(int inputs, int hidden)
            : base(inputs, hidden)
        {
        }
    }

    /// <summary>
    /// Gated recurrent unit (PyTorch's nn.GRU, gate order r, z, n): r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(…),
    /// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class GruAttribute : RecurrentAttribute
    {
        /// <summary>A GRU layer from <paramref name="inputs"/> values per step to <paramref name="hidden"/> units.</summary>
        public GruAttribute(int inputs, int hidden)
            : base(inputs, hidden)
        {
        }
    }

    /// <summary>Elman recurrent layer (PyTorch's nn.RNN with tanh): h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh).</summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class RnnAttribute : RecurrentAttribute
    {
        /// <summary>An Elman layer from <paramref name="inputs"/> values per step to <paramref name="hidden"/> units.</summary>
        public RnnAttribute(int inputs, int hidden)
            : base(inputs, hidden)
        {
        }
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
    /// GELU in its exact form, x·Φ(x) = x·(1 + erf(x/√2))/2, as PyTorch's <c>nn.GELU()</c>; usable wherever an activation
    /// is. Its derivative Φ(x) + x·φ(x) needs x, not the output, so it is always a layer of its own (never computed inside
    /// the kernels of the layer before it).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class GeluAttribute : Attribute
    {
    }

    /// <summary>
    /// SiLU (swish), x·σ(x), as PyTorch's <c>nn.SiLU()</c>; usable wherever an activation is. Like GELU, its derivative
    /// σ(x)·(1 + x·(1 − σ(x))) needs x, so it is a layer of its own.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class SiluAttribute : Attribute
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
