using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Layer normalization (nn.LayerNorm over the last dimension) with the activation after it: a = f(γ⊙x̂ + β), x̂ = (x − μ)/σ
    /// with μ and σ² = var + ε of the row itself (each step's row, on a sequence). The same in training and evaluation; it
    /// couples no examples. Stored per row for the backward pass: x̂ and 1/σ.
    /// </summary>
    internal sealed class LayerNormLayer : Layer
    {
        private readonly LayerNormModel _m;

        public LayerNormLayer(LayerContext context, LayerNormModel model)
            : base(context)
        {
            _m = model;
            Activation = context.Activation;
            ActivationModule = context.ActivationModule;
            Rows = context.Node.Rows;
        }

        public Activation Activation { get; }

        private string? ActivationModule { get; }

        /// <summary>Rows per example: 1, or T on a sequence (normalized step by step).</summary>
        public int Rows { get; }

        private int F => _m.Features;

        public override int Inputs => F;

        public override int Outputs => F;

        public override int InputWidth => Rows * F;

        public override int OutputRows => Rows;


        public override int ParameterCount => 2 * F;

        public override bool BackwardUsesStored => true;

        public override bool SupportsUpdate => false;

        public override int BatchScratch(Kernels kernels) => 0;

        private string Torch => $"LayerNorm({F}" + (_m.Epsilon != 1e-5 ? ", eps=" + _m.Epsilon.ToString("R", CultureInfo.InvariantCulture) : string.Empty) + ")";

        public override IEnumerable<TorchModule> TorchModules => Activation is Identity
            ? new[] { new TorchModule(Module, "torch.nn." + Torch) }
            : new[] { new TorchModule(Module, "torch.nn." + Torch), new TorchModule(ActivationModule!, Activation.TorchModule) };

        public override string Modules => Torch + (Activation is Identity ? string.Empty : ", " + Activation.Name);

        public override string TopologyToken => "ln";

        public override string Summary => $"LayerNorm({F}) + {Activation.Name,-10} → {F}{(Rows > 1 ? $" at each of {Rows} steps" : string.Empty)}, {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters";

        public override string Layout => "γ then β (one per feature)";

        public override long ForwardFlops => 5L * OutputWidth;

        public override long BackwardFlops => (Previous is null ? 2L : 8L) * OutputWidth;

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"a{I} = {Activation.Name}(γ{I}⊙x̂ + β{I}),  x̂ = ({InputName} − μ)/√(σ² + {_m.Epsilon.ToString("R", CultureInfo.InvariantCulture)}),  μ, σ² of each row of {F}" + (Rows > 1 ? $" (each of {Rows} steps)" : string.Empty),
        };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[]
            {
                $"δ{Previous.Index} = (g − mean(g) − x̂·mean(g⊙x̂))/σ, g = γ{I}⊙δ{I}, the means over each row"
                    + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty),
            };

        public override string GradientEquation => "∂L/∂γ_l = Σ_rows δ_l⊙x̂, ∂L/∂β_l = Σ_rows δ_l   (layer normalization)";

        public override string? OutputDerivativeEquation => Activation is Identity ? null : Activation.DerivativeEquation;

        public override bool HasOutputDerivative => Activation is not Identity;

        public override void EmitOutputDerivative(CodeWriter w, Kernels kernels, string delta, string outputs, string? count = null) =>
            Activation.EmitDerivative(w, kernels, Index, delta, outputs, Outputs, count);

        public override IReadOnlyList<ParameterTensor> Tensors => new[]
        {
            new ParameterTensor("weight", new[] { F }, "W" + I, F, $"Layer{I}Weights", $"γ{I}, the scale of layer {I}: {F} values (PyTorch's weight)."),
            new ParameterTensor("bias", new[] { F }, "B" + I, F, $"Layer{I}Bias", $"β{I}, the shift of layer {I}: {F} values (PyTorch's bias)."),
        };

        public override int StreamScratch => Outputs;

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"Layer{I}Row(ref p, ref {input}, ref {input}, ref {scratch}, false);");
            w.Line($"ref {t.Type} {output} = ref {scratch};");
        }

        public override void EmitOnnx(CodeWriter w, string module)
        {
            IReadOnlyList<ParameterTensor> tensors = Tensors;
            string Init(int i) => $"g.Initializer(\"{module}.{tensors[i].Name}\", {ShapeLiteral(tensors[i])}, {tensors[i].View})";
            w.Line($"x = g.Node(\"LayerNormalization\", new[] {{ x, {Init(0)}, {Init(1)} }}, global::NetGen.IO.OnnxAttribute.Int(\"axis\", -1), global::NetGen.IO.OnnxAttribute.Float(\"epsilon\", {((float)_m.Epsilon).ToString("R", CultureInfo.InvariantCulture)}f));");
            string? activation = Activation.Onnx("g", "x");
            if (activation is not null)
            {
                w.Line($"x = {activation};");
            }
        }

        public override void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of γ{I} ({F}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int W{I} = {ParameterOffset};");
            w.Line($"/// <summary>Offset of β{I} ({F}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int B{I} = {ParameterOffset + F};");
            w.Line($"/// <summary>Offset of a{I} ({OutputWidth}), then x̂ and 1/σ of each row, in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
            w.Line($"// Layer {I}: γ{I} = 1, β{I} = 0 (as PyTorch's reset_parameters).");
            w.Line($"Layer{I}Weights.Fill(1);");
            w.Line($"Layer{I}Bias.Clear();");
        }

        /// <summary>Layer{l}Row: one row normalized (x̂ stored when asked), its 1/σ returned; Layer{l}Forward: every row of one example.</summary>
        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (LayerNorm) on one row of {F}: x̂ into xhat when store, a = {Activation.Name}(γ⊙x̂ + β); returns 1/σ.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static {T} Layer{I}Row(ref {T} p, ref {T} x, ref {T} xhat, ref {T} a, bool store)"))
            {
                w.Line($"{T} inverse = global::NetGen.Runtime.Normalization.LayerNormRow(ref x, ref xhat, ref a, {F}, ref Unsafe.Add(ref p, W{I}), ref Unsafe.Add(ref p, B{I}), {t.Literal(_m.Epsilon)}, store);");
                if (Activation is not Identity)
                {
                    w.Line($"{kernels.Activate(Activation, F)}(ref a, ref a);");
                }

                w.Line("return inverse;");
            }

            w.Line();
            w.Line($"/// <summary>Layer {I} (LayerNorm) forward for one example: every row of it.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            {
                using (w.Block($"for (nuint r = 0; r < {Rows}; r++)"))
                {
                    w.Line($"Layer{I}Row(ref p, ref Unsafe.Add(ref x, r * {F}), ref x, ref Unsafe.Add(ref a, r * {F}), false);");
                }
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (LayerNorm) for a mini-batch: each of its count·{Rows} rows, x̂ and 1/σ stored after the outputs.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s)"))
            {
                w.Line($"nuint rows = (nuint)count * {Rows};");
                w.Line($"ref {T} xhat = ref Unsafe.Add(ref y, rows * {F});");
                w.Line($"ref {T} inverse = ref Unsafe.Add(ref xhat, rows * {F});");
                using (w.Block("for (nuint r = 0; r < rows; r++)"))
                {
                    w.Line($"nuint k = r * {F};");
                    w.Line($"Unsafe.Add(ref inverse, r) = Layer{I}Row(ref p, ref Unsafe.Add(ref x, k), ref Unsafe.Add(ref xhat, k), ref Unsafe.Add(ref y, k), true);");
                }
            }
        }

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} (LayerNorm) backward: " + (Previous is null ? string.Empty : $"δ{Previous.Index} row by row with γ before any update, then ") + $"γ{I} += α·Σ δ⊙x̂, β{I} += α·Σ δ.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} y, ref {T} d{dxParameter}, int count)"))
            {
                w.Line($"nuint rows = (nuint)count * {Rows};");
                w.Line($"ref {T} xhat = ref Unsafe.Add(ref y, rows * {F});");
                w.Line($"ref {T} inverse = ref Unsafe.Add(ref xhat, rows * {F});");
                if (Previous is not null)
                {
                    using (w.Block("for (nuint r = 0; r < rows; r++)"))
                    {
                        w.Line($"nuint k = r * {F};");
                        w.Line($"global::NetGen.Runtime.Normalization.LayerNormRowInputDelta(ref Unsafe.Add(ref d, k), ref Unsafe.Add(ref xhat, k), ref Unsafe.Add(ref dx, k), {F}, ref Unsafe.Add(ref p, W{I}), Unsafe.Add(ref inverse, r));");
                    }

                    EmitSourceDerivative(w, kernels, 0, "dx", "x", "rows");
                    w.Line();
                }

                using (w.Block("for (nuint r = 0; r < rows; r++)"))
                {
                    w.Line($"nuint k = r * {F};");
                    w.Line($"global::NetGen.Runtime.Normalization.LayerNormRowGradient(ref Unsafe.Add(ref d, k), ref Unsafe.Add(ref xhat, k), {F}, ref Unsafe.Add(ref target, W{I}), ref Unsafe.Add(ref target, B{I}), alpha);");
                }
            }
        }
    }
}
