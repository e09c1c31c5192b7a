using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Batch normalization (nn.BatchNorm2d over an image's channels, nn.BatchNorm1d over a vector's features) with the
    /// activation after it: a = f(γ·x̂ + β), x̂ = (x − μ)/√(σ² + ε) per channel. In training μ and σ² are the whole
    /// mini-batch's (over its examples and the channel's H·W positions), and x̂ is stored for the backward pass, whose δ of
    /// the input subtracts the channel's mean δ and the part along x̂; Train then commits the batch's statistics to the running
    /// ones (buffers). In evaluation the running statistics fold into one multiply-add per value, y = x·s + t.
    /// </summary>
    internal sealed class BatchNormLayer : Layer
    {
        private readonly BatchNormModel _m;

        public BatchNormLayer(LayerContext context, BatchNormModel model)
            : base(context)
        {
            _m = model;
            Activation = context.Activation;
            ActivationModule = context.ActivationModule;
        }

        public Activation Activation { get; }

        private string? ActivationModule { get; }

        /// <summary>Statistics: channels (BatchNorm2D) or features (BatchNorm1D).</summary>
        private int C => _m.Features;

        /// <summary>Values per statistic per example: the H·W positions of a channel, 1 for a feature.</summary>
        private int HW => _m.Spatial ? _m.Shape.Height * _m.Shape.Width : 1;

        public override int Inputs => C * HW;

        public override int Outputs => C * HW;

        public override int InputWidth => Inputs;

        public override int OutputRows => 1;


        public override int ParameterCount => 2 * C;

        public override bool IsBatchCoupled => true;

        /// <summary>Per statistic: the batch's mean, 1/σ, and unbiased variance (for the running one).</summary>
        public override int StatisticsCount => 3 * C;

        /// <summary>A feature's variance over one example is 0: at least 2 (PyTorch's rule: more than one value per statistic).</summary>
        public override int MinTrainingBatch => HW == 1 ? 2 : 1;

        public override bool BackwardUsesStored => true;

        public override bool SupportsUpdate => false;

        public override int BatchScratch(Kernels kernels) => 0;

        private string Torch => $"{(_m.Spatial ? "BatchNorm2d" : "BatchNorm1d")}({C}"
            + (_m.Epsilon != 1e-5 ? ", eps=" + Text(_m.Epsilon) : string.Empty)
            + (_m.Momentum != 0.1 ? ", momentum=" + Text(_m.Momentum) : string.Empty) + ")";

        public override IEnumerable<TorchModule> TorchModules => Activation is Identity
            ? new[] { new TorchModule(Module, "torch.nn." + Torch) }
            : new[] { new TorchModule(Module, "torch.nn." + Torch), new TorchModule(ActivationModule!, Activation.TorchModule) };

        public override string Modules => Torch + (Activation is Identity ? string.Empty : ", " + Activation.Name);

        public override string? TorchInputShape => _m.Spatial ? $"-1, {C}, {_m.Shape.Height}, {_m.Shape.Width}" : null;

        public override string TopologyToken => "bn";

        public override string Summary =>
            $"{_m.Kind}({C}) + {Activation.Name,-10} → {_m.Shape}, {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters, {(2 * C).ToString("N0", CultureInfo.InvariantCulture)} buffers";

        public override string Layout => "γ then β (one per " + (_m.Spatial ? "channel" : "feature") + ")";

        public override long ForwardFlops => 2L * Outputs;

        public override long BackwardFlops => (Previous is null ? 4L : 8L) * Outputs;

        private string Over => _m.Spatial ? "per channel over the mini-batch and its positions" : "per feature over the mini-batch";

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"a{I} = {Activation.Name}(γ{I}·x̂ + β{I}),  x̂ = ({InputName} − μ)/√(σ² + {Text(_m.Epsilon)}),  μ, σ² {Over} in training (then the running",
            $"    statistics r ← {Text(1 - _m.Momentum)}·r + {Text(_m.Momentum)}·batch, σ² unbiased there), the running ones in Predict: a{I} = {Activation.Name}({InputName}·s + t)",
        };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[]
            {
                $"δ{Previous.Index} = γ{I}/σ·(δ{I} − mean(δ{I}) − x̂·mean(δ{I}·x̂)), the means {Over}"
                    + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty),
            };

        public override string GradientEquation => "∂L/∂γ_l = Σ δ_l·x̂, ∂L/∂β_l = Σ δ_l   (batch normalization: per channel, over the mini-batch and its positions)";

        public override string? OutputDerivativeEquation => Activation is Identity ? null : Activation.DerivativeEquation;

        public override bool HasOutputDerivative => Activation is not Identity;

        public override void EmitOutputDerivative(CodeWriter w, Kernels kernels, string delta, string outputs, string? count = null) =>
            Activation.EmitDerivative(w, kernels, Index, delta, outputs, Outputs, count);

        public override IReadOnlyList<ParameterTensor> Tensors => new[]
        {
            new ParameterTensor("weight", new[] { C }, "W" + I, C, $"Layer{I}Weights", $"γ{I}, the scale of layer {I}: {C} values (PyTorch's weight)."),
            new ParameterTensor("bias", new[] { C }, "B" + I, C, $"Layer{I}Bias", $"β{I}, the shift of layer {I}: {C} values (PyTorch's bias)."),
            new ParameterTensor("running_mean", new[] { C }, "RM" + I, C, $"Layer{I}RunningMean", $"The running mean of layer {I}: {C} values (a buffer: not trained).") { Role = TensorRole.Buffer },
            new ParameterTensor("running_var", new[] { C }, "RV" + I, C, $"Layer{I}RunningVariance", $"The running (unbiased) variance of layer {I}: {C} values (a buffer: not trained).") { Role = TensorRole.Buffer },
            new ParameterTensor("num_batches_tracked", Array.Empty<int>(), "NB" + I, 1, $"Layer{I}BatchesTracked", $"The mini-batches layer {I}'s running statistics have seen (PyTorch's num_batches_tracked, int64).") { Role = TensorRole.Counter },
        };

        public override string ForwardArguments(string sources, string output, string scratch) => $"ref p, ref q, {sources}, {output}{scratch}";

        public override string ForwardBatchArguments(string sources, string output) => $"ref p, ref q, {sources}, {output}, m, ref s, training, ref st";

        public override string BackwardExtra => ", ref st";

        public override int StreamScratch => Outputs;

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"Layer{I}Forward(ref p, ref q, ref {input}, ref {scratch});");
            w.Line($"ref {t.Type} {output} = ref {scratch};");
        }

        public override void EmitOnnx(CodeWriter w, string module)
        {
            IReadOnlyList<ParameterTensor> tensors = Tensors;
            string Init(int i) => $"g.Initializer(\"{module}.{tensors[i].Name}\", {ShapeLiteral(tensors[i])}, {tensors[i].View})";
            if (_m.Spatial)
            {
                w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {C}, {_m.Shape.Height}, {_m.Shape.Width}) }});");
            }

            w.Line($"x = g.Node(\"BatchNormalization\", new[] {{ x, {Init(0)}, {Init(1)}, {Init(2)}, {Init(3)} }}, global::NetGen.IO.OnnxAttribute.Float(\"epsilon\", {FloatLiteral(_m.Epsilon)}), global::NetGen.IO.OnnxAttribute.Float(\"momentum\", {FloatLiteral(1 - _m.Momentum)}));");
            string? activation = Activation.Onnx("g", "x");
            if (activation is not null)
            {
                w.Line($"x = {activation};");
            }

            if (_m.Spatial)
            {
                w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Outputs}) }});");
            }
        }

        public override void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of γ{I} ({C}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int W{I} = {ParameterOffset};");
            w.Line($"/// <summary>Offset of β{I} ({C}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int B{I} = {ParameterOffset + C};");
            w.Line($"/// <summary>Offset of layer {I}'s running mean ({C}) in <see cref=\"Buffers\"/>.</summary>");
            w.Line($"private const int RM{I} = {BufferOffset};");
            w.Line($"/// <summary>Offset of layer {I}'s running variance ({C}) in <see cref=\"Buffers\"/>.</summary>");
            w.Line($"private const int RV{I} = {BufferOffset + C};");
            w.Line($"/// <summary>Index of layer {I}'s num_batches_tracked in <see cref=\"Counters\"/>.</summary>");
            w.Line($"private const int NB{I} = {CounterOffset};");
            w.Line($"/// <summary>Offset of layer {I}'s batch statistics (mean, 1/σ, unbiased variance; {C} each) in the training statistics.</summary>");
            w.Line($"private const int ST{I} = {StatisticsOffset};");
            w.Line($"/// <summary>Offset of a{I} ({_m.Shape}), then x̂, in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
            w.Line($"// Layer {I}: γ{I} = 1, β{I} = 0; running mean 0, running variance 1, no batches tracked (as PyTorch's reset_parameters).");
            w.Line($"Layer{I}Weights.Fill(1);");
            w.Line($"Layer{I}Bias.Clear();");
            w.Line($"Layer{I}RunningMean.Clear();");
            w.Line($"Layer{I}RunningVariance.Fill(1);");
            w.Line($"Layer{I}BatchesTracked.Clear();");
        }

        /// <summary>Layer{l}Forward(ref p, ref q, ref x, ref a): evaluation, the running statistics folded into y = x·s + t.</summary>
        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} ({_m.Kind}) in evaluation, one example: a{I} = {Activation.Name}({InputName}·s + t), s = γ/√(running variance + ε), t = β − running mean·s.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} q, ref {T} x, ref {T} a)"))
            {
                EmitLocals(w, T);
                w.Line($"ref {T} mean = ref Unsafe.Add(ref q, RM{I});");
                w.Line($"ref {T} variance = ref Unsafe.Add(ref q, RV{I});");
                using (w.Block($"for (nuint c = 0; c < {C}; c++)"))
                {
                    w.Line($"{T} inverse = {t.One} / {t.Math}.Sqrt(Unsafe.Add(ref variance, c) + {t.Literal(_m.Epsilon)});");
                    w.Line($"{T} scale = inverse * Unsafe.Add(ref gamma, c);");
                    w.Line($"{T} shift = Unsafe.Add(ref beta, c) - (Unsafe.Add(ref mean, c) * scale);");
                    w.Line(HW == 1
                        ? "Unsafe.Add(ref a, c) = (Unsafe.Add(ref x, c) * scale) + shift;"
                        : $"global::NetGen.Runtime.Normalization.ScaleShift(ref Unsafe.Add(ref x, c * {HW}), ref Unsafe.Add(ref a, c * {HW}), 1, 0, {HW}, scale, shift);");
                }

                EmitActivation(w, kernels, "a");
            }
        }

        /// <summary>Layer{l}ForwardBatch: evaluation example by example, or training with the whole mini-batch's statistics.</summary>
        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line("/// <summary>");
            w.Line($"/// Layer {I} ({_m.Kind}) for a mini-batch: in training, μ and σ² of each {(_m.Spatial ? "channel" : "feature")} over all count examples{(_m.Spatial ? " and its positions" : string.Empty)},");
            w.Line($"/// x̂ stored after the count outputs, the statistics into st for Train to commit; in evaluation, Layer{I}Forward per example.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} q, ref {T} x, ref {T} y, int count, ref {T} s, bool training, ref {T} st)"))
            {
                using (w.Block("if (!training)"))
                {
                    using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                    {
                        w.Line($"Layer{I}Forward(ref p, ref q, ref Unsafe.Add(ref x, n * {Outputs}), ref Unsafe.Add(ref y, n * {Outputs}));");
                    }

                    w.Line("return;");
                }

                w.Line();
                EmitLocals(w, T);
                w.Line($"ref {T} xhat = ref Unsafe.Add(ref y, (nuint)count * {Outputs});");
                w.Line($"ref {T} statistics = ref Unsafe.Add(ref st, ST{I});");
                w.Line($"double values = (double)count * {HW};");
                using (w.Block($"for (nuint c = 0; c < {C}; c++)"))
                {
                    string at = HW == 1 ? "c" : $"c * {HW}";
                    w.Line($"{T} mean = ({T})(global::NetGen.Runtime.Normalization.Sum(ref Unsafe.Add(ref x, {at}), count, {Outputs}, {HW}) / values);");
                    w.Line($"double squares = global::NetGen.Runtime.Normalization.SquaredDeviations(ref Unsafe.Add(ref x, {at}), count, {Outputs}, {HW}, mean);");
                    w.Line($"{T} inverse = {t.One} / {t.Math}.Sqrt(({T})(squares / values) + {t.Literal(_m.Epsilon)});");
                    w.Line("Unsafe.Add(ref statistics, c) = mean;");
                    w.Line($"Unsafe.Add(ref statistics, {C} + c) = inverse;");
                    w.Line($"Unsafe.Add(ref statistics, {2 * C} + c) = ({T})(squares / (values - 1));");
                    w.Line($"global::NetGen.Runtime.Normalization.Normalize(ref Unsafe.Add(ref x, {at}), ref Unsafe.Add(ref xhat, {at}), ref Unsafe.Add(ref y, {at}), count, {Outputs}, {HW}, mean, inverse, Unsafe.Add(ref gamma, c), Unsafe.Add(ref beta, c));");
                }

                if (Activation is not Identity)
                {
                    using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                    {
                        EmitActivation(w, kernels, $"Unsafe.Add(ref y, n * {Outputs})");
                    }
                }
            }
        }

        /// <summary>
        /// Layer{l}BackwardBatch: with the mini-batch's statistics, γ and β's gradients Σ δ·x̂ and Σ δ, then δ of the input,
        /// γ/σ·(δ − Σδ/N − x̂·Σδx̂/N), N the values per statistic.
        /// </summary>
        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line("/// <summary>");
            w.Line($"/// Layer {I} ({_m.Kind}) backward, with the mini-batch's statistics: γ{I} += α·Σ δ{I}·x̂, β{I} += α·Σ δ{I}"
                + (Previous is null ? "." : $"; δ{Previous.Index} = γ{I}/σ·(δ{I} − Σδ{I}/N − x̂·Σδ{I}x̂/N) (⊙ f′), N = count·{HW} values per {(_m.Spatial ? "channel" : "feature")}."));
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} y, ref {T} d{dxParameter}, ref {T} st, int count)"))
            {
                w.Line($"ref {T} xhat = ref Unsafe.Add(ref y, (nuint)count * {Outputs});");
                w.Line($"ref {T} gamma = ref Unsafe.Add(ref p, W{I});");
                w.Line($"ref {T} statistics = ref Unsafe.Add(ref st, ST{I});");
                w.Line($"double values = (double)count * {HW};");
                using (w.Block($"for (nuint c = 0; c < {C}; c++)"))
                {
                    string at = HW == 1 ? "c" : $"c * {HW}";
                    w.Line($"(double sum, double dot) = global::NetGen.Runtime.Normalization.SumAndDot(ref Unsafe.Add(ref d, {at}), ref Unsafe.Add(ref xhat, {at}), count, {Outputs}, {HW});");
                    if (Previous is not null)
                    {
                        w.Line("// δ of the input first, with γ before any update (target may be the parameters themselves)");
                        w.Line($"{T} scale = Unsafe.Add(ref gamma, c) * Unsafe.Add(ref statistics, {C} + c);");
                        w.Line($"global::NetGen.Runtime.Normalization.InputDelta(ref Unsafe.Add(ref d, {at}), ref Unsafe.Add(ref xhat, {at}), ref Unsafe.Add(ref dx, {at}), count, {Outputs}, {HW}, scale, ({T})(-scale * sum / values), ({T})(-scale * dot / values));");
                    }

                    w.Line($"Unsafe.Add(ref target, W{I} + (int)c) += alpha * ({T})dot;");
                    w.Line($"Unsafe.Add(ref target, B{I} + (int)c) += alpha * ({T})sum;");
                }

                if (Previous is not null)
                {
                    EmitSourceDerivative(w, kernels, 0, "dx", "x", "(nuint)count");
                }
            }
        }

        public override void EmitCommit(CodeWriter w, Numeric t)
        {
            string T = t.Type;
            w.Line($"// Layer {I} ({_m.Kind}): r ← {Text(_m.Momentum)}·batch + {Text(1 - _m.Momentum)}·r, in double as PyTorch does; one more batch tracked.");
            using (w.Block())
            {
                w.Line($"ref {T} statistics = ref Unsafe.Add(ref st, ST{I});");
                using (w.Block($"for (nuint c = 0; c < {C}; c++)"))
                {
                    w.Line($"ref {T} mean = ref Unsafe.Add(ref q, RM{I} + (int)c);");
                    w.Line($"ref {T} variance = ref Unsafe.Add(ref q, RV{I} + (int)c);");
                    w.Line($"mean = ({T})(({Text(_m.Momentum)} * (double)Unsafe.Add(ref statistics, c)) + ({Text(1 - _m.Momentum)} * (double)mean));");
                    w.Line($"variance = ({T})(({Text(_m.Momentum)} * (double)Unsafe.Add(ref statistics, {2 * C} + c)) + ({Text(1 - _m.Momentum)} * (double)variance));");
                }

                w.Line($"_counters[NB{I}]++;");
            }
        }

        private void EmitLocals(CodeWriter w, string T)
        {
            w.Line($"ref {T} gamma = ref Unsafe.Add(ref p, W{I});");
            w.Line($"ref {T} beta = ref Unsafe.Add(ref p, B{I});");
        }

        /// <summary>The activation over one example's outputs at ref <paramref name="y"/>, in place (nothing for the identity).</summary>
        private void EmitActivation(CodeWriter w, Kernels kernels, string y)
        {
            if (Activation is not Identity)
            {
                w.Line($"{kernels.Activate(Activation, Outputs)}(ref {y}, ref {y});");
            }
        }

        private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        private static string FloatLiteral(double value) => ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f";
    }
}
