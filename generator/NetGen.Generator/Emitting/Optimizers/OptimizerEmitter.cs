using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Optimizers
{
    /// <summary>
    /// The update rule Train applies to a gradient g, with PyTorch's formulas and defaults (torch.optim.SGD, Adam,
    /// AdamW). Hyperparameters are properties of the generated class; state buffers are allocated once per
    /// instance, on the first step.
    /// </summary>
    internal sealed class OptimizerEmitter
    {
        private readonly OptimizerKind _kind;
        private readonly Numeric _t;

        public OptimizerEmitter(OptimizerKind kind, Numeric t)
        {
            _kind = kind;
            _t = t;
        }

        /// <summary>True for plain SGD: a batch-1 step can be fused into the backward pass (when weight decay is 0).</summary>
        public bool CanFuse => _kind == OptimizerKind.Sgd;

        public string Name => _kind switch
        {
            OptimizerKind.Momentum => "SGD with momentum",
            OptimizerKind.Nesterov => "SGD with Nesterov momentum",
            OptimizerKind.Adam => "Adam",
            OptimizerKind.AdamW => "AdamW",
            OptimizerKind.Sgd => "plain SGD",
            _ => throw Unknown(),
        };

        public string[] Equations => _kind switch
        {
            OptimizerKind.Momentum => new[] { "g ← ∇ + λθ;  b ← μ·b + g;  θ ← θ − η·b   (torch.optim.SGD, dampening 0)" },
            OptimizerKind.Nesterov => new[] { "g ← ∇ + λθ;  b ← μ·b + g;  θ ← θ − η·(g + μ·b)   (torch.optim.SGD, nesterov=True)" },
            OptimizerKind.Adam => new[]
            {
                "g ← ∇ + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²   (torch.optim.Adam)",
                "θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)",
            },
            OptimizerKind.AdamW => new[]
            {
                "θ ← θ(1 − ηλ)  (decoupled weight decay);  m ← β₁m + (1 − β₁)∇;  v ← β₂v + (1 − β₂)∇²   (torch.optim.AdamW)",
                "θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)",
            },
            OptimizerKind.Sgd => new[] { "θ ← θ − η·(∇ + λθ)" },
            _ => throw Unknown(),
        };

        public void EmitMembers(CodeWriter w)
        {
            string t = _t.Type;
            double decay = _kind == OptimizerKind.AdamW ? 0.01 : 0;
            w.Line($"/// <summary>Weight decay λ ({(_kind == OptimizerKind.AdamW ? "decoupled, " : "L2, added to the gradient, ")}default {_t.Literal(decay)}): finite and ≥ 0, else the setter throws.</summary>");
            EmitProperty(w, "WeightDecay", decay, "NonNegative");
            if (_kind is OptimizerKind.Momentum or OptimizerKind.Nesterov)
            {
                w.Line("/// <summary>Momentum μ (default 0.9): in [0, 1), else the setter throws.</summary>");
                EmitProperty(w, "Momentum", 0.9, "UnitInterval");
            }

            if (_kind is OptimizerKind.Adam or OptimizerKind.AdamW)
            {
                w.Line("/// <summary>Decay rate β₁ of the first moment (default 0.9): in [0, 1), else the setter throws.</summary>");
                EmitProperty(w, "Beta1", 0.9, "UnitInterval");
                w.Line("/// <summary>Decay rate β₂ of the second moment (default 0.999): in [0, 1), else the setter throws.</summary>");
                EmitProperty(w, "Beta2", 0.999, "UnitInterval");
                w.Line("/// <summary>ε added to the denominator (default 1e-8): finite and &gt; 0, else the setter throws.</summary>");
                EmitProperty(w, "Epsilon", 1e-8, "Positive");
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

        /// <summary>Buffers of ParameterCount values the optimizer keeps: 0 for SGD, 1 (velocity) with momentum, 2 (moments) for Adam.</summary>
        public int StateBuffers => _kind switch
        {
            OptimizerKind.Sgd => 0,
            OptimizerKind.Momentum or OptimizerKind.Nesterov => 1,
            OptimizerKind.Adam or OptimizerKind.AdamW => 2,
            _ => throw Unknown(),
        };

        private string StateDescription => _kind switch
        {
            OptimizerKind.Sgd => "none, plain SGD keeps no state",
            OptimizerKind.Momentum or OptimizerKind.Nesterov => "the velocity b, same layout as Parameters",
            OptimizerKind.Adam or OptimizerKind.AdamW => "the first moments m, then the second moments v, each in the layout of Parameters",
            _ => throw Unknown(),
        };

        /// <summary>A hyperparameter property whose setter checks the value with Guard.{check}, and its backing field.</summary>
        private void EmitProperty(CodeWriter w, string name, double initial, string check)
        {
            string field = "_" + char.ToLowerInvariant(name[0]) + name.Substring(1);
            using (w.Block($"public {_t.Type} {name}"))
            {
                w.Line($"get => {field};");
                using (w.Block("set"))
                {
                    w.Line($"global::NetGen.Runtime.Guard.{check}(value, nameof(value));");
                    w.Line($"{field} = value;");
                }
            }

            w.Line();
            w.Line($"private {_t.Type} {field}{(initial != 0 ? " = " + _t.Literal(initial) : string.Empty)};");
            w.Line();
        }

        /// <summary>Writes private void ApplyStep(ref T g, T rate): one optimizer step with gradient g.</summary>
        public void EmitStep(CodeWriter w, Kernels kernels, int parameterCount)
        {
            string t = _t.Type;
            w.Line($"/// <summary>One {Name} step with gradient g over all parameters: {Escape(string.Join("; ", Equations))}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private void ApplyStep(ref {t} g, {t} rate)"))
            {
                w.Line("_stepCount++;");
                w.Line($"ref {t} p = ref ParameterBase;");
                switch (_kind)
                {
                    case OptimizerKind.Sgd:
                        using (w.Block($"if (WeightDecay == {_t.Zero})"))
                        {
                            w.Line($"{kernels.Axpy(parameterCount)}(ref p, -rate, ref g);");
                            w.Line("return;");
                        }

                        w.Line($"{t} decay = WeightDecay;");
                        using (w.Block($"for (nuint i = 0; i < {parameterCount}; i++)"))
                        {
                            w.Line($"ref {t} theta = ref Unsafe.Add(ref p, i);");
                            w.Line("theta -= rate * (Unsafe.Add(ref g, i) + (decay * theta));");
                        }

                        break;

                    case OptimizerKind.Momentum:
                    case OptimizerKind.Nesterov:
                        w.Line($"ref {t} b = ref MemoryMarshal.GetArrayDataReference(_optimizerState ??= new {t}[OptimizerStateSize]);");
                        w.Line($"{t} decay = WeightDecay;");
                        w.Line($"{t} mu = Momentum;");
                        using (w.Block($"for (nuint i = 0; i < {parameterCount}; i++)"))
                        {
                            w.Line($"ref {t} theta = ref Unsafe.Add(ref p, i);");
                            w.Line($"ref {t} bi = ref Unsafe.Add(ref b, i);");
                            w.Line($"{t} gi = Unsafe.Add(ref g, i) + (decay * theta);");
                            w.Line("bi = (mu * bi) + gi;");
                            w.Line(_kind == OptimizerKind.Nesterov ? "theta -= rate * (gi + (mu * bi));" : "theta -= rate * bi;");
                        }

                        break;

                    case OptimizerKind.Adam:
                    case OptimizerKind.AdamW:
                        bool decoupled = _kind == OptimizerKind.AdamW;
                        w.Line($"ref {t} m = ref MemoryMarshal.GetArrayDataReference(_optimizerState ??= new {t}[OptimizerStateSize]);");
                        w.Line($"ref {t} v = ref Unsafe.Add(ref m, ParameterCount);");
                        w.Line($"{t} beta1 = Beta1, beta2 = Beta2, epsilon = Epsilon, decay = WeightDecay;");
                        w.Line($"{t} stepSize = rate / ({t})(1.0 - Math.Pow(beta1, _stepCount));");
                        w.Line($"{t} correction2 = ({t})Math.Sqrt(1.0 - Math.Pow(beta2, _stepCount));");
                        if (decoupled)
                        {
                            w.Line($"{t} shrink = {_t.One} - (rate * decay);");
                        }

                        using (w.Block($"for (nuint i = 0; i < {parameterCount}; i++)"))
                        {
                            w.Line($"ref {t} theta = ref Unsafe.Add(ref p, i);");
                            w.Line($"ref {t} mi = ref Unsafe.Add(ref m, i);");
                            w.Line($"ref {t} vi = ref Unsafe.Add(ref v, i);");
                            if (decoupled)
                            {
                                w.Line("theta *= shrink;");
                                w.Line($"{t} gi = Unsafe.Add(ref g, i);");
                            }
                            else
                            {
                                w.Line($"{t} gi = Unsafe.Add(ref g, i) + (decay * theta);");
                            }

                            w.Line($"mi = (beta1 * mi) + (({_t.One} - beta1) * gi);");
                            w.Line($"vi = (beta2 * vi) + (({_t.One} - beta2) * gi * gi);");
                            w.Line($"theta -= stepSize * mi / (({_t.Math}.Sqrt(vi) / correction2) + epsilon);");
                        }

                        break;

                    default:
                        throw Unknown();
                }
            }
        }

        /// <summary>Every switch over the optimizer is exhaustive: a kind without a case is an error here, never a silent SGD.</summary>
        private System.ArgumentOutOfRangeException Unknown() => new("kind", _kind, "Unknown optimizer.");

        private static string Escape(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
