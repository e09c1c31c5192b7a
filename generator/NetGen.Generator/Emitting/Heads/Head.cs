using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Heads
{
    /// <summary>
    /// An output head: what Predict returns, the per-example loss ℓ and its gradient with respect to the last
    /// layer's output. Adding a head means one subclass here and one entry in <see cref="For"/>.
    /// </summary>
    internal abstract class Head
    {
        protected Head(int outputs, Numeric t)
        {
            K = outputs;
            T = t;
        }

        /// <summary>Number of outputs.</summary>
        protected int K { get; }

        protected Numeric T { get; }

        /// <summary>A one-line description for the header, e.g. "softmax over 10 classes, cross-entropy loss on integer labels".</summary>
        public abstract string Description { get; }

        /// <summary>What Predict writes, for its XML doc.</summary>
        public abstract string PredictDescription { get; }

        /// <summary>The equations for the header comment.</summary>
        public abstract string[] Equations { get; }

        /// <summary>The output delta before the last activation's f′ and the 1/B scale, for the header.</summary>
        public abstract string DeltaEquation { get; }

        /// <summary>What Predict returns, as a PyTorch expression of the last layer's outputs <paramref name="outputs"/>, for the header's twin.</summary>
        public abstract string TorchPredict(string outputs);

        /// <summary>True when targets are integer class labels (one per example); false for float targets (OutputSize per example).</summary>
        public abstract bool IntegerLabels { get; }

        /// <summary>True when the head supports Classify (arg max over the outputs).</summary>
        public virtual bool CanClassify => false;

        /// <summary>Statements writing the prediction from the outputs at <paramref name="z"/> into <paramref name="output"/> (refs).</summary>
        public abstract void EmitPredict(CodeWriter w, string z, string output);

        /// <summary>An expression for the loss of one example: outputs at ref <paramref name="z"/>, target <paramref name="target"/> (a label or a ref).</summary>
        public abstract string Loss(string z, string target);

        /// <summary>An expression returning the loss and writing scale·∂ℓ/∂z at ref <paramref name="d"/>.</summary>
        public abstract string LossAndDelta(string z, string target, string scale, string d);

        /// <summary>
        /// An expression adding the ONNX node of what Predict returns to the OnnxGraph <paramref name="graph"/> after the
        /// value <paramref name="x"/> (rows of K outputs) and returning its output, or null when Predict returns the outputs as they are.
        /// </summary>
        public abstract string? Onnx(string graph, string x);

        /// <summary>Private static helpers the expressions above call.</summary>
        public abstract void EmitMembers(CodeWriter w);

        public static Head For(HeadKind kind, int outputs, Numeric t) => kind switch
        {
            HeadKind.Sigmoid => new SigmoidHead(outputs, t),
            HeadKind.Identity => new IdentityHead(outputs, t),
            HeadKind.Softmax => new SoftmaxHead(outputs, t),
            _ => throw new System.ArgumentOutOfRangeException(nameof(kind), kind, "Unknown head."),
        };
    }
}
