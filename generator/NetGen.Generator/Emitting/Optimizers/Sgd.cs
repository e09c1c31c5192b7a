namespace NetGen.Generator.Emitting.Optimizers
{
    /// <summary>Plain SGD, θ ← θ − η·(∇ + λθ) (torch.optim.SGD): no state; without weight decay, fused into the backward pass.</summary>
    internal sealed class Sgd : Optimizer
    {
        public Sgd(Numeric t)
            : base(t)
        {
        }

        public override string Name => "plain SGD";

        public override string[] Equations => new[] { "θ ← θ − η·(∇ + λθ)" };

        public override int StateBuffers => 0;

        public override bool CanFuse => true;

        /// <summary>θ −= η·g.</summary>
        public override int StepFlops => 2;

        protected override string StateDescription => "none, plain SGD keeps no state";

        public override string StepFactory(string theta, string state, string rate, string step) =>
            $"{StepType}.Sgd({theta}, {rate}, _weightDecay)";
    }
}
