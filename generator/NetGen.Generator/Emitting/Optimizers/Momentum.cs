using System.Collections.Generic;

namespace NetGen.Generator.Emitting.Optimizers
{
    /// <summary>SGD with momentum, or with Nesterov momentum (torch.optim.SGD, dampening 0): one velocity buffer.</summary>
    internal sealed class Momentum : Optimizer
    {
        private readonly bool _nesterov;

        public Momentum(Numeric t, bool nesterov)
            : base(t)
        {
            _nesterov = nesterov;
        }

        public override string Name => _nesterov ? "SGD with Nesterov momentum" : "SGD with momentum";

        /// <summary>v ← μv + g, θ −= η·v (Nesterov: θ −= η·(g + μv), two more).</summary>
        public override int StepFlops => _nesterov ? 6 : 4;

        public override string[] Equations => _nesterov
            ? new[] { "g ← ∇ + λθ;  b ← μ·b + g;  θ ← θ − η·(g + μ·b)   (torch.optim.SGD, nesterov=True)" }
            : new[] { "g ← ∇ + λθ;  b ← μ·b + g;  θ ← θ − η·b   (torch.optim.SGD, dampening 0)" };

        public override int StateBuffers => 1;

        protected override string StateDescription => "the velocity b, same layout as Parameters";

        protected override IEnumerable<Hyperparameter> KindHyperparameters => new[]
        {
            new Hyperparameter("Momentum", 0.9, "UnitInterval", "Momentum μ (default 0.9): in [0, 1), else the setter throws."),
        };

        public override string StepFactory(string theta, string state, string rate, string step) =>
            $"{StepType}.Momentum({theta}, {state}, {rate}, _momentum, _weightDecay, nesterov: {(_nesterov ? "true" : "false")})";
    }
}
