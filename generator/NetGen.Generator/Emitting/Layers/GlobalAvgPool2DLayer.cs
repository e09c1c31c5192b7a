using System;
using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Global average pooling: a C × H × W image to the C means of its channels (nn.AdaptiveAvgPool2d(1) then nn.Flatten());
    /// the backward pass spreads each channel's δ over its H·W positions, δ/(H·W) each.
    /// </summary>
    internal sealed class GlobalAvgPool2DLayer : ParameterFreeLayer
    {
        private readonly GlobalAvgPool2DModel _m;

        public GlobalAvgPool2DLayer(LayerContext context, GlobalAvgPool2DModel model)
            : base(context)
        {
            _m = model;
        }

        private int C => _m.Channels;

        private int HW => _m.Height * _m.Width;

        public override int Inputs => C * HW;

        public override int Outputs => C;

        public override int InputWidth => Inputs;

        public override int OutputRows => 1;

        public override string Modules => "AdaptiveAvgPool2d(1), Flatten()";

        protected override string TorchConstructor => "torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())";

        public override string? TorchInputShape => $"-1, {C}, {_m.Height}, {_m.Width}";

        public override string TopologyToken => Text(C);

        public override string Summary => $"GlobalAvgPool2D {C}×{_m.Height}×{_m.Width} → {C}, no parameters";

        public override long ForwardFlops => Inputs;

        public override long BackwardFlops => Previous is null ? 0 : Inputs;

        public override IEnumerable<string> ForwardEquations => new[] { $"a{I}[c] = (1/{HW})·Σ_(y, x) {InputName}[c, y, x],  a{I} ∈ ℝ^{C}" };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[] { $"δ{Previous.Index}[c, y, x] = δ{I}[c]/{HW}" + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty) };

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"Layer{I}Forward(ref p, ref {input}, ref {scratch});");
            w.Line($"ref {t.Type} {output} = ref {scratch};");
        }

        public override void EmitOnnx(CodeWriter w, string module)
        {
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {C}, {_m.Height}, {_m.Width}) }});");
            w.Line("x = g.Node(\"GlobalAveragePool\", new[] { x });");
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {C}) }});");
        }

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (GlobalAvgPool2D) forward for one example: the mean of each channel's {HW} values.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            {
                using (w.Block($"for (nuint c = 0; c < {C}; c++)"))
                {
                    w.Line($"Unsafe.Add(ref a, c) = ({T})(global::NetGen.Runtime.Normalization.Sum(ref Unsafe.Add(ref x, c * {HW}), 1, 0, {HW}) / {HW});");
                }
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels) => EmitForwardBatchPerExample(w, t, "GlobalAvgPool2D");

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} (GlobalAvgPool2D) backward: each channel's δ{I}/{HW} at every position of it (⊙ the f′ of the layer before it).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} d{dxParameter}, int count)"))
            {
                if (Previous is null)
                {
                    w.Line("// The first layer: there is no δ of an input to compute and no parameter.");
                    return;
                }

                using (w.Block($"for (nuint k = 0; k < (nuint)count * {C}; k++)"))
                {
                    w.Line($"MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dx, k * {HW}), {HW}).Fill(Unsafe.Add(ref d, k) / {HW});");
                }

                EmitSourceDerivative(w, kernels, 0, "dx", "x", "(nuint)count");
            }
        }
    }
}
