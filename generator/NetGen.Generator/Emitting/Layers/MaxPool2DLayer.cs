using System;
using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Max pooling (nn.MaxPool2d): each output is the largest value of its window, and the index of that value in the
    /// input is stored after the outputs, so the backward pass routes each δ to its window's arg max and nowhere else.
    /// A NaN in a window wins, as in PyTorch: NaN is never turned into a plausible maximum.
    /// </summary>
    internal sealed class MaxPool2DLayer : ParameterFreeLayer
    {
        private readonly MaxPool2DModel _m;

        public MaxPool2DLayer(int index, MaxPool2DModel model, int parameterOffset, int activationOffset, Layer? previous)
            : base(index, activationOffset, previous, parameterOffset)
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

        /// <summary>The outputs, then the input index of each one's arg max.</summary>
        public override int StoredWidth => 2 * Outputs;

        public override bool BackwardUsesStored => true;

        public override string Modules => $"MaxPool2d({Size}" + (S != Size ? $", stride={S}" : string.Empty) + ")";

        public override string TopologyToken => Text(C) + "x" + Text(Ho) + "x" + Text(Wo);

        public override string Summary => $"MaxPool2D({Size}" + (S != Size ? $", stride {S}" : string.Empty) + $")               → {C}×{Ho}×{Wo}";

        public override long ForwardFlops => (long)Outputs * Size * Size;

        public override long BackwardFlops => Outputs;

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"a{I}[c, i, j] = max_(u, v < {Size}) {InputName}[c, {Position("i", "u")}, {Position("j", "v")}],  a{I} ∈ ℝ^{C}×{Ho}×{Wo}; the arg max of each window is stored",
        };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[]
            {
                $"δ{Previous.Index}[c, y, x] = Σ over the windows whose arg max is (c, y, x) of δ{I}[c, i, j], 0 elsewhere: the gradient is routed to the arg max"
                    + (Previous.OutputDerivativeEquation is { } derivative ? $", ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty),
            };

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"Span<{t.Type}> pooled = stackalloc {t.Type}[{StoredWidth}];");
            w.Line($"Layer{I}Forward(ref p, ref {input}, ref MemoryMarshal.GetReference(pooled));");
            w.Line($"ref {t.Type} {output} = ref MemoryMarshal.GetReference(pooled);");
        }

        // MaxPool on the input seen as [N, C, H, W], the result flat again.
        public override void EmitOnnx(CodeWriter w, string module)
        {
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {C}, {H}, {Wd}) }});");
            w.Line($"x = g.Node(\"MaxPool\", new[] {{ x }}, global::NetGen.IO.OnnxAttribute.Ints(\"kernel_shape\", {Size}, {Size}), global::NetGen.IO.OnnxAttribute.Ints(\"strides\", {S}, {S}));");
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Outputs}) }});");
        }

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (MaxPool2D) forward for one example: the {Outputs} maxima into a, the index in x of each into a[{Outputs} + k]; a NaN in a window wins.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            {
                w.Line($"ref {T} arg = ref Unsafe.Add(ref a, {Outputs});");
                using (w.Block($"for (int c = 0; c < {C}; c++)"))
                using (w.Block($"for (int i = 0; i < {Ho}; i++)"))
                using (w.Block($"for (int j = 0; j < {Wo}; j++)"))
                {
                    w.Line($"int first = (((c * {H}) + {Times("i")}) * {Wd}) + {Times("j")};");
                    w.Line($"{T} best = Unsafe.Add(ref x, first);");
                    w.Line("int at = first;");
                    using (w.Block($"for (int u = 0; u < {Size}; u++)"))
                    using (w.Block($"for (int v = 0; v < {Size}; v++)"))
                    {
                        w.Line($"int k = first + (u * {Wd}) + v;");
                        w.Line($"{T} value = Unsafe.Add(ref x, k);");
                        using (w.Block($"if (value > best || {T}.IsNaN(value) && !{T}.IsNaN(best))"))
                        {
                            w.Line("best = value;");
                            w.Line("at = k;");
                        }
                    }

                    w.Line($"int o = (((c * {Ho}) + i) * {Wo}) + j;");
                    w.Line("Unsafe.Add(ref a, o) = best;");
                    w.Line($"Unsafe.Add(ref arg, o) = at;");
                }
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (MaxPool2D) forward for a mini-batch: the maxima of example n at y[n·{Outputs}], its arg maxima after all count outputs.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s)"))
            {
                w.Line($"Span<{T}> one = stackalloc {T}[{StoredWidth}];");
                w.Line($"ref {T} o = ref MemoryMarshal.GetReference(one);");
                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"Layer{I}Forward(ref p, ref Unsafe.Add(ref x, n * {Inputs}), ref o);");
                    w.Line(Copy("o", $"Unsafe.Add(ref y, n * {Outputs})", Text(Outputs)));
                    w.Line(Copy($"Unsafe.Add(ref o, {Outputs})", $"Unsafe.Add(ref y, ((nuint)count + n) * {Outputs})", Text(Outputs)));
                }
            }
        }

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} (MaxPool2D) backward: each δ{I} added to its window's arg max in the layer before it's δ, 0 elsewhere (⊙ its f′).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} y, ref {T} d{dxParameter}, int count)"))
            {
                if (Previous is null)
                {
                    w.Line("// The first layer: there is no δ of an input to compute and no parameter.");
                    return;
                }

                w.Line($"MemoryMarshal.CreateSpan(ref dx, count * {Inputs}).Clear();");
                w.Line($"ref {T} arg = ref Unsafe.Add(ref y, (nuint)count * {Outputs});");
                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"ref {T} dxn = ref Unsafe.Add(ref dx, n * {Inputs});");
                    w.Line($"ref {T} dn = ref Unsafe.Add(ref d, n * {Outputs});");
                    w.Line($"ref {T} an = ref Unsafe.Add(ref arg, n * {Outputs});");
                    using (w.Block($"for (nuint k = 0; k < {Outputs}; k++)"))
                    {
                        w.Line("Unsafe.Add(ref dxn, (nint)Unsafe.Add(ref an, k)) += Unsafe.Add(ref dn, k);");
                    }
                }

                Previous.EmitOutputDerivative(w, kernels, "dx", "x", count: "(nuint)count");
            }
        }

        private string Times(string i) => S == 1 ? i : $"({i} * {S})";

        private string Position(string i, string u) => (S == 1 ? i : Text(S) + i) + " + " + u;
    }
}
