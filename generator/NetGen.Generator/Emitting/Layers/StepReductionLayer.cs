using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// The common part of the layers that turn a sequence (T rows of F values per example) into one vector of F values
    /// (GlobalAvgPool1D, LastStep): their sizes, and their twin module, a Python class of their own (<see cref="TorchClass"/>).
    /// </summary>
    internal abstract class StepReductionLayer : ParameterFreeLayer
    {
        private readonly StepReductionModel _m;

        protected StepReductionLayer(LayerContext context, StepReductionModel model)
            : base(context)
        {
            _m = model;
        }

        protected int F => _m.Features;

        protected int Steps => _m.Steps;

        public override int Inputs => F;

        public override int Outputs => F;

        public override int InputWidth => Steps * F;

        public override int OutputRows => 1;

        /// <summary>The twin's module class, written once before the model (PyTorch has no module for it).</summary>
        protected abstract string TorchClass { get; }

        public override IEnumerable<TorchModule> TorchModules => new[] { new TorchModule(Module, TorchConstructor) { Helpers = new[] { TorchClass } } };

        public override string Modules => TorchConstructor;
    }
}
