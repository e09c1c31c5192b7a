using System;
using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Max pooling (nn.MaxPool2d): each output is the largest value of its window (Math.Max, which returns NaN for a NaN:
    /// a NaN in a window wins, as in PyTorch, and is never turned into a plausible maximum; no branch on the data). The
    /// backward pass finds each window's arg max again, the first position holding the maximum (PyTorch's choice among
    /// ties), and routes the window's δ there and nowhere else.
    /// </summary>
    internal sealed class MaxPool2DLayer : ParameterFreeLayer
    {
        private readonly MaxPool2DModel _m;

        public MaxPool2DLayer(LayerContext context, MaxPool2DModel model)
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

        public override bool BackwardUsesStored => true;

        public override string Modules => $"MaxPool2d({Size}" + (S != Size ? $", stride={S}" : string.Empty) + ")";

        protected override string TorchConstructor => $"torch.nn.MaxPool2d({Size}" + (S != Size ? $", stride={S}" : string.Empty) + ")";

        public override string? TorchInputShape => $"-1, {C}, {H}, {Wd}";

        public override string TopologyToken => Text(C) + "x" + Text(Ho) + "x" + Text(Wo);

        public override string Summary => $"MaxPool2D({Size}" + (S != Size ? $", stride {S}" : string.Empty) + $") → {C}×{Ho}×{Wo}, no parameters";

        public override long ForwardFlops => (long)Outputs * Size * Size;

        public override long BackwardFlops => Outputs;

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"a{I}[c, i, j] = max_(u, v < {Size}) {InputName}[c, {Position("i", "u")}, {Position("j", "v")}],  a{I} ∈ ℝ^{C}×{Ho}×{Wo} (the backward pass finds each window's arg max again)",
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
            w.Line($"/// <summary>Layer {I} (MaxPool2D) forward for one example: the maximum of each window (NaN if the window holds one).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            {
                using (w.Block($"for (nuint c = 0; c < {C}; c++)"))
                using (w.Block($"for (nuint i = 0; i < {Ho}; i++)"))
                {
                    w.Line($"ref {T} o = ref Unsafe.Add(ref a, ((c * {Ho}) + i) * {Wo});");
                    using (w.Block($"for (nuint j = 0; j < {Wo}; j++)"))
                    {
                        w.Line($"ref {T} window = ref Unsafe.Add(ref x, (((c * {H}) + {Times("i")}) * {Wd}) + {Times("j")});");
                        w.Line($"{T} best = window;");
                        if (Unrolled)
                        {
                            // A small window written out: its positions are constants (at most 16 lines, whatever the layer's size).
                            for (int q = 1; q < Size * Size; q++)
                            {
                                w.Line($"best = {t.Math}.Max(best, Unsafe.Add(ref window, {Offset(q)}));");
                            }
                        }
                        else
                        {
                            using (w.Block($"for (nuint u = 0; u < {Size}; u++)"))
                            using (w.Block($"for (nuint v = 0; v < {Size}; v++)"))
                            {
                                w.Line($"best = {t.Math}.Max(best, Unsafe.Add(ref window, (u * {Wd}) + v));");
                            }
                        }

                        w.Line("Unsafe.Add(ref o, j) = best;");
                    }
                }
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels) => EmitForwardBatchPerExample(w, t, "MaxPool2D");

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} (MaxPool2D) backward: each δ{I} added at its window's arg max (the first position holding the maximum) in the layer before it's δ, 0 elsewhere (⊙ its f′).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} y, ref {T} d{dxParameter}, int count)"))
            {
                if (Previous is null)
                {
                    w.Line("// The first layer: there is no δ of an input to compute and no parameter.");
                    return;
                }

                w.Line($"MemoryMarshal.CreateSpan(ref dx, count * {Inputs}).Clear();");
                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"ref {T} xn = ref Unsafe.Add(ref x, n * {Inputs});");
                    w.Line($"ref {T} dxn = ref Unsafe.Add(ref dx, n * {Inputs});");
                    w.Line($"ref {T} yn = ref Unsafe.Add(ref y, n * {Outputs});");
                    w.Line($"ref {T} dn = ref Unsafe.Add(ref d, n * {Outputs});");
                    using (w.Block($"for (nuint c = 0; c < {C}; c++)"))
                    using (w.Block($"for (nuint i = 0; i < {Ho}; i++)"))
                    using (w.Block($"for (nuint j = 0; j < {Wo}; j++)"))
                    {
                        w.Line($"nuint o = (((c * {Ho}) + i) * {Wo}) + j;");
                        w.Line($"nuint first = (((c * {H}) + {Times("i")}) * {Wd}) + {Times("j")};");
                        w.Line($"{T} best = Unsafe.Add(ref yn, o);");
                        w.Line($"bool nan = {T}.IsNaN(best);");
                        w.Line("nuint at = first;");
                        w.Line("// the window from its last position to its first, so that the first holding the maximum is kept (a select, no branch)");
                        if (Unrolled)
                        {
                            for (int q = Size * Size - 1; q >= 0; q--)
                            {
                                using (w.Block())
                                {
                                    w.Line($"nuint k = first + {Offset(q)};");
                                    EmitSelect(w, T);
                                }
                            }
                        }
                        else
                        {
                            using (w.Block($"for (nuint q = {Size * Size}; q-- > 0;)"))
                            {
                                w.Line($"nuint k = first + ((q / {Size}) * {Wd}) + (q % {Size});");
                                EmitSelect(w, T);
                            }
                        }

                        w.Line("Unsafe.Add(ref dxn, at) += Unsafe.Add(ref dn, o);");
                    }
                }

                EmitSourceDerivative(w, kernels, 0, "dx", "x", "(nuint)count");
            }
        }

        /// <summary>Whether the window's positions are written out (at most 4 × 4) rather than looped over.</summary>
        private bool Unrolled => Size <= 4;

        /// <summary>The offset of position q (row-major in the window) from the window's first input.</summary>
        private string Offset(int q) => ((q / Size * Wd) + (q % Size)).ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>at = k where the input at k holds the window's maximum (or a NaN when the maximum is NaN), without a branch.</summary>
        private static void EmitSelect(CodeWriter w, string T)
        {
            w.Line($"{T} value = Unsafe.Add(ref xn, k);");
            w.Line($"bool hit = (value == best) | (nan & {T}.IsNaN(value));");
            w.Line("nuint keep = (nuint)0 - (nuint)(hit ? 1 : 0); // all ones where hit (a setcc, not a branch)");
            w.Line("at = (k & keep) | (at & ~keep);");
        }

        private string Times(string i) => S == 1 ? i : $"({i} * {S})";

        private string Position(string i, string u) => (S == 1 ? i : Text(S) + i) + " + " + u;
    }
}
