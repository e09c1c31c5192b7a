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
        protected Layer(int index, int parameterOffset, int activationOffset, Layer? previous)
        {
            Index = index;
            ParameterOffset = parameterOffset;
            ActivationOffset = activationOffset;
            Previous = previous;
        }

        public int Index { get; }

        /// <summary>The layer before this one, or null for the first (which reads the network's input x).</summary>
        public Layer? Previous { get; }

        /// <summary>Offset of this layer's first parameter in the parameter buffer.</summary>
        public int ParameterOffset { get; }

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

        /// <summary>Values stored per example for the backward pass, the output first (at least <see cref="OutputWidth"/>).</summary>
        public virtual int StoredWidth => OutputWidth;

        public abstract int ParameterCount { get; }

        /// <summary>The parameter tensors in storage order, with PyTorch's names and shapes.</summary>
        public abstract IReadOnlyList<ParameterTensor> Tensors { get; }

        /// <summary>Modules this layer counts for in the nn.Sequential numbering (a Dense with an activation: 2).</summary>
        public abstract int ModuleCount { get; }

        /// <summary>The PyTorch modules this layer corresponds to, for the model file's metadata, e.g. "Linear(3, 5), ReLU".</summary>
        public abstract string Modules { get; }

        /// <summary>The PyTorch modules this layer is, constructed, one per module it counts for (<see cref="ModuleCount"/>), for the header's twin.</summary>
        public abstract IEnumerable<string> TorchModules { get; }

        /// <summary>
        /// The twin module's forward-pass lines for this layer (Python, reading and assigning x), given the name of its first
        /// module in the nn.Sequential numbering; each module is reached as getattr(self, "name").
        /// </summary>
        public abstract IEnumerable<string> TorchForward(int firstModule);

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

        /// <summary>Whether the layer writes Layer{l}Update, the batch-1 SGD step fused into its backward pass (otherwise a single example goes through the mini-batch path).</summary>
        public virtual bool SupportsUpdate => true;

        /// <summary>Scratch values Layer{l}ForwardBatch needs in s.</summary>
        public abstract int BatchScratch(Kernels kernels);

        /// <summary>Whether the backward pass reads the layer's own stored values: its methods then take them (ref y) after x.</summary>
        public virtual bool BackwardUsesStored => false;

        /// <summary>Scratch values the backward pass needs (then Layer{l}BackwardBatch and Layer{l}Update take ref s before count or rate).</summary>
        public virtual int BackwardScratch => 0;

        /// <summary>Values of streaming state this layer carries from one step to the next (0 for a layer without state).</summary>
        public virtual int StreamState => 0;

        /// <summary>Scratch values one streaming step of this layer needs (its output among them).</summary>
        public abstract int StreamScratch { get; }

        /// <summary>
        /// One streaming step: statements reading one row at ref <paramref name="input"/>, updating the layer's state at ref
        /// <paramref name="state"/>, using the scratch at ref <paramref name="scratch"/> and declaring the ref local
        /// <paramref name="output"/> to the row it produced. p is the parameter base.
        /// </summary>
        public abstract void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch);

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
                w.Line($"public Span<{t.Type}> {tensor.View} => new Span<{t.Type}>(_storage, _origin + {tensor.Offset}, {tensor.Length});");
            }
        }

        public abstract void EmitInitialization(CodeWriter w);

        public abstract void EmitForward(CodeWriter w, Numeric t, Kernels kernels);

        public abstract void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels);

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

        /// <summary>The emitter of a layer model: the one table of layer kinds on the emitting side.</summary>
        public static Layer For(LayerModel model, int index, int parameterOffset, int activationOffset, Layer? previous, NetworkModel network) => model switch
        {
            DenseModel dense => new DenseLayer(index, dense, parameterOffset, activationOffset, previous),
            LstmModel lstm => new LstmLayer(index, lstm, parameterOffset, activationOffset, previous, network.SequenceLength, network.Checkpointing),
            GruModel gru => new GruLayer(index, gru, parameterOffset, activationOffset, previous, network.SequenceLength, network.Checkpointing),
            RnnModel rnn => new RnnLayer(index, rnn, parameterOffset, activationOffset, previous, network.SequenceLength, network.Checkpointing),
            Conv2DModel conv => new Conv2DLayer(index, conv, parameterOffset, activationOffset, previous),
            MaxPool2DModel pool => new MaxPool2DLayer(index, pool, parameterOffset, activationOffset, previous),
            FlattenModel flatten => new FlattenLayer(index, flatten, parameterOffset, activationOffset, previous),
            DropoutModel dropout => new DropoutLayer(index, dropout, parameterOffset, activationOffset, previous),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model.Kind, "Unknown layer kind."),
        };

        protected static string Escape(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
