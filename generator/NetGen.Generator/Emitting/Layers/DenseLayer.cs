using System.Globalization;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// A Dense layer l with its activation: z = W·x + b, a = f(z), W ∈ ℝ^{outputs×inputs} row-major.
    /// Knows where its parameters and activations live and writes its own forward pass, its backward pass
    /// (gradient-accumulating and fused-SGD forms) and its equations.
    /// </summary>
    internal sealed class DenseLayer
    {
        public DenseLayer(int index, LayerModel model, int weightOffset, int activationOffset, DenseLayer? previous)
        {
            Index = index;
            Inputs = model.Inputs;
            Outputs = model.Outputs;
            Activation = Activation.For(model);
            WeightOffset = weightOffset;
            ActivationOffset = activationOffset;
            Previous = previous;
        }

        public int Index { get; }

        public int Inputs { get; }

        public int Outputs { get; }

        public Activation Activation { get; }

        public DenseLayer? Previous { get; }

        public int WeightOffset { get; }

        public int WeightCount => Inputs * Outputs;

        public int BiasOffset => WeightOffset + WeightCount;

        public int ParameterCount => WeightCount + Outputs;

        /// <summary>Offset of this layer's output a_l in the per-example activation buffer.</summary>
        public int ActivationOffset { get; }

        public string W => "W" + I;

        public string B => "B" + I;

        public string A => "A" + I;

        /// <summary>Name of this layer's input: x for the first layer, a_{l−1} otherwise.</summary>
        public string InputName => Previous is null ? "x" : "a" + Previous.Index.ToString(CultureInfo.InvariantCulture);

        private string I => Index.ToString(CultureInfo.InvariantCulture);

        public string ForwardEquation =>
            $"a{I} = {Activation.Name}(W{I}·{InputName} + b{I}),  W{I} ∈ ℝ^{Outputs}×{Inputs}";

        public void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of W{I} ({Outputs}×{Inputs}, row-major) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {W} = {WeightOffset};");
            w.Line($"/// <summary>Offset of b{I} ({Outputs}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {B} = {BiasOffset};");
            w.Line($"/// <summary>Offset of a{I} ({Outputs}) in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public void EmitViews(CodeWriter w, Numeric t)
        {
            w.Line($"/// <summary>W{I}, the weights of layer {I}: {Outputs} rows × {Inputs} columns, row-major (PyTorch nn.Linear layout).</summary>");
            w.Line($"public Span<{t.Type}> Layer{I}Weights => new Span<{t.Type}>(_storage, _origin + {W}, {WeightCount});");
            w.Line();
            w.Line($"/// <summary>b{I}, the bias of layer {I}: {Outputs} values.</summary>");
            w.Line($"public Span<{t.Type}> Layer{I}Bias => new Span<{t.Type}>(_storage, _origin + {B}, {Outputs});");
        }

        public void EmitInitialization(CodeWriter w)
        {
            string bound = Activation.Init == InitKind.He
                ? $"Math.Sqrt(6.0 / {Inputs})"
                : $"Math.Sqrt(6.0 / ({Inputs} + {Outputs}))";
            string name = Activation.Init == InitKind.He ? "He (Kaiming) uniform, for " + Activation.Name : "Glorot (Xavier) uniform, for " + Activation.Name;
            w.Line($"// Layer {I}: {name}: W{I} ~ U(±{bound.Replace("Math.Sqrt", "√")}), b{I} = 0.");
            w.Line($"global::NetGen.Runtime.Initializers.Uniform(Layer{I}Weights, {bound}, ref state);");
            w.Line($"Layer{I}Bias.Clear();");
        }

        /// <summary>Layer{l}Forward(ref p, ref x, ref a): a = f(W·x + b).</summary>
        public void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string dot = kernels.Dot(Inputs);
            w.Line($"/// <summary>Layer {I} forward: {Escape(ForwardEquation)}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {t.Type} p, ref {t.Type} x, ref {t.Type} a)"))
            {
                w.Line($"ref {t.Type} w = ref Unsafe.Add(ref p, {W});");
                w.Line($"ref {t.Type} b = ref Unsafe.Add(ref p, {B});");
                using (w.Block($"for (nuint o = 0; o < {Outputs}; o++)"))
                {
                    w.Line($"{t.Type} z = {dot}(ref Unsafe.Add(ref w, o * {Inputs}), ref x) + Unsafe.Add(ref b, o);");
                    w.Line($"Unsafe.Add(ref a, o) = {Activation.Forward("z", t)};");
                }
            }
        }

        /// <summary>
        /// Layer{l}Backward(ref p, ref g, ref x, ref d[, ref dx]): given δ_l in d, accumulates ∂L/∂W_l += δ_l xᵀ
        /// and ∂L/∂b_l += δ_l into g and, below the first layer, writes δ_{l−1} = (W_lᵀ δ_l) ⊙ f′(a_{l−1}) into dx.
        /// </summary>
        public void EmitBackward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string x = InputName;
            w.Line($"/// <summary>");
            w.Line($"/// Layer {I} backward (accumulating): ∂L/∂W{I} += δ{I}·{x}ᵀ, ∂L/∂b{I} += δ{I}" + (Previous is null ? "." : $", δ{Previous.Index} = (W{I}ᵀ·δ{I}) ⊙ f′(a{Previous.Index})."));
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string dxParameter = Previous is null ? string.Empty : $", ref {t.Type} dx";
            using (w.Block($"private static void Layer{I}Backward(ref {t.Type} p, ref {t.Type} g, ref {t.Type} x, ref {t.Type} d{dxParameter})"))
            {
                if (Previous is not null)
                {
                    w.Line($"ref {t.Type} w = ref Unsafe.Add(ref p, {W});");
                    w.Line($"MemoryMarshal.CreateSpan(ref dx, {Inputs}).Clear();");
                }
                else
                {
                    w.Line("_ = ref p;");
                }

                w.Line($"ref {t.Type} gw = ref Unsafe.Add(ref g, {W});");
                w.Line($"ref {t.Type} gb = ref Unsafe.Add(ref g, {B});");
                using (w.Block($"for (nuint o = 0; o < {Outputs}; o++)"))
                {
                    w.Line($"{t.Type} delta = Unsafe.Add(ref d, o);");
                    EmitZeroSkip(w, t);
                    w.Line("Unsafe.Add(ref gb, o) += delta;");
                    if (Previous is null)
                    {
                        w.Line($"{kernels.Axpy(Inputs)}(ref Unsafe.Add(ref gw, o * {Inputs}), delta, ref x);");
                    }
                    else
                    {
                        w.Line($"{kernels.AccumulateRow(Inputs)}(ref Unsafe.Add(ref gw, o * {Inputs}), ref x, ref Unsafe.Add(ref w, o * {Inputs}), ref dx, delta);");
                    }
                }

                EmitPreviousDerivative(w, t);
            }
        }

        /// <summary>
        /// Layer{l}Update(ref p, ref x, ref d[, ref dx], rate): the batch-1 SGD step fused into the backward pass.
        /// Each row of W_l is read once: its contribution to W_lᵀδ_l is taken from the old weights, then the row is
        /// updated in place, w ← w − η·δ_o·x, without materializing the gradient.
        /// </summary>
        public void EmitUpdate(CodeWriter w, Numeric t, Kernels kernels)
        {
            string x = InputName;
            w.Line($"/// <summary>");
            w.Line($"/// Layer {I} backward fused with SGD: W{I} −= η·δ{I}·{x}ᵀ, b{I} −= η·δ{I}" + (Previous is null ? "." : $", δ{Previous.Index} = (W{I}ᵀ·δ{I}) ⊙ f′(a{Previous.Index}) with the weights before the step."));
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string dxParameter = Previous is null ? string.Empty : $", ref {t.Type} dx";
            using (w.Block($"private static void Layer{I}Update(ref {t.Type} p, ref {t.Type} x, ref {t.Type} d{dxParameter}, {t.Type} rate)"))
            {
                w.Line($"ref {t.Type} w = ref Unsafe.Add(ref p, {W});");
                w.Line($"ref {t.Type} b = ref Unsafe.Add(ref p, {B});");
                if (Previous is not null)
                {
                    w.Line($"MemoryMarshal.CreateSpan(ref dx, {Inputs}).Clear();");
                }

                using (w.Block($"for (nuint o = 0; o < {Outputs}; o++)"))
                {
                    w.Line($"{t.Type} delta = Unsafe.Add(ref d, o);");
                    EmitZeroSkip(w, t);
                    w.Line($"{t.Type} step = rate * delta;");
                    w.Line("Unsafe.Add(ref b, o) -= step;");
                    if (Previous is null)
                    {
                        w.Line($"{kernels.Axpy(Inputs)}(ref Unsafe.Add(ref w, o * {Inputs}), -step, ref x);");
                    }
                    else
                    {
                        w.Line($"{kernels.UpdateRow(Inputs)}(ref Unsafe.Add(ref w, o * {Inputs}), ref x, ref dx, delta, step);");
                    }
                }

                EmitPreviousDerivative(w, t);
            }
        }

        private void EmitZeroSkip(CodeWriter w, Numeric t)
        {
            if (Activation.HasZeroGradientRegion)
            {
                w.Line($"if (delta == {t.Zero})");
                w.Line("{");
                w.Line($"    continue; // {Activation.Name} was inactive: this row contributes nothing");
                w.Line("}");
                w.Line();
            }
        }

        private void EmitPreviousDerivative(CodeWriter w, Numeric t)
        {
            if (Previous is null || Previous.Activation is Identity)
            {
                return;
            }

            w.Line();
            w.Line($"// δ{Previous.Index} ⊙= f′(a{Previous.Index}), {Previous.Activation.DerivativeEquation}");
            using (w.Block($"for (nuint i = 0; i < {Inputs}; i++)"))
            {
                w.Line($"ref {t.Type} e = ref Unsafe.Add(ref dx, i);");
                w.Line($"{t.Type} ai = Unsafe.Add(ref x, i);");
                w.Line($"e = {Previous.Activation.Backward("e", "ai", t)};");
            }
        }

        private static string Escape(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
