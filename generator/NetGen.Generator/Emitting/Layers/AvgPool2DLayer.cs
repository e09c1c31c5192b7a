using System;
using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Average pooling (nn.AvgPool2d, no padding): each output is the mean of its size × size window, the sum divided by
    /// size², as in PyTorch. The backward pass shares each window's δ equally among its positions (added up where windows overlap).
    /// </summary>
    internal sealed class AvgPool2DLayer : ParameterFreeLayer
    {
        private readonly AvgPool2DModel _m;

        public AvgPool2DLayer(LayerContext context, AvgPool2DModel model)
            : base(context)
        {
            _m = model;
        }

        private int C => _m.Channels;

        private int H => _m.Height;

        private int Wd => _m.Width;

        private int Ho => _m.OutHeight;

        private int Wo => _m.OutWidth;

        private int Size => _m.Size;

        private int S => _m.Stride;

        public override int Inputs => C * H * Wd;

        public override int Outputs => C * Ho * Wo;

        public override int InputWidth => Inputs;

        public override int OutputRows => 1;

        private string Options => S != Size ? $", stride={S}" : string.Empty;

        public override string Modules => $"AvgPool2d({Size}{Options})";

        protected override string TorchConstructor => $"torch.nn.AvgPool2d({Size}{Options})";

        public override string? TorchInputShape => $"-1, {C}, {H}, {Wd}";

        public override string TopologyToken => Text(C) + "x" + Text(Ho) + "x" + Text(Wo);

        public override string Summary => $"AvgPool2D({Size}" + (S != Size ? $", stride {S}" : string.Empty) + $") → {C}×{Ho}×{Wo}, no parameters";

        public override long ForwardFlops => (long)Outputs * Size * Size;

        public override long BackwardFlops => Previous is null ? 0 : (long)Outputs * Size * Size;

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"a{I}[c, i, j] = (1/{Size * Size})·Σ_(u, v < {Size}) {InputName}[c, {Position("i", "u")}, {Position("j", "v")}],  a{I} ∈ ℝ^{C}×{Ho}×{Wo}",
        };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[]
            {
                $"δ{Previous.Index}[c, y, x] = (1/{Size * Size})·Σ over the windows that hold (c, y, x) of δ{I}[c, i, j]"
                    + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty),
            };

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"Layer{I}Forward(ref p, ref {input}, ref {scratch});");
            w.Line($"ref {t.Type} {output} = ref {scratch};");
        }

        public override void EmitOnnx(CodeWriter w, string module)
        {
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {C}, {H}, {Wd}) }});");
            w.Line($"x = g.Node(\"AveragePool\", new[] {{ x }}, global::NetGen.IO.OnnxAttribute.Ints(\"kernel_shape\", {Size}, {Size}), global::NetGen.IO.OnnxAttribute.Ints(\"strides\", {S}, {S}));");
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Outputs}) }});");
        }

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (AvgPool2D) forward for one example: the mean of each window, its sum over {Size * Size}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            {
                w.Line($"{T} scale = {t.One} / {Size * Size};");
                using (w.Block($"for (nuint c = 0; c < {C}; c++)"))
                using (w.Block($"for (nuint i = 0; i < {Ho}; i++)"))
                {
                    w.Line($"ref {T} o = ref Unsafe.Add(ref a, ((c * {Ho}) + i) * {Wo});");
                    using (w.Block($"for (nuint j = 0; j < {Wo}; j++)"))
                    {
                        w.Line($"ref {T} window = ref Unsafe.Add(ref x, (((c * {H}) + {Times("i")}) * {Wd}) + {Times("j")});");
                        w.Line($"{T} sum = {t.Zero};");
                        using (w.Block($"for (nuint u = 0; u < {Size}; u++)"))
                        using (w.Block($"for (nuint v = 0; v < {Size}; v++)"))
                        {
                            w.Line($"sum += Unsafe.Add(ref window, (u * {Wd}) + v);");
                        }

                        w.Line("Unsafe.Add(ref o, j) = sum * scale;");
                    }
                }
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels) => EmitForwardBatchPerExample(w, t, "AvgPool2D");

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} (AvgPool2D) backward: each δ{I} over {Size * Size}, added at every position of its window in the layer before it's δ (⊙ its f′).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} d{dxParameter}, int count)"))
            {
                if (Previous is null)
                {
                    w.Line("// The first layer: there is no δ of an input to compute and no parameter.");
                    return;
                }

                w.Line($"{T} scale = {t.One} / {Size * Size};");
                w.Line($"MemoryMarshal.CreateSpan(ref dx, count * {Inputs}).Clear();");
                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"ref {T} dxn = ref Unsafe.Add(ref dx, n * {Inputs});");
                    w.Line($"ref {T} dn = ref Unsafe.Add(ref d, n * {Outputs});");
                    using (w.Block($"for (nuint c = 0; c < {C}; c++)"))
                    using (w.Block($"for (nuint i = 0; i < {Ho}; i++)"))
                    using (w.Block($"for (nuint j = 0; j < {Wo}; j++)"))
                    {
                        w.Line($"{T} share = Unsafe.Add(ref dn, (((c * {Ho}) + i) * {Wo}) + j) * scale;");
                        w.Line($"ref {T} window = ref Unsafe.Add(ref dxn, (((c * {H}) + {Times("i")}) * {Wd}) + {Times("j")});");
                        using (w.Block($"for (nuint u = 0; u < {Size}; u++)"))
                        using (w.Block($"for (nuint v = 0; v < {Size}; v++)"))
                        {
                            w.Line($"Unsafe.Add(ref window, (u * {Wd}) + v) += share;");
                        }
                    }
                }

                EmitSourceDerivative(w, kernels, 0, "dx", "x", "(nuint)count");
            }
        }

        private string Times(string i) => S == 1 ? i : $"({i} * {S})";

        private string Position(string i, string u) => (S == 1 ? i : Text(S) + i) + " + " + u;
    }
}
