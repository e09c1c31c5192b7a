using System;
using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// The last step of a sequence: T steps of F values (a row per step) to the F values of step T (x[:, -1] on [N, T, F]);
    /// the backward pass gives step T the δ and every other step 0. Streaming passes each step's row through: step t's
    /// output is then the prediction for the sequence so far.
    /// </summary>
    internal sealed class LastStepLayer : StepReductionLayer
    {
        public LastStepLayer(LayerContext context, LastStepModel model)
            : base(context, model)
        {
        }

        /// <summary>The twin's module: PyTorch has none for x[:, -1].</summary>
        protected override string TorchClass => "class LastStep(torch.nn.Module):\n    def forward(self, x):                   # [N, T, F] -> [N, F]\n        return x[:, -1]";

        protected override string TorchConstructor => "LastStep()";

        public override string TopologyToken => "last" + Text(Steps);

        public override string Summary => $"LastStep {Steps} steps × {F} → {F}, no parameters";

        public override long ForwardFlops => 0;

        public override long BackwardFlops => 0;

        public override IEnumerable<string> ForwardEquations => new[] { $"a{I} = {InputName}[{Steps}],  the last step, a{I} ∈ ℝ^{F}" };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[] { $"δ{Previous.Index}[{Steps}] = δ{I}, δ{Previous.Index}[t] = 0 at the steps before" + (Previous.OutputDerivativeEquation is { } derivative ? $" (⊙ f′({Previous.OutputName}),  {derivative})" : string.Empty) };

        public override int StreamScratch => 0;

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch) =>
            w.Line($"ref {t.Type} {output} = ref {input}; // Layer {I}: the last step so far is this one");

        public override void EmitOnnx(CodeWriter w, string module)
        {
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Steps}, {F}) }});");
            w.Line($"x = g.Node(\"Gather\", new[] {{ x, g.Int64s({Steps - 1}) }}, global::NetGen.IO.OnnxAttribute.Int(\"axis\", 1));");
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {F}) }});");
        }

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (LastStep) forward for one example: the {F} values of step {Steps} of {Steps}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            {
                w.Line(Copy($"Unsafe.Add(ref x, {(Steps - 1) * F})", "a", Text(F)));
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels) => EmitForwardBatchPerExample(w, t, "LastStep");

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} (LastStep) backward: δ{I} at the last step, 0 at the others (⊙ the f′ of the layer before it).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} d{dxParameter}, int count)"))
            {
                if (Previous is null)
                {
                    w.Line("// The first layer: there is no δ of an input to compute and no parameter.");
                    return;
                }

                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"ref {T} dn = ref Unsafe.Add(ref dx, n * {InputWidth});");
                    if (Steps > 1)
                    {
                        w.Line($"MemoryMarshal.CreateSpan(ref dn, {(Steps - 1) * F}).Clear();");
                    }

                    w.Line(Copy($"Unsafe.Add(ref d, n * {F})", $"Unsafe.Add(ref dn, {(Steps - 1) * F})", Text(F)));
                }

                EmitSourceDerivative(w, kernels, 0, "dx", "x", $"(nuint)count * {Steps}");
            }
        }
    }
}
