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

        /// <summary>True when f′ is exactly zero on a whole region, so rows with δ = 0 can be skipped (bit-identical).</summary>
        public virtual bool HasZeroGradientRegion => false;

        /// <summary>An expression computing f(z) from the variable <paramref name="z"/>.</summary>
        public abstract string Forward(string z, Numeric t);

        /// <summary>An expression for δ ⊙ f′ given δ in <paramref name="delta"/> and a = f(z) in <paramref name="a"/>.</summary>
        public abstract string Backward(string delta, string a, Numeric t);

        /// <summary>
        /// Writes δ ⊙= f′ over <paramref name="length"/> elements: the deltas at ref <paramref name="delta"/>, this
        /// activation's outputs a at ref <paramref name="outputs"/>, labelled with the layer index for the comment.
        /// </summary>
        public void EmitDerivativeLoop(CodeWriter w, Numeric t, int layer, string delta, string outputs, string length)
        {
            w.Line($"// δ{layer} ⊙= f′(a{layer}), {DerivativeEquation}");
            using (w.Block($"for (nuint i = 0; i < {length}; i++)"))
            {
                w.Line($"ref {t.Type} e = ref Unsafe.Add(ref {delta}, i);");
                w.Line($"{t.Type} ai = Unsafe.Add(ref {outputs}, i);");
                w.Line($"e = {Backward("e", "ai", t)};");
            }
        }

        public static Activation For(LayerModel layer) => layer.Activation switch
        {
            ActivationKind.Identity => Identity.Instance,
            ActivationKind.Relu => Relu.Instance,
            ActivationKind.LeakyRelu => new LeakyRelu(layer.Slope),
            ActivationKind.Sigmoid => Sigmoid.Instance,
            ActivationKind.Tanh => Tanh.Instance,
            _ => throw new ArgumentOutOfRangeException(nameof(layer), layer.Activation, "Unknown activation."),
        };
    }
}
