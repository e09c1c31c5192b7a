using System.Collections.Generic;

namespace NetGen.Generator.Emitting.Optimizers
{
    /// <summary>Adam (torch.optim.Adam, L2 weight decay added to the gradient) or AdamW (decoupled weight decay): two moment buffers.</summary>
    internal sealed class Adam : Optimizer
    {
        private readonly bool _decoupled;

        public Adam(Numeric t, bool decoupled)
            : base(t)
        {
            _decoupled = decoupled;
        }

        public override string Name => _decoupled ? "AdamW" : "Adam";

        /// <summary>m (3), v (4), θ −= η̂·m/(√v·c + ε) (6); AdamW's decay θ(1 − ηλ), two more.</summary>
        public override int StepFlops => _decoupled ? 15 : 13;

        public override string[] Equations => new[]
        {
            _decoupled
                ? "θ ← θ(1 − ηλ)  (decoupled weight decay);  m ← β₁m + (1 − β₁)∇;  v ← β₂v + (1 − β₂)∇²   (torch.optim.AdamW)"
                : "g ← ∇ + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²   (torch.optim.Adam)",
            "θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)",
        };

        public override int StateBuffers => 2;

        protected override string StateDescription => "the first moments m, then the second moments v, each in the layout of Parameters";

        protected override (double Default, string How) WeightDecay => _decoupled ? (0.01, "decoupled") : base.WeightDecay;

        protected override IEnumerable<Hyperparameter> KindHyperparameters => new[]
        {
            new Hyperparameter("Beta1", 0.9, "UnitInterval", "Decay rate β₁ of the first moment (default 0.9): in [0, 1), else the setter throws."),
            new Hyperparameter("Beta2", 0.999, "UnitInterval", "Decay rate β₂ of the second moment (default 0.999): in [0, 1), else the setter throws."),
            new Hyperparameter("Epsilon", 1e-8, "Positive", "ε added to the denominator (default 1e-8): finite and &gt; 0, else the setter throws."),
        };

        public override string StepFactory(string theta, string state, string rate, string step) =>
            $"{StepType}.Adam({theta}, {state}.Slice(0, ParameterCount), {state}.Slice(ParameterCount), {rate}, _beta1, _beta2, _epsilon, _weightDecay, decoupled: {(_decoupled ? "true" : "false")}, {step})";
    }
}
