using System;
using System.Collections.Generic;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// An activation that is a layer of its own, a = f(x): after a layer that does not compute activations in its kernels
    /// (a pool, Flatten, Dropout, a recurrent layer), or where the value before it is read elsewhere too. Like every layer
    /// with an activation, its f′ is read from its stored output by the layer after it; its own backward pass hands δ on.
    /// </summary>
    internal sealed class ActivationLayer : ParameterFreeLayer
    {
        private readonly LayerShape _shape;

        /// <summary>f′ is read from the input (GELU, SiLU): this layer's backward pass applies it, not the layer after it.</summary>
        private readonly bool _fromInput;

        public ActivationLayer(LayerContext context, ActivationModel model)
            : base(context)
        {
            _shape = model.Shape;
            Activation = Activation.For(model.Activation, model.Slope);
            _fromInput = model.Activation.DerivativeFromInput();
            Rows = context.Node.Rows;
        }

        public Activation Activation { get; }

        /// <summary>Rows per example: 1, or T on a sequence.</summary>
        public int Rows { get; }

        public override int Inputs => (int)_shape.Values;

        public override int Outputs => (int)_shape.Values;

        public override int InputWidth => Rows * Inputs;

        public override int OutputRows => Rows;

        protected override string TorchConstructor => Activation.TorchModule;

        public override string Modules => Activation.Name;

        public override string TopologyToken => Activation.Key.ToLowerInvariant();

        public override string Summary => $"{Activation.Name} → {_shape}{(Rows > 1 ? $" at each of {Rows} steps" : string.Empty)}, no parameters";

        public override long ForwardFlops => OutputWidth;

        public override long BackwardFlops => Previous is null ? 0 : OutputWidth;

        public override IEnumerable<string> ForwardEquations => new[] { $"a{I} = {Activation.Name}({InputName})" };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[]
            {
                $"δ{Previous.Index} = δ{I}"
                    + (_fromInput ? $" ⊙ f′({InputName}),  {Activation.DerivativeEquation}" : string.Empty)
                    + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty),
            };

        public override string? OutputDerivativeEquation => _fromInput ? null : Activation.DerivativeEquation;

        public override bool HasOutputDerivative => Activation is not Identity && !_fromInput;

        public override void EmitOutputDerivative(CodeWriter w, Kernels kernels, string delta, string outputs, string? count = null)
        {
            if (!_fromInput) // else this layer's own backward pass applied f′, from its input
            {
                Activation.EmitDerivative(w, kernels, Index, delta, outputs, Outputs, count);
            }
        }

        /// <summary>One step's row: the activation of its Outputs values (not the whole sequence's).</summary>
        public override int StreamScratch => Outputs;

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"Layer{I}{(Rows > 1 ? "ForwardRow" : "Forward")}(ref p, ref {input}, ref {scratch});");
            w.Line($"ref {t.Type} {output} = ref {scratch};");
        }

        public override void EmitOnnx(CodeWriter w, string module)
        {
            string? node = Activation.Onnx("g", "x");
            w.Line(node is null ? "// (no node)" : $"x = {node};");
        }

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line($"/// <summary>Layer {I} ({Activation.Name}) forward for one example: a{I} = {Activation.Name}({InputName}).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {t.Type} p, ref {t.Type} x, ref {t.Type} a)"))
            {
                w.Line($"{kernels.Activate(Activation, OutputWidth)}(ref x, ref a);");
            }

            if (Rows > 1)
            {
                w.Line();
                w.Line($"/// <summary>Layer {I} ({Activation.Name}) for one step's row of {Outputs} values (streaming).</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                using (w.Block($"private static void Layer{I}ForwardRow(ref {t.Type} p, ref {t.Type} x, ref {t.Type} a)"))
                {
                    w.Line($"{kernels.Activate(Activation, Outputs)}(ref x, ref a);");
                }
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line($"/// <summary>Layer {I} ({Activation.Name}) forward for a mini-batch: row n of y is {Activation.Name} of row n of x.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {t.Type} p, ref {t.Type} x, ref {t.Type} y, int count, ref {t.Type} s)"))
            {
                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"{kernels.Activate(Activation, OutputWidth)}(ref Unsafe.Add(ref x, n * {OutputWidth}), ref Unsafe.Add(ref y, n * {OutputWidth}));");
                }
            }
        }

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string dxParameter = Previous is null ? string.Empty : $", ref {t.Type} dx";
            w.Line(_fromInput
                ? $"/// <summary>Layer {I} ({Activation.Name}) backward: δ of its input is δ{I} ⊙ f′ of its input (⊙ the f′ of the layer before it).</summary>"
                : $"/// <summary>Layer {I} ({Activation.Name}) backward: δ of its input is δ{I}, whose f′ the layer after it applied (⊙ the f′ of the layer before it).</summary>");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {t.Type} p, ref {t.Type} target, {t.Type} alpha, ref {t.Type} x, ref {t.Type} d{dxParameter}, int count)"))
            {
                if (Previous is not null)
                {
                    string rows = Rows > 1 ? $"(nuint)count * {Rows}" : "(nuint)count";
                    w.Line(Copy("d", "dx", $"count * {OutputWidth}"));
                    if (_fromInput)
                    {
                        Activation.EmitDerivative(w, kernels, Index, "dx", "x", Outputs, rows);
                    }

                    EmitSourceDerivative(w, kernels, 0, "dx", "x", rows);
                }
            }
        }
    }
}
