using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// One layer of a generated network, as the network emitter sees it: sizes, where its parameters and stored
    /// activations live, its tensors (for the model file, the views and the initializer), its lines of the header,
    /// its FLOPs, and the code of its forward and backward passes. The network emitter iterates layers through this
    /// type only; each kind is one subclass in this folder, created by <see cref="For"/>.
    /// </summary>
    /// <remarks>
    /// Layout contract. Per example, layer l stores <see cref="StoredWidth"/> values at offset A_l of the activation
    /// buffer, its output (what the next layer reads, <see cref="OutputWidth"/> values) first. For m examples the region
    /// starts at m·A_l and holds the m outputs contiguously (m × OutputWidth, row-major), then the layer's own values.
    /// The delta buffer mirrors it: the next layer (or the head) writes ∂L/∂output into the output part; the layer may
    /// use the rest as its own scratch. Generated methods, by kind:
    /// <list type="bullet">
    /// <item>Layer{l}Forward(ref p, ref x, ref a): one example.</item>
    /// <item>Layer{l}ForwardBatch(ref p, ref x, ref a, count, ref s): count examples; s holds <see cref="BatchScratch"/> values.</item>
    /// <item>Layer{l}BackwardBatch(ref p, ref target, alpha, ref x, ref d[, ref dx], count): with the weights before any
    /// update, first ∂L/∂x into dx (times the previous layer's f′), then target += α·∂L/∂θ.</item>
    /// <item>Layer{l}Update(ref p, ref x, ref d[, ref dx], rate): the same for one example with target = p, α = −η.</item>
    /// </list>
    /// </remarks>
    internal abstract class Layer
    {
        protected Layer(LayerContext context)
        {
            Index = context.Index;
            ParameterOffset = context.ParameterOffset;
            BufferOffset = context.BufferOffset;
            CounterOffset = context.CounterOffset;
            ActivationOffset = context.ActivationOffset;
            Sources = context.Sources;
            Module = context.Module;
            Node = context.Node;
            _sequenceLength = context.Network.SequenceLength;
        }

        private readonly int _sequenceLength;

        public int Index { get; }

        /// <summary>The layer before this one (its first input), or null when it reads the network's input x.</summary>
        public Layer? Previous => Sources.Count > 0 ? Sources[0] : null;

        /// <summary>The layers whose values this one reads, in order; null for the network's input x.</summary>
        public IReadOnlyList<Layer?> Sources { get; }

        /// <summary>The node of the model this layer computes (for a layer with a fused activation, the layer's node).</summary>
        public NodeModel Node { get; }

        /// <summary>Its module in the PyTorch nn.Sequential of the same network ("0", "3.body.1"): the prefix of its tensors' names.</summary>
        public string Module { get; }

        /// <summary>Offset of this layer's first parameter in the parameter buffer.</summary>
        public int ParameterOffset { get; }

        /// <summary>Offset of this layer's first buffer value (state that is not trained) in the buffer storage.</summary>
        public int BufferOffset { get; }

        /// <summary>Offset of this layer's first counter (num_batches_tracked) in the counter storage.</summary>
        public int CounterOffset { get; }

        /// <summary>Values of state that is not trained (running statistics), of the network's precision.</summary>
        public int BufferCount => (int)Node.Layer.BufferCount;

        /// <summary>Integer buffers (num_batches_tracked).</summary>
        public int CounterCount => Node.Layer.CounterCount;

        /// <summary>Offset A_l of this layer's stored values in the per-example activation buffer.</summary>
        public int ActivationOffset { get; }

        /// <summary>Values this layer reads per row (per time step for recurrent layers and the layers after them).</summary>
        public abstract int Inputs { get; }

        /// <summary>Values this layer writes per output row.</summary>
        public abstract int Outputs { get; }

        /// <summary>Values read per example (the network's InputSize, for the first layer).</summary>
        public abstract int InputWidth { get; }

        /// <summary>Rows of <see cref="Outputs"/> values written per example: 1, or the sequence length T.</summary>
        public abstract int OutputRows { get; }

        /// <summary>Values written per example: <see cref="OutputRows"/> × <see cref="Outputs"/>.</summary>
        public int OutputWidth => OutputRows * Outputs;

        /// <summary>
        /// Values stored per example for the backward pass, the output first (at least <see cref="OutputWidth"/>): the
        /// model's count, which the parser's size limit reads too, so the two cannot drift apart. A recurrent layer lays out
        /// its step records itself (its own count, which the model bounds from above).
        /// </summary>
        public virtual int StoredWidth => checked((int)Node.Layer.StoredPerExample(_sequenceLength, Node.Rows));

        public abstract int ParameterCount { get; }

        /// <summary>The parameter tensors in storage order, with PyTorch's names and shapes.</summary>
        public abstract IReadOnlyList<ParameterTensor> Tensors { get; }

        /// <summary>The PyTorch modules this layer corresponds to, for the model file's metadata, e.g. "Linear(3, 5), ReLU".</summary>
        public abstract string Modules { get; }

        /// <summary>The PyTorch modules this layer is, constructed, each with its path (a layer with a fused activation is two), for the header's twin.</summary>
        public abstract IEnumerable<TorchModule> TorchModules { get; }

        /// <summary>
        /// The twin module's forward-pass lines for this layer (Python, reading and assigning x); each module is reached as
        /// getattr(self, "path"). By default, each of its modules in turn.
        /// </summary>
        public virtual IEnumerable<string> TorchForward => System.Linq.Enumerable.Select(TorchModules, m => $"x = getattr(self, \"{m.Path}\")(x)");

        /// <summary>The shape the header's twin gives the network's input when this is the first layer ("-1, 1, 28, 28" for an image), or null for rows as they are.</summary>
        public virtual string? TorchInputShape => null;

        /// <summary>This layer's part of the topology string, e.g. "128" for a Dense with 128 outputs.</summary>
        public abstract string TopologyToken { get; }

        /// <summary>The header's line for this layer, without its index, e.g. "Dense(784, 128) + ReLU       101,632 parameters".</summary>
        public abstract string Summary { get; }

        /// <summary>How this layer's parameters are laid out, e.g. "W (outputs × inputs, row-major) then b".</summary>
        public abstract string Layout { get; }

        /// <summary>Multiply-adds × 2 of the forward pass per example.</summary>
        public abstract long ForwardFlops { get; }

        /// <summary>FLOPs of the backward pass per example (the input gradient, unless this layer is first, and the parameter gradient).</summary>
        public abstract long BackwardFlops { get; }

        /// <summary>Forward-pass equations for the header.</summary>
        public abstract IEnumerable<string> ForwardEquations { get; }

        /// <summary>Backward-pass equations for the header: how the delta of the layer before is computed from this layer's.</summary>
        public abstract IEnumerable<string> BackwardEquations { get; }

        /// <summary>The parameter gradients of this kind of layer, for the header (written once per distinct line).</summary>
        public abstract string GradientEquation { get; }

        /// <summary>Extra lines for InitializeParameters' documentation (none for the default He/Glorot rule).</summary>
        public virtual IEnumerable<string> InitializationNotes => Array.Empty<string>();

        /// <summary>Whether batched prediction can keep blocks of examples transposed through this layer (Layer{l}ForwardBlock exists).</summary>
        public virtual bool SupportsBlocks => false;

        /// <summary>Scratch values the single-example Layer{l}Forward needs: when above 0 it takes ref s after ref a.</summary>
        public virtual int ForwardScratch => 0;

        /// <summary>
        /// Whether the layer draws random numbers in training (dropout): its Layer{l}ForwardBatch then takes
        /// (…, ref s, bool training, ulong key, int first), with first the index in the batch of its first example.
        /// </summary>
        public virtual bool IsStochastic => false;

        /// <summary>
        /// Whether the layer couples the examples of a mini-batch in training (batch normalization: a statistic over the whole
        /// mini-batch): training then runs the whole mini-batch through each layer at once, and its ForwardBatch takes the mode.
        /// </summary>
        public virtual bool IsBatchCoupled => false;

        /// <summary>
        /// Whether the layer's mini-batch passes treat each example apart, over rows of OutputWidth values (no batch
        /// statistics, no random masks, one row per example in and out), so that fixed parts of a batch can run them at once.
        /// </summary>
        public bool TreatsExamplesApart =>
            !IsBatchCoupled && !IsStochastic && StoredWidth == OutputWidth && OutputRows == 1 && System.Linq.Enumerable.All(Sources, s => s is null || s.OutputRows == 1);

        /// <summary>The fewest examples a training mini-batch may have (BatchNorm1D: 2, for a variance); 1 for most layers.</summary>
        public virtual int MinTrainingBatch => 1;

        /// <summary>Values of batch statistics the training forward pass leaves for Train to commit (0 for most layers).</summary>
        public virtual int StatisticsCount => 0;

        /// <summary>Offset of this layer's batch statistics in the network's statistics (set by <see cref="NetworkPlan"/>).</summary>
        public int StatisticsOffset { get; internal set; }

        /// <summary>Statements of CommitStatistics for this layer (q: the buffers, st: the statistics, _counters in scope).</summary>
        public virtual void EmitCommit(CodeWriter w, Numeric t)
        {
        }

        /// <summary>The arguments of this layer's single-example Layer{l}Forward call, given its sources, its output and its scratch ("" or ", ref …").</summary>
        public virtual string ForwardArguments(string sources, string output, string scratch) => $"ref p, {sources}, {output}{scratch}";

        /// <summary>
        /// The arguments of this layer's Layer{l}ForwardBatch call inside the network's ForwardBatch (p, m, s, and for modal
        /// networks training, key and first, in scope), given its sources and its output.
        /// </summary>
        public virtual string ForwardBatchArguments(string sources, string output) =>
            $"ref p, {sources}, {output}, m, ref s" + (IsStochastic ? ", training, key, first" : string.Empty);

        /// <summary>Arguments Layer{l}BackwardBatch takes after its deltas and scratch, before count (", ref st" for batch statistics).</summary>
        public virtual string BackwardExtra => string.Empty;

        /// <summary>Whether the layer writes Layer{l}Update, the batch-1 SGD step fused into its backward pass (otherwise a single example goes through the mini-batch path).</summary>
        public virtual bool SupportsUpdate => true;

        /// <summary>Scratch values Layer{l}ForwardBatch needs in s.</summary>
        public abstract int BatchScratch(Kernels kernels);

        /// <summary>Whether Layer{l}BackwardBatch takes the values the layer reads (ref x, one per source) after alpha.</summary>
        public virtual bool BackwardReadsSources => true;

        /// <summary>Whether the backward pass reads the layer's own stored values: its methods then take them (ref y) after x.</summary>
        public virtual bool BackwardUsesStored => false;

        /// <summary>Scratch values the backward pass needs (then Layer{l}BackwardBatch and Layer{l}Update take ref s before count or rate).</summary>
        public virtual int BackwardScratch => 0;

        /// <summary>Values of streaming state this layer carries from one step to the next (0 for a layer without state).</summary>
        public virtual int StreamState => 0;

        /// <summary>Whether the layer can run one time step at a time (Step); false for one that needs all the steps at once.</summary>
        public virtual bool Streams => true;

        /// <summary>Scratch values one streaming step of this layer needs (its output among them).</summary>
        public abstract int StreamScratch { get; }

        /// <summary>
        /// One streaming step: statements reading one row at ref <paramref name="input"/>, updating the layer's state at ref
        /// <paramref name="state"/>, using the scratch at ref <paramref name="scratch"/> and declaring the ref local
        /// <paramref name="output"/> to the row it produced. p is the parameter base.
        /// </summary>
        public abstract void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch);

        /// <summary>
        /// Checks this layer's part of a stream state at ref <paramref name="state"/> before any layer's step changes it (a
        /// position that must be in range); nothing for most layers.
        /// </summary>
        public virtual void EmitStreamCheck(CodeWriter w, Numeric t, string state)
        {
        }

        /// <summary>Whether a stream through this layer holds at most SequenceLength steps (a key/value cache, a table of positions).</summary>
        public virtual bool BoundsStream => false;

        /// <summary>One streaming step of a layer that reads several values (a residual's sum), named <paramref name="inputs"/>; by default the one-value form.</summary>
        public virtual void EmitStreamStep(CodeWriter w, Numeric t, IReadOnlyList<string> inputs, string output, string state, string scratch) =>
            EmitStreamStep(w, t, inputs[0], output, state, scratch);

        /// <summary>The derivative f′ of the function applied to this layer's output, for the header, or null when there is none.</summary>
        public virtual string? OutputDerivativeEquation => null;

        /// <summary>Whether <see cref="EmitOutputDerivative"/> writes anything (false when f′ = 1 or there is no f).</summary>
        public virtual bool HasOutputDerivative => false;

        /// <summary>Index as a culture-invariant string.</summary>
        protected string I => Index.ToString(CultureInfo.InvariantCulture);

        /// <summary>The name of this layer's output in the equations, e.g. "a0" (or "h0" for a recurrent layer).</summary>
        public virtual string OutputName => "a" + I;

        /// <summary>Name of this layer's input in the equations: x for the first layer, the previous output otherwise.</summary>
        public string InputName => Previous is null ? "x" : Previous.OutputName;

        /// <summary>The generated constant holding <see cref="ActivationOffset"/>.</summary>
        public string A => "A" + I;

        public abstract void EmitConstants(CodeWriter w);

        /// <summary>Public views of the parameter tensors (Layer{l}Weights, …).</summary>
        public void EmitViews(CodeWriter w, Numeric t)
        {
            bool first = true;
            foreach (ParameterTensor tensor in Tensors)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                w.Line($"/// <summary>{tensor.Documentation}</summary>");
                w.Line(tensor.Role switch
                {
                    TensorRole.Parameter => $"public Span<{t.Type}> {tensor.View} => new Span<{t.Type}>(_storage, _origin + {tensor.Offset}, {tensor.Length});",
                    TensorRole.Buffer => $"public Span<{t.Type}> {tensor.View} => new Span<{t.Type}>(_buffers, {tensor.Offset}, {tensor.Length});",
                    TensorRole.Counter => $"public Span<long> {tensor.View} => new Span<long>(_counters, {tensor.Offset}, {tensor.Length});",
                    _ => throw new ArgumentOutOfRangeException(nameof(tensor), tensor.Role, "Unknown tensor role."),
                });
            }
        }

        public abstract void EmitInitialization(CodeWriter w);

        public abstract void EmitForward(CodeWriter w, Numeric t, Kernels kernels);

        public abstract void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels);

        /// <summary>A mini-batch forward pass that runs the per-example Layer{l}Forward on each row (layers without parameters to share).</summary>
        protected void EmitForwardBatchPerExample(CodeWriter w, Numeric t, string kind)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} ({kind}) forward for a mini-batch: row n of y from row n of x.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s)"))
            using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
            {
                w.Line($"Layer{I}Forward(ref p, ref Unsafe.Add(ref x, n * {InputWidth}), ref Unsafe.Add(ref y, n * {OutputWidth}));");
            }
        }

        /// <summary>Layer{l}ForwardBlock, for layers that <see cref="SupportsBlocks"/>.</summary>
        public virtual void EmitForwardBlock(CodeWriter w, Numeric t, Kernels kernels)
        {
        }

        public abstract void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels);

        /// <summary>
        /// Whether the layer writes Layer{l}StepBlocks, and with its mini-batch backward pass Layer{l}BackwardDeltas (the
        /// deltas of the layer below only, for every layer but the first): the mini-batch backward pass with
        /// the optimizer's step applied to each block of its parameters as soon as the block's gradient is known, so no
        /// gradient buffer is written or read. A network whose layers all do trains its small batches that way.
        /// </summary>
        public virtual bool SupportsStepBlocks => false;

        /// <summary>Values of the block scratch <see cref="EmitBackwardStep"/> takes.</summary>
        public virtual int StepBlock => 0;

        /// <summary>
        /// Layer{l}StepBlocks(ref x, ref d, count, ref block, in step): the gradient of each block of the layer's parameters
        /// and at once the step on it, for the layers that <see cref="SupportsStepBlocks"/>.
        /// </summary>
        public virtual void EmitStepBlocks(CodeWriter w, Numeric t, Kernels kernels) =>
            throw new InvalidOperationException(GetType().Name + " has no backward pass with the step fused in.");

        /// <summary>Layer{l}Update, for the layers that <see cref="SupportsUpdate"/>.</summary>
        public virtual void EmitUpdate(CodeWriter w, Numeric t, Kernels kernels) =>
            throw new InvalidOperationException(GetType().Name + " has no fused single-example update.");

        /// <summary>
        /// Statements turning ∂L/∂output at ref <paramref name="delta"/> into the delta this layer's backward pass takes (δ ⊙= f′
        /// of the stored outputs at ref <paramref name="outputs"/>), for one example or for <paramref name="count"/> rows.
        /// Nothing for a layer whose output is not followed by a function.
        /// </summary>
        public virtual void EmitOutputDerivative(CodeWriter w, Kernels kernels, string delta, string outputs, string? count = null)
        {
        }

        /// <summary>How this layer's backward pass hands δ to each of its sources (set by <see cref="NetworkPlan"/>; for the network's input, unused).</summary>
        public IReadOnlyList<DeltaRoute> Routes { get; internal set; } = Array.Empty<DeltaRoute>();

        /// <summary>
        /// Statements applying source <paramref name="source"/>'s f′ to the δ this layer's backward pass wrote for it, when this
        /// layer is the source's only reader (with several, the network applies it once, after the last share is added).
        /// </summary>
        protected void EmitSourceDerivative(CodeWriter w, Kernels kernels, int source, string delta, string outputs, string? count)
        {
            if (Sources[source] is { } producer && Routes[source].AppliesDerivative)
            {
                producer.EmitOutputDerivative(w, kernels, delta, outputs, count);
            }
        }

        /// <summary>The values this layer reads, as ref arguments: from buffer <paramref name="buffer"/> at offset (scale)A of each source, or <paramref name="input"/> for the network's input.</summary>
        public string SourceRefs(string buffer, string scale, string input = "ref x") =>
            string.Join(", ", System.Linq.Enumerable.Select(Sources, s => s is null ? input : $"ref Unsafe.Add(ref {buffer}, {scale}{s.A})"));

        /// <summary>ONNX nodes for a layer that reads several values, named <paramref name="sources"/>; by default, the one-value form reading x.</summary>
        public virtual void EmitOnnx(CodeWriter w, string module, IReadOnlyList<string> sources) => EmitOnnx(w, module);

        /// <summary>
        /// Statements adding this layer's ONNX nodes and initializers to the OnnxGraph g: they read the string local x, the
        /// value of the layer before ([N·rows, <see cref="Inputs"/>], the rows of an example consecutive; the network's input
        /// [N, InputSize] for the first layer), and set x to this layer's output ([N·<see cref="OutputRows"/>, <see cref="Outputs"/>]).
        /// <paramref name="module"/> is the layer's index in the nn.Sequential numbering, the prefix of its tensors' names.
        /// </summary>
        public abstract void EmitOnnx(CodeWriter w, string module);

        /// <summary>A C# expression for the shape of <paramref name="tensor"/>: "new[] { 128, 784 }".</summary>
        protected static string ShapeLiteral(ParameterTensor tensor) =>
            "new[] { " + string.Join(", ", System.Linq.Enumerable.Select(tensor.Shape, n => n.ToString(CultureInfo.InvariantCulture))) + " }";

        /// <summary>The emitter of a node: the one table of layer kinds on the emitting side.</summary>
        public static Layer For(LayerContext c) => c.Node.Layer switch
        {
            DenseModel dense => new DenseLayer(c, dense),
            LstmModel lstm => new LstmLayer(c, lstm),
            GruModel gru => new GruLayer(c, gru),
            RnnModel rnn => new RnnLayer(c, rnn),
            Conv2DModel conv => new Conv2DLayer(c, conv),
            MaxPool2DModel pool => new MaxPool2DLayer(c, pool),
            FlattenModel flatten => new FlattenLayer(c, flatten),
            DropoutModel dropout => new DropoutLayer(c, dropout),
            ActivationModel activation => new ActivationLayer(c, activation),
            BatchNormModel norm => new BatchNormLayer(c, norm),
            LayerNormModel norm => new LayerNormLayer(c, norm),
            AvgPool2DModel pool => new AvgPool2DLayer(c, pool),
            GlobalAvgPool2DModel pool => new GlobalAvgPool2DLayer(c, pool),
            GlobalAvgPool1DModel pool => new GlobalAvgPool1DLayer(c, pool),
            Conv1DModel conv => new Conv1DLayer(c, conv),
            LastStepModel last => new LastStepLayer(c, last),
            MultiHeadAttentionModel attention => new AttentionLayer(c, attention),
            PositionEmbeddingModel position => new PositionEmbeddingLayer(c, position),
            EmbeddingModel embedding => new EmbeddingLayer(c, embedding),
            AddModel add => new AddLayer(c, add),
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Node.Layer.Kind, "Unknown layer kind."),
        };

        protected static string Escape(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;");

        /// <summary>to[0..length) = from[0..length).</summary>
        protected static string Copy(string from, string to, string length) =>
            $"MemoryMarshal.CreateReadOnlySpan(ref {from}, {length}).CopyTo(MemoryMarshal.CreateSpan(ref {to}, {length}));";
    }
}
