using System;
using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Flatten (nn.Flatten): the C × H × W image before it, read as one vector of C·H·W values in the same order. The
    /// values are copied (a few hundred, next to the convolutions' work), so that every layer keeps its own output.
    /// </summary>
    internal sealed class FlattenLayer : ParameterFreeLayer
    {
        private readonly FlattenModel _m;

        public FlattenLayer(LayerContext context, FlattenModel model)
            : base(context)
        {
            _m = model;
        }

        public override int Inputs => _m.InputsPerRow;

        public override int Outputs => _m.OutputsPerRow;

        public override int InputWidth => Inputs;

        public override int OutputRows => 1;

        public override string Modules => "Flatten()";

        protected override string TorchConstructor => "torch.nn.Flatten()";

        public override string TopologyToken => Text(Outputs);

        public override string Summary => $"Flatten {_m.Channels}×{_m.Height}×{_m.Width} → {Outputs}, no parameters";

        public override long ForwardFlops => 0;

        public override long BackwardFlops => 0;

        public override IEnumerable<string> ForwardEquations => new[] { $"a{I} = {InputName} read as a vector of {Outputs} (c·{_m.Height * _m.Width} + y·{_m.Width} + x)" };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[] { $"δ{Previous.Index} = δ{I} read as {_m.Channels}×{_m.Height}×{_m.Width}" + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty) };

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch) =>
            w.Line($"ref {t.Type} {output} = ref {input};");

        // In the exported graph the values are already one row per example: nothing to add.
        public override void EmitOnnx(CodeWriter w, string module) =>
            w.Line("// (no node)");

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line($"/// <summary>Layer {I} (Flatten) forward: a{I} = {InputName}, {Outputs} values.</summary>");
            using (w.Block($"private static void Layer{I}Forward(ref {t.Type} p, ref {t.Type} x, ref {t.Type} a)"))
            {
                w.Line(Copy("x", "a", Text(Outputs)));
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line($"/// <summary>Layer {I} (Flatten) forward for a mini-batch: y = x, count × {Outputs} values.</summary>");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {t.Type} p, ref {t.Type} x, ref {t.Type} y, int count, ref {t.Type} s)"))
            {
                w.Line(Copy("x", "y", $"count * {Outputs}"));
            }
        }

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string dxParameter = Previous is null ? string.Empty : $", ref {t.Type} dx";
            w.Line($"/// <summary>Layer {I} (Flatten) backward: the layer before it's δ is this one's, read as an image (⊙ its f′).</summary>");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {t.Type} p, ref {t.Type} target, {t.Type} alpha, ref {t.Type} x, ref {t.Type} d{dxParameter}, int count)"))
            {
                if (Previous is not null)
                {
                    w.Line(Copy("d", "dx", $"count * {Outputs}"));
                    EmitSourceDerivative(w, kernels, 0, "dx", "x", "(nuint)count");
                }
            }
        }
    }
}
