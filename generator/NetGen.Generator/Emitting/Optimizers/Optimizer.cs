using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Optimizers
{
    /// <summary>A hyperparameter property of the generated class: its name, PyTorch's default, the Guard check its setter makes, its doc.</summary>
    internal sealed record Hyperparameter(string Name, double Default, string Check, string Summary);

    /// <summary>
    /// The update rule Train applies to a gradient g, with PyTorch's formulas and defaults (torch.optim.SGD, Adam, AdamW).
    /// Hyperparameters are properties of the generated class; state buffers are allocated once per instance, on the
    /// first step. The step itself is one call into NetGen.Runtime.OptimizerSteps: a vectorized pass over the parameters
    /// that does not depend on the network's sizes. Adding an optimizer means one subclass here and one entry in
    /// <see cref="For"/>.
    /// </summary>
    internal abstract class Optimizer
    {
        protected Optimizer(Numeric t)
        {
            T = t;
        }

        /// <summary>The network's numeric type.</summary>
        protected Numeric T { get; }

        /// <summary>As written in comments and summaries, e.g. "Adam".</summary>
        public abstract string Name { get; }

        /// <summary>The update rule, for the header.</summary>
        public abstract string[] Equations { get; }

        /// <summary>Buffers of ParameterCount values the optimizer keeps: 0 for SGD, 1 (velocity) with momentum, 2 (moments) for Adam.</summary>
        public abstract int StateBuffers { get; }

        /// <summary>What the state holds, for the docs of OptimizerState.</summary>
        protected abstract string StateDescription { get; }

        /// <summary>FLOPs of one step per parameter, for the header (at λ = 0; a square root or a division counted as one).</summary>
        public abstract int StepFlops { get; }

        /// <summary>True for plain SGD: the step can be fused into the backward pass (when weight decay is 0).</summary>
        public virtual bool CanFuse => false;

        /// <summary>The weight decay's default and how it applies.</summary>
        protected virtual (double Default, string How) WeightDecay => (0, "L2, added to the gradient");

        /// <summary>Every hyperparameter property, weight decay first.</summary>
        public IReadOnlyList<Hyperparameter> Hyperparameters
        {
            get
            {
                var list = new List<Hyperparameter>
                {
                    new("WeightDecay", WeightDecay.Default, "NonNegative", $"Weight decay λ ({WeightDecay.How}, default {T.Literal(WeightDecay.Default)}): finite and ≥ 0, else the setter throws."),
                };
                list.AddRange(KindHyperparameters);
                return list;
            }
        }

        /// <summary>The hyperparameters beyond weight decay.</summary>
        protected virtual IEnumerable<Hyperparameter> KindHyperparameters => System.Array.Empty<Hyperparameter>();

        /// <summary>The optimizer for a kind; an unknown kind is an error, never a silent SGD.</summary>
        public static Optimizer For(OptimizerKind kind, Numeric t) => kind switch
        {
            OptimizerKind.Sgd => new Sgd(t),
            OptimizerKind.Momentum => new Momentum(t, nesterov: false),
            OptimizerKind.Nesterov => new Momentum(t, nesterov: true),
            OptimizerKind.Adam => new Adam(t, decoupled: false),
            OptimizerKind.AdamW => new Adam(t, decoupled: true),
            _ => throw new System.ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimizer."),
        };

        /// <summary>The hyperparameter properties, OptimizerStateSize, OptimizerState, StepCount and ResetOptimizer.</summary>
        public void EmitMembers(CodeWriter w)
        {
            string t = T.Type;
            foreach (Hyperparameter h in Hyperparameters)
            {
                w.Line($"/// <summary>{h.Summary}</summary>");
                EmitProperty(w, h);
            }

            w.Line($"/// <summary>Values of optimizer state: {StateDescription}.</summary>");
            w.Line($"public const int OptimizerStateSize = {(StateBuffers switch { 0 => "0", 1 => "ParameterCount", _ => $"{StateBuffers} * ParameterCount" })};");
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// The optimizer's state in one span of OptimizerStateSize values ({StateDescription}), allocated on first use:");
            w.Line("/// read it with StepCount to checkpoint a run, write both to resume it exactly. Not thread-safe.");
            w.Line("/// </summary>");
            if (StateBuffers == 0)
            {
                w.Line($"public Span<{t}> OptimizerState => Span<{t}>.Empty;");
            }
            else
            {
                w.Line($"public Span<{t}> OptimizerState => _optimizerState ??= new {t}[OptimizerStateSize];");
                w.Line();
                w.Line($"private {t}[]? _optimizerState;");
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Number of optimizer steps taken since construction or <see cref=\"ResetOptimizer\"/> (t in Adam's bias correction; k for");
            w.Line("/// schedules). Settable, to resume a run with <see cref=\"OptimizerState\"/>; a negative value throws.");
            w.Line("/// </summary>");
            using (w.Block("public long StepCount"))
            {
                w.Line("get => _stepCount;");
                w.Line("set => _stepCount = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, \"Expected a step count ≥ 0.\");");
            }

            w.Line();
            w.Line("private long _stepCount;");
            w.Line();
            w.Line("/// <summary>Forgets the optimizer's state (momentum buffers, moments, step count); parameters are unchanged.</summary>");
            using (w.Block("public void ResetOptimizer()"))
            {
                w.Line("_stepCount = 0;");
                if (StateBuffers > 0)
                {
                    w.Line("_optimizerState = null;");
                }
            }
        }

        /// <summary>Writes private void ApplyStep(ref T g, T rate): one optimizer step with the gradient g of every parameter.</summary>
        public void EmitStep(CodeWriter w)
        {
            string t = T.Type;
            w.Line($"/// <summary>One {Name} step with gradient g over all parameters: {Escape(string.Join("; ", Equations))}.</summary>");
            using (w.Block($"private void ApplyStep(ref {t} g, {t} rate)"))
            {
                w.Line("_stepCount++;");
                w.Line($"Span<{t}> theta = MemoryMarshal.CreateSpan(ref ParameterBase, ParameterCount);");
                w.Line($"ReadOnlySpan<{t}> gradient = MemoryMarshal.CreateReadOnlySpan(ref g, ParameterCount);");
                if (StateBuffers > 0)
                {
                    w.Line($"Span<{t}> state = _optimizerState ??= new {t}[OptimizerStateSize];");
                }

                w.Line(StepFactory("theta", "state", "rate", "_stepCount") + ".Apply(0, gradient);");
            }
        }

        /// <summary>
        /// An expression creating the NetGen.Runtime.OptimizerStep of step number <paramref name="step"/> over the spans
        /// <paramref name="theta"/> (the parameters) and <paramref name="state"/> (OptimizerState, when the optimizer keeps one).
        /// </summary>
        public abstract string StepFactory(string theta, string state, string rate, string step);

        /// <summary>global::NetGen.Runtime.OptimizerStep&lt;T&gt;.</summary>
        protected string StepType => $"global::NetGen.Runtime.OptimizerStep<{T.Type}>";

        /// <summary>A hyperparameter property whose setter checks the value with Guard.{check}, and its backing field.</summary>
        private void EmitProperty(CodeWriter w, Hyperparameter h)
        {
            string field = "_" + char.ToLowerInvariant(h.Name[0]) + h.Name.Substring(1);
            using (w.Block($"public {T.Type} {h.Name}"))
            {
                w.Line($"get => {field};");
                using (w.Block("set"))
                {
                    w.Line($"global::NetGen.Runtime.Guard.{h.Check}(value, nameof(value));");
                    w.Line($"{field} = value;");
                }
            }

            w.Line();
            w.Line($"private {T.Type} {field}{(h.Default != 0 ? " = " + T.Literal(h.Default) : string.Empty)};");
            w.Line();
        }

        private static string Escape(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
