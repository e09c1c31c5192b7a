using System;
using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Global average pooling over time: T steps of F values (row-major, a row per step) to the F means over the steps
    /// (x.mean(dim=1) on [N, T, F]); the backward pass gives every step δ/T. It needs all the steps, so a network with it
    /// has no Step.
    /// </summary>
    internal sealed class GlobalAvgPool1DLayer : StepReductionLayer
    {
        public GlobalAvgPool1DLayer(LayerContext context, GlobalAvgPool1DModel model)
            : base(context, model)
        {
        }

        /// <summary>The twin's module: PyTorch has none for a mean over dim 1.</summary>
        protected override string TorchClass => "class MeanOverSteps(torch.nn.Module):\n    def forward(self, x):                   # [N, T, F] -> [N, F]\n        return x.mean(dim=1)";

        public override bool Streams => false;

        protected override string TorchConstructor => "MeanOverSteps()";

        public override string TopologyToken => "mean" + Text(Steps);

        public override string Summary => $"GlobalAvgPool1D {Steps} steps × {F} → {F}, no parameters";

        public override long ForwardFlops => InputWidth;

        public override long BackwardFlops => Previous is null ? 0 : InputWidth;

        public override IEnumerable<string> ForwardEquations => new[] { $"a{I} = (1/{Steps})·Σ_t {InputName}[t],  a{I} ∈ ℝ^{F}" };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[] { $"δ{Previous.Index}[t] = δ{I}/{Steps} at every step t" + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty) };

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch) =>
            throw new InvalidOperationException("GlobalAvgPool1D needs every step: a network with it has no Step.");

        public override void EmitOnnx(CodeWriter w, string module)
        {
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Steps}, {F}) }});");
            w.Line("x = g.Node(\"ReduceMean\", new[] { x }, global::NetGen.IO.OnnxAttribute.Ints(\"axes\", 1), global::NetGen.IO.OnnxAttribute.Int(\"keepdims\", 0));");
        }

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (GlobalAvgPool1D) forward for one example: the mean of each of the {F} values over the {Steps} steps.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            using (w.Block($"for (nuint f = 0; f < {F}; f++)"))
            {
                w.Line($"Unsafe.Add(ref a, f) = ({T})(global::NetGen.Runtime.Normalization.Sum(ref Unsafe.Add(ref x, f), {Steps}, {F}, 1) / {Steps});");
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels) => EmitForwardBatchPerExample(w, t, "GlobalAvgPool1D");

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} (GlobalAvgPool1D) backward: δ{I}/{Steps} at every step (⊙ the f′ of the layer before it).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} d{dxParameter}, int count)"))
            {
                if (Previous is null)
                {
                    w.Line("// The first layer: there is no δ of an input to compute and no parameter.");
                    return;
                }

                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                using (w.Block($"for (nuint s = 0; s < {Steps}; s++)"))
                using (w.Block($"for (nuint f = 0; f < {F}; f++)"))
                {
                    w.Line($"Unsafe.Add(ref dx, (((n * {Steps}) + s) * {F}) + f) = Unsafe.Add(ref d, (n * {F}) + f) / {Steps};");
                }

                EmitSourceDerivative(w, kernels, 0, "dx", "x", $"(nuint)count * {Steps}");
            }
        }
    }
}
