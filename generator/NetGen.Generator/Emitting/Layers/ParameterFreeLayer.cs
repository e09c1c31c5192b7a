using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// The common part of the layers without parameters (MaxPool2D, Flatten, Dropout): no tensors, nothing to
    /// initialize, no parameter gradient, one output of as many rows as the layer before it, and a copy helper.
    /// </summary>
    internal abstract class ParameterFreeLayer : Layer
    {
        protected ParameterFreeLayer(LayerContext context)
            : base(context)
        {
        }

        public override int ParameterCount => 0;

        public override IReadOnlyList<ParameterTensor> Tensors => Array.Empty<ParameterTensor>();

        /// <summary>The one PyTorch module this layer is, constructed.</summary>
        protected abstract string TorchConstructor { get; }

        public override IEnumerable<TorchModule> TorchModules => new[] { new TorchModule(Module, TorchConstructor) };

        public override string Layout => "no parameters";

        public override string GradientEquation => "(layers without parameters add no parameter gradient)";

        public override int BatchScratch(Kernels kernels) => 0;

        public override bool SupportsUpdate => false;

        public override int StreamScratch => OutputWidth;

        public override void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of a{I} ({OutputWidth} values) in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
        }

        protected static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        protected static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
