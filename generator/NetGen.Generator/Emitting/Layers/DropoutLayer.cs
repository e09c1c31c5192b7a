using System;
using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Inverted dropout (nn.Dropout): in training each value is multiplied by m/(1 − p), m ~ Bernoulli(1 − p) drawn from
    /// the counter-based generator of NetGen.Runtime.Dropout (keyed by the seed, StepCount, the layer, the example's
    /// index in the batch and the unit), and the factors are stored after the outputs for the backward pass; outside
    /// training (Predict, Loss, Classify) it is the identity.
    /// </summary>
    internal sealed class DropoutLayer : ParameterFreeLayer
    {
        private readonly DropoutModel _m;

        public DropoutLayer(LayerContext context, DropoutModel model)
            : base(context)
        {
            _m = model;
            Rows = context.Node.Rows;
        }

        /// <summary>Rows per example: 1, or T after a recurrent layer that returns sequences.</summary>
        public int Rows { get; }

        private double Probability => _m.Probability;

        public override int Inputs => _m.InputsPerRow;

        public override int Outputs => _m.OutputsPerRow;

        public override int InputWidth => Rows * Inputs;

        public override int OutputRows => Rows;


        public override bool BackwardUsesStored => true;

        public override bool IsStochastic => true;

        public override string Modules => $"Dropout(p={Text(Probability)})";

        protected override string TorchConstructor => $"torch.nn.Dropout({Text(Probability)})";

        public override string TopologyToken => "dropout";

        public override string Summary => $"Dropout(p = {Text(Probability)}) → {OutputWidth} values (in training only), no parameters";

        public override long ForwardFlops => OutputWidth;

        public override long BackwardFlops => OutputWidth;

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"a{I} = m ⊙ {InputName} / (1 − {Text(Probability)}) in training, m_i ~ Bernoulli(1 − p) keyed by (seed, StepCount, example, i); a{I} = {InputName} in Predict",
        };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[] { $"δ{Previous.Index} = δ{I} ⊙ m / (1 − {Text(Probability)})" + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty) };

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch) =>
            w.Line($"ref {t.Type} {output} = ref {input};");

        // In the exported graph dropout is the identity outside training: nothing to add.
        public override void EmitOnnx(CodeWriter w, string module) =>
            w.Line("// (no node)");

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line($"/// <summary>Layer {I} (Dropout) outside training: the identity.</summary>");
            using (w.Block($"private static void Layer{I}Forward(ref {t.Type} p, ref {t.Type} x, ref {t.Type} a)"))
            {
                w.Line(Copy("x", "a", Text(OutputWidth)));
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            int width = OutputWidth;
            w.Line($"/// <summary>");
            w.Line($"/// Layer {I} (Dropout) for a mini-batch: in training y = x·m/(1 − p), with the factor of each value stored after the");
            w.Line($"/// count outputs, for the examples first, first + 1, … of the step keyed by key; otherwise y = x.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s, bool training, ulong key, int first)"))
            {
                using (w.Block("if (!training)"))
                {
                    w.Line(Copy("x", "y", $"count * {width}"));
                    w.Line("return;");
                }

                w.Line();
                w.Line($"ref {T} factors = ref Unsafe.Add(ref y, (nuint)count * {width});");
                w.Line($"{T} kept = ({T})(1.0 / (1.0 - {Text(Probability)}));");
                using (w.Block("for (int n = 0; n < count; n++)"))
                {
                    w.Line($"ulong example = global::NetGen.Runtime.Dropout.ExampleKey(key, {I}, first + n);");
                    using (w.Block($"for (int i = 0; i < {width}; i++)"))
                    {
                        w.Line($"int k = (n * {width}) + i;");
                        w.Line($"{T} factor = global::NetGen.Runtime.Dropout.Keeps(example, i, {Text(Probability)}) ? kept : {t.Zero};");
                        w.Line("Unsafe.Add(ref factors, k) = factor;");
                        w.Line("Unsafe.Add(ref y, k) = Unsafe.Add(ref x, k) * factor;");
                    }
                }
            }
        }

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            int width = OutputWidth;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} (Dropout) backward: the δ before it is δ times each value's factor (⊙ the f′ of the layer before it).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} y, ref {T} d{dxParameter}, int count)"))
            {
                if (Previous is null)
                {
                    w.Line("// The first layer: there is no δ of an input to compute and no parameter.");
                    return;
                }

                w.Line($"ref {T} factors = ref Unsafe.Add(ref y, (nuint)count * {width});");
                using (w.Block($"for (nuint k = 0; k < (nuint)count * {width}; k++)"))
                {
                    w.Line("Unsafe.Add(ref dx, k) = Unsafe.Add(ref d, k) * Unsafe.Add(ref factors, k);");
                }

                EmitSourceDerivative(w, kernels, 0, "dx", "x", Rows > 1 ? $"(nuint)count * {Rows}" : "(nuint)count");
            }
        }
    }
}
