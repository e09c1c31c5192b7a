using System;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Activations
{
    /// <summary>How parameters feeding an activation are initialized.</summary>
    internal enum InitKind
    {
        /// <summary>He/Kaiming uniform U(±√(6/fan_in)): for ReLU-like activations.</summary>
        He,

        /// <summary>Glorot/Xavier uniform U(±√(6/(fan_in+fan_out))): for everything else.</summary>
        Glorot,
    }

    /// <summary>
    /// One activation f: how to write f(z), its derivative f′ expressed through the stored output a = f(z)
    /// (so the backward pass reuses the forward pass's activations instead of recomputing z), its
    /// initialization and the equations for the generated header. Adding an activation means adding one
    /// subclass here and one entry in <see cref="For"/>.
    /// </summary>
    internal abstract class Activation
    {
        /// <summary>Name as written in comments, e.g. "ReLU".</summary>
        public abstract string Name { get; }

        /// <summary>The definition, for comments.</summary>
        public abstract string Equation { get; }

        /// <summary>The derivative in terms of a = f(z), for comments.</summary>
        public abstract string DerivativeEquation { get; }

        public abstract InitKind Init { get; }

        /// <summary>The PyTorch module computing f, for the header's twin, e.g. "torch.nn.ReLU()".</summary>
        public abstract string TorchModule { get; }

        /// <summary>True when f′ is exactly zero on a whole region, so rows with δ = 0 can be skipped (bit-identical).</summary>
        public virtual bool HasZeroGradientRegion => false;

        /// <summary>An expression computing f(z) from the variable <paramref name="z"/>.</summary>
        public abstract string Forward(string z, Numeric t);

        /// <summary>
        /// An expression for δ ⊙ f′ given δ in <paramref name="delta"/> and a = f(z) in <paramref name="a"/>; for an
        /// activation whose f′ is read from its input (<see cref="ActivationKinds.DerivativeFromInput"/>), z in <paramref name="a"/>.
        /// </summary>
        public abstract string Backward(string delta, string a, Numeric t);

        /// <summary>
        /// This activation's part of the names of its generated kernels, e.g. "Relu"; distinct for distinct functions. It
        /// starts with the activation's <see cref="ActivationKind"/> name (the parser's reserved-name check relies on it).
        /// </summary>
        public abstract string Key { get; }

        /// <summary>
        /// An expression adding this activation's ONNX node to the OnnxGraph <paramref name="graph"/> after the value
        /// <paramref name="x"/> and returning the node's output, or null when f is the identity (no node).
        /// </summary>
        public abstract string? Onnx(string graph, string x);

        /// <summary>
        /// f(z) for a vector local <paramref name="z"/> of <paramref name="bits"/> bits, exactly as <see cref="Forward"/> computes
        /// each lane (so the vector paths and the scalar tail agree bit for bit), or null when f has no such vector form
        /// (then its loops stay scalar).
        /// </summary>
        public virtual string? VectorForward(string z, int bits, Numeric t) => null;

        /// <summary>
        /// True when <see cref="Forward"/> and <see cref="Backward"/> call the float GELU and SiLU kernels (built on ExpF) for
        /// <paramref name="t"/>, so the kernels that use them request those first.
        /// </summary>
        public virtual bool UsesFloatTranscendentals(Numeric t) => false;

        /// <summary>δ ⊙ f′ for vector locals, exactly as <see cref="Backward"/> computes each lane, or null (scalar loops).</summary>
        public virtual string? VectorBackward(string delta, string a, int bits, Numeric t) => null;

        /// <summary>
        /// Writes δ ⊙= f′ for this activation's outputs: the deltas at ref <paramref name="delta"/>, the outputs a = f(z) at
        /// ref <paramref name="outputs"/>, <paramref name="n"/> per example, for one example or, when <paramref name="count"/>
        /// is given, for that many consecutive examples. Nothing for the identity.
        /// </summary>
        public void EmitDerivative(CodeWriter w, Kernels kernels, int layer, string delta, string outputs, int n, string? count = null)
        {
            if (this is Identity)
            {
                return;
            }

            string kernel = kernels.Derivative(this, n);
            w.Line($"// δ{layer} ⊙= f′(a{layer}), {DerivativeEquation}");
            if (count is null)
            {
                w.Line($"{kernel}(ref {delta}, ref {outputs});");
                return;
            }

            using (w.Block($"for (nuint r = 0; r < {count}; r++)"))
            {
                w.Line($"{kernel}(ref Unsafe.Add(ref {delta}, r * {n}), ref Unsafe.Add(ref {outputs}, r * {n}));");
            }
        }

        /// <summary>Vector{bits}.ConditionalSelect(Vector{bits}.GreaterThan(v, 0), then, otherwise): "v &gt; 0 ? then : otherwise" per lane.</summary>
        protected static string SelectPositive(string v, string then, string otherwise, int bits, Numeric t) =>
            $"Vector{bits}.ConditionalSelect(Vector{bits}.GreaterThan({v}, Vector{bits}<{t.Type}>.Zero), {then}, {otherwise})";

        /// <summary>
        /// Vector{bits}.ConditionalSelect(Vector{bits}.LessThanOrEqual(v, 0), then, otherwise): "v ≤ 0 ? then : otherwise" per
        /// lane, so a NaN lane (not ≤ 0) takes <paramref name="otherwise"/>.
        /// </summary>
        protected static string SelectNotPositive(string v, string then, string otherwise, int bits, Numeric t) =>
            $"Vector{bits}.ConditionalSelect(Vector{bits}.LessThanOrEqual({v}, Vector{bits}<{t.Type}>.Zero), {then}, {otherwise})";

        public static Activation For(ActivationKind kind, double slope) => kind switch
        {
            ActivationKind.Identity => Identity.Instance,
            ActivationKind.Relu => Relu.Instance,
            ActivationKind.LeakyRelu => new LeakyRelu(slope),
            ActivationKind.Sigmoid => Sigmoid.Instance,
            ActivationKind.Tanh => Tanh.Instance,
            ActivationKind.Gelu => Gelu.Instance,
            ActivationKind.Silu => Silu.Instance,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
        };
    }
}
