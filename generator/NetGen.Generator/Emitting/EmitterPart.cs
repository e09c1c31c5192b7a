using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Heads;
using NetGen.Generator.Emitting.Layers;
using NetGen.Generator.Emitting.Optimizers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// What every part of a network's emitter shares: the model, its plan of layers, the head, the optimizer, the kernels
    /// requested so far (one registry for the whole network), and the sizes and spellings they all use, computed once. Each
    /// part (<see cref="NetworkEmitter"/>, <see cref="InferenceEmitter"/>, <see cref="TrainingEmitter"/>, …) writes one
    /// concern of the generated class.
    /// </summary>
    internal abstract class EmitterPart
    {
        protected readonly NetworkModel _model;
        protected readonly NetworkPlan _plan;
        protected readonly Numeric _t;
        protected readonly IReadOnlyList<Layer> _layers;
        protected readonly Head _head;
        protected readonly Optimizer _optimizer;
        protected readonly Kernels _kernels;
        protected readonly int _parameterCount;
        protected readonly int _activationCount;
        protected readonly int _batchChunk;

        /// <summary>Whether every layer can keep blocks of examples transposed (batched prediction's fast path).</summary>
        protected readonly bool _blocks;

        /// <summary>The parts' shared state, computed from the model.</summary>
        protected EmitterPart(NetworkModel model)
        {
            _model = model;
            _t = Numeric.For(model.Precision);
            _kernels = new Kernels(_t);
            _plan = NetworkPlan.For(model);
            _layers = _plan.Layers;
            _parameterCount = _plan.ParameterCount;
            _activationCount = _plan.ActivationCount;
            _batchChunk = System.Math.Max(4, System.Math.Min(256, (1 << 20) / _activationCount / 4 * 4));
            _head = Head.For(model.Head, Last.Outputs, _t);
            _blocks = _layers.All(l => l.SupportsBlocks);
            _optimizer = Optimizer.For(model.Optimizer, _t);
        }

        /// <summary>Another part over the same network: the same state, the same kernel registry.</summary>
        protected EmitterPart(EmitterPart shared)
        {
            _model = shared._model;
            _plan = shared._plan;
            _t = shared._t;
            _layers = shared._layers;
            _head = shared._head;
            _optimizer = shared._optimizer;
            _kernels = shared._kernels;
            _parameterCount = shared._parameterCount;
            _activationCount = shared._activationCount;
            _batchChunk = shared._batchChunk;
            _blocks = shared._blocks;
        }

        protected Layer First => _layers[0];

        /// <summary>The widest layer input or output (≥ half of any layer's inputs + outputs, so two blocks of it hold TransposeScratch).</summary>
        protected int ChainWidth => _layers.Max(l => System.Math.Max(l.Inputs, l.Outputs));

        /// <summary>Value of the generated TransposeScratch: what the layers' mini-batch forward passes need, for the largest.</summary>
        protected int TransposeScratch => _layers.Max(l => System.Math.Max(l.BatchScratch(_kernels), l.BackwardScratch));

        /// <summary>Value of the generated PredictScratch: the two transposed blocks batched prediction alternates between (at least every layer's BatchScratch).</summary>
        protected int PredictScratch => System.Math.Max(2 * _kernels.BlockExamples * ChainWidth, _layers.Max(l => l.BatchScratch(_kernels)));

        /// <summary>Value of the generated ForwardScratch: what a single example's forward pass needs besides the activations (a convolution's windows).</summary>
        protected int ForwardScratch => _layers.Max(l => l.ForwardScratch);

        /// <summary>Whether a layer draws random numbers in training (dropout): the network then keeps its seed.</summary>
        protected bool Stochastic => _layers.Any(l => l.IsStochastic);

        protected Layer Last => _layers[_layers.Count - 1];

        /// <summary>Rows of outputs per example the head sees: 1, or T for a network that returns sequences.</summary>
        protected int Rows => Last.OutputRows;

        /// <summary>Whether a single example's SGD step is fused into the backward pass (TrainFused and Layer{l}Update exist).</summary>
        protected bool FusesSingle => _optimizer.CanFuse && Rows == 1 && _layers.All(l => l.SupportsUpdate);

        /// <summary>
        /// Whether small mini-batches take the optimizer's step inside the backward pass, block of parameters by block
        /// (BackpropagateStep and Layer{l}BackwardStep exist): every layer must support it.
        /// </summary>
        protected bool StepsBlocks => _layers.All(l => l.SupportsStepBlocks);

        /// <summary>The largest batch BackpropagateStep takes: two blocks of examples, within one chunk.</summary>
        protected int StepBatch => System.Math.Min(2 * _kernels.BlockExamples, _batchChunk);

        protected string T => _t.Type;

        /// <summary>Per-example activations up to this many elements live on the stack in Predict/Classify/Loss.</summary>
        protected const int StackLimit = 16384;

        protected string Qualified => (_model.Namespace.Length > 0 ? _model.Namespace + "." : string.Empty)
            + string.Concat(_model.ContainingTypes.Select(c => c.Substring(c.LastIndexOf(' ') + 1) + "."))
            + _model.ClassName;

        protected static string Escape(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;");

        protected static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        /// <summary>"int label" or "ReadOnlySpan&lt;T&gt; target", by head ("ReadOnlySpan&lt;int&gt; labels" for one label per step).</summary>
        protected string TargetParameter(string labelName, string targetName) =>
            _head.IntegerLabels ? (Rows > 1 ? "ReadOnlySpan<int> " + labelName + "s" : "int " + labelName) : $"ReadOnlySpan<{T}> {targetName}";

        /// <summary>What one input example is, for the docs.</summary>
        protected string InputDescription => Vocabulary > 0
            ? $"{_model.SequenceLength} token ids, each a whole number in [0, {Vocabulary})"
            : _model.SequenceLength > 0
            ? $"{_model.SequenceLength} time steps × {First.Inputs} features"
            : $"{First.Inputs} features";

        /// <summary>Values of one stream's state: what the layers carry from one step to the next.</summary>
        protected int StreamStateSize => _layers.Sum(l => l.StreamState);

        /// <summary>Whether the network has the streaming Step: every layer runs step by step, and a layer carries a state or [Network(Streaming = true)] asks for it.</summary>
        protected bool HasStep => (StreamStateSize > 0 || _model.Streaming) && _layers.All(l => l.Streams);

        /// <summary>The first layer's number of distinct tokens when the network reads token ids (LayerModel.TokenVocabulary), else 0.</summary>
        protected int Vocabulary => First.Node.Layer.TokenVocabulary;

        /// <summary>
        /// Checks the values of the input span <paramref name="span"/>: every one a token id for a network over tokens, else,
        /// when <paramref name="finite"/> (the training entry points; prediction lets a NaN through to NaN outputs), finite.
        /// </summary>
        protected void EmitInputCheck(CodeWriter w, string span, bool finite)
        {
            if (Vocabulary > 0)
            {
                w.Line($"global::NetGen.Runtime.Guard.Tokens({span}, {Vocabulary}, {_model.SequenceLength}, nameof({span}));");
            }
            else if (finite)
            {
                w.Line($"global::NetGen.Runtime.Guard.Finite({span}, InputSize, nameof({span}));");
            }
        }

        /// <summary>The labels or targets parameter's documentation for a batch.</summary>
        protected string TargetsDocumentation => _head.IntegerLabels
            ? (Rows > 1
                ? $"/// <param name=\"labels\">{Rows} class labels in [0, {Last.Outputs}) per example, one per step, row-major.</param>"
                : $"/// <param name=\"labels\">One class label in [0, {Last.Outputs}) per example.</param>")
            : $"/// <param name=\"targets\">N × {Last.OutputWidth} targets, row-major.</param>";

        /// <summary>n × the rows per example: the count the mean loss divides by.</summary>
        protected string PerRow(string n) => Rows == 1 ? n : $"({n} * {Rows})";

        /// <summary>The scale of the mean loss's gradient over <paramref name="n"/> examples, 1/(n·rows) (the literal 1 for one row of one example).</summary>
        protected string MeanScale(string n) => PerRow(n) == "1" ? _t.One : $"{_t.One} / {PerRow(n)}";

        /// <summary>The mean of a summed loss over <paramref name="n"/> examples as the network's type (no division for one row of one example).</summary>
        protected string Mean(string sum, string n) => PerRow(n) == "1" ? $"({_t.Type}){sum}" : $"({_t.Type})({sum} / {PerRow(n)})";

        /// <summary>The head's prediction from the outputs at z into y, for each of the <see cref="Rows"/> rows of an example.</summary>
        protected void EmitHeadPredict(CodeWriter w, string z, string y)
        {
            if (Rows == 1)
            {
                _head.EmitPredict(w, z, y);
                return;
            }

            using (w.Block($"for (nuint r = 0; r < {Rows}; r++)"))
            {
                _head.EmitPredict(w, $"Unsafe.Add(ref {z}, r * {Last.Outputs})", $"Unsafe.Add(ref {y}, r * {Last.Outputs})");
            }
        }

        protected string TargetsParameter => _head.IntegerLabels ? "ReadOnlySpan<int> labels" : $"ReadOnlySpan<{T}> targets";

        protected string TargetsName => _head.IntegerLabels ? "labels" : "targets";

        /// <summary>A scratch buffer of a fixed length: on the stack when small, else rented (no allocation once warm).</summary>
        protected void EmitScratch(CodeWriter w, int length, System.Action<string> body) =>
            EmitBuffer(w, length.ToString(CultureInfo.InvariantCulture), length, "scratch", "s", body);

        /// <summary>Activations for one example, or (block) for ForwardBlock examples followed by PredictScratch.</summary>
        protected void EmitWithActivations(CodeWriter w, System.Action<string> body, bool block = false)
        {
            string size = block ? "(ForwardBlock * ActivationCount) + PredictScratch" : ForwardScratch > 0 ? "ActivationCount + ForwardScratch" : "ActivationCount";
            int length = block ? (_kernels.BlockExamples * _activationCount) + PredictScratch : _activationCount + ForwardScratch;
            EmitBuffer(w, size, length, "activations", "a", body);
        }

        /// <summary>A buffer of <paramref name="length"/> elements (spelled <paramref name="size"/>): stackalloc'd up to StackLimit, else rented.</summary>
        protected void EmitBuffer(CodeWriter w, string size, int length, string span, string reference, System.Action<string> body)
        {
            if (length <= StackLimit)
            {
                w.Line($"Span<{T}> {span} = stackalloc {T}[{size}];");
                w.Line($"ref {T} {reference} = ref MemoryMarshal.GetReference({span});");
                body(reference);
                return;
            }

            w.Line($"{T}[] rented = ArrayPool<{T}>.Shared.Rent({size});");
            using (w.Block("try"))
            {
                w.Line($"ref {T} {reference} = ref MemoryMarshal.GetArrayDataReference(rented);");
                body(reference);
            }

            using (w.Block("finally"))
            {
                w.Line($"ArrayPool<{T}>.Shared.Return(rented);");
            }
        }

        /// <summary>Bytes stored per example for the backward pass: every layer's stored values.</summary>
        protected long StoredBytes => (long)_activationCount * _t.Size;

        protected int BufferCount => _plan.BufferCount;

        protected int CounterCount => _plan.CounterCount;

        /// <summary>Whether a layer couples the examples of a mini-batch in training: the whole mini-batch then goes through each layer at once.</summary>
        protected bool Coupled => _plan.IsBatchCoupled;

        /// <summary>Values of the batch statistics the training forward pass leaves for Train to commit.</summary>
        protected int StatisticsSize => _layers.Sum(l => l.StatisticsCount);

        /// <summary>The statement that commits the statistics after a step Train took (nothing for a network without them).</summary>
        protected string Commit => StatisticsSize > 0 ? "CommitStatistics();" : string.Empty;

        /// <summary>A training batch's guard against a batch too small for a layer (BatchNorm1D on one example), or nothing.</summary>
        protected void EmitTrainingBatchGuard(CodeWriter w, string count)
        {
            Layer? strict = _layers.Where(l => l.MinTrainingBatch > 1).OrderByDescending(l => l.MinTrainingBatch).FirstOrDefault();
            if (strict is not null)
            {
                string name = $"{strict.Node.Layer.Kind} layer {strict.Index.ToString(CultureInfo.InvariantCulture)}";
                w.Line($"global::NetGen.Runtime.Guard.TrainingBatch({count}, {strict.MinTrainingBatch}, \"{name}\");");
            }
        }

        /// <summary>The widest value read by several layers: the join scratch holds BatchChunk examples of it per source of a layer.</summary>
        protected int JoinWidth => _layers.Where(l => _plan.Readers(l).Count > 1).Select(l => l.OutputWidth).DefaultIfEmpty(0).Max();

        /// <summary>Sources a layer reads at most (2, for a residual's sum).</summary>
        protected int MaxSources => _layers.Max(l => l.Sources.Count);

        /// <summary>The training scratch for a batch of <paramref name="count"/> examples: Scratch, or ScratchFor(count) when the whole batch goes through at once.</summary>
        protected string ScratchOf(string count) => Coupled ? $"ScratchFor({count})" : "Scratch";

        /// <summary>CommitStatistics(); after a step taken, in a network with batch statistics.</summary>
        protected void EmitCommitLine(CodeWriter w)
        {
            if (Commit.Length > 0)
            {
                w.Line(Commit);
            }
        }

        /// <summary>Validates a batch's inputs and targets and declares count.</summary>
        protected void EmitBatchValidation(CodeWriter w)
        {
            if (_head.IntegerLabels && Rows > 1)
            {
                w.Line("int count = global::NetGen.Runtime.Guard.Batch(inputs.Length, InputSize, nameof(inputs));");
                w.Line($"global::NetGen.Runtime.Guard.Length(labels.Length, count * {Rows}, nameof(labels));");
                w.Line($"global::NetGen.Runtime.Guard.Labels(labels, {Last.Outputs}, nameof(labels));");
            }
            else if (_head.IntegerLabels)
            {
                w.Line("global::NetGen.Runtime.Guard.BatchLength(inputs.Length, labels.Length, InputSize, nameof(inputs), nameof(labels));");
                w.Line("global::NetGen.Runtime.Guard.Labels(labels, OutputSize, nameof(labels));");
                w.Line("int count = labels.Length;");
            }
            else
            {
                w.Line("int count = global::NetGen.Runtime.Guard.Batch(inputs.Length, InputSize, nameof(inputs));");
                w.Line("global::NetGen.Runtime.Guard.Length(targets.Length, count * OutputSize, nameof(targets));");
            }

            EmitInputCheck(w, "inputs", finite: true);
            if (!_head.IntegerLabels)
            {
                w.Line("global::NetGen.Runtime.Guard.Finite(targets, OutputSize, nameof(targets));");
            }

            EmitTrainingBatchGuard(w, "count");
        }

        /// <summary>
        /// The TrainingThreads property (1 to 64, set between Train calls) with its documentation, over the field _trainingThreads. What the
        /// threads do differs between a network with batch statistics and one without: the caller says it in the summary.
        /// </summary>
        protected static void EmitTrainingThreadsProperty(CodeWriter w, params string[] summary)
        {
            w.Line();
            w.Line("/// <summary>");
            foreach (string line in summary)
            {
                w.Line("/// " + line);
            }

            w.Line("/// </summary>");
            using (w.Block("public int TrainingThreads"))
            {
                w.Line("get => _trainingThreads;");
                using (w.Block("set"))
                {
                    using (w.Block("if (value < 1 || value > 64)"))
                    {
                        w.Line("throw new ArgumentOutOfRangeException(nameof(value), value, \"Expected 1 to 64 threads.\");");
                    }

                    w.Line();
                    w.Line("_trainingThreads = value;");
                }
            }
        }
    }
}
