using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// What the recurrent kinds share: the loop over the T time steps of the forward pass (for each step, the input part
    /// W_ih·x_t + b_ih and the recurrent part W_hh·h_{t−1} + b_hh, then the cell), backpropagation through time over the
    /// stored steps, the input deltas and the parameter gradients as rank-T updates, and one streaming step. A kind
    /// (<see cref="LstmLayer"/>, <see cref="GruLayer"/>, <see cref="RnnLayer"/>) supplies only its cell: the gate count, what a
    /// step stores, the cell's forward and backward loops over the hidden units and its equations.
    /// </summary>
    /// <remarks>
    /// Stored per example, after the output (h_T, or h_1…h_T with ReturnSequences): T + 1 step records of
    /// <see cref="StepWidth"/> values, record 0 being the zero state before the first step, then a work area of G·H values.
    /// A record holds the cell's values (<see cref="CellWidth"/>) and then h_t. The delta buffer mirrors it: the record of
    /// step t holds the gradients of step t's gate pre-activations, and the work area the running δh (and δc).
    /// </remarks>
    internal abstract partial class RecurrentLayer : Layer
    {
        protected RecurrentLayer(LayerContext context, RecurrentModel model)
            : base(context)
        {
            int sequenceLength = context.Network.SequenceLength;
            Checkpointing = context.Network.Checkpointing;
            Inputs = model.Inputs;
            H = model.Hidden;
            Steps = sequenceLength;
            ReturnSequences = model.ReturnSequences;
            G = model.Gates;
        }

        public override int Inputs { get; }

        /// <summary>Hidden units.</summary>
        protected int H { get; }

        /// <summary>Gates: the rows of W_ih and W_hh are G blocks of H.</summary>
        protected int G { get; }

        /// <summary>G·H: rows of W_ih and W_hh.</summary>
        protected int GH => G * H;

        /// <summary>The sequence length T.</summary>
        protected int Steps { get; }

        public bool ReturnSequences { get; }

        public override int Outputs => H;

        public override int InputWidth => Steps * Inputs;

        public override int OutputRows => ReturnSequences ? Steps : 1;

        /// <summary>
        /// Whether the cell only ever reads the sum of the input and the recurrent parts (LSTM), so that one step can compute
        /// them in the same sums; false where a gate needs the recurrent part alone (GRU's n), or where the gate values lie
        /// over h_{t−1} in the record (Elman's, whose streaming step runs in place).
        /// </summary>
        protected virtual bool SumsParts => false;

        /// <summary>The cell's values per step record before h_t (its gates, and c_t for LSTM).</summary>
        protected abstract int CellWidth { get; }

        /// <summary>Values per step record: the cell's, then h_t.</summary>
        protected int StepWidth => CellWidth + H;

        /// <summary>
        /// Whether only every K-th step record is kept (the segments between are recomputed in the backward pass): stored
        /// memory about √T/T of the full mode's, gradients bit-identical to it.
        /// </summary>
        public bool Checkpointing { get; }

        /// <summary>
        /// K = ⌈√T⌉: the backward pass runs over segments of K steps (in both modes, so that they add the same numbers in
        /// the same order), and with checkpointing the record at the start of each segment is what is kept.
        /// </summary>
        protected int K => (int)Math.Ceiling(Math.Sqrt(Steps));

        /// <summary>Segments of the backward pass: ⌈T/K⌉.</summary>
        protected int Segments => (Steps + K - 1) / K;

        /// <summary>Step records stored per example: T + 1 (full), or one per segment plus two rolling ones (checkpointing).</summary>
        private int Records => Checkpointing ? Segments + 2 : Steps + 1;

        /// <summary>Offset of the work area (G·H) after the records: room for at least K + 1 delta records too.</summary>
        protected int WorkOffset => Math.Max(Records, K + 1) * StepWidth;

        /// <summary>Values after the output: the step records, then the work area (at least K + 1 delta records fit).</summary>
        private int InternalWidth => WorkOffset + GH;

        public override int StoredWidth => OutputWidth + InternalWidth;

        public override int ParameterCount => GH * (Inputs + H + 2);

        /// <summary>The PyTorch module, e.g. "LSTM".</summary>
        protected abstract string TorchClass { get; }

        /// <summary>The kind as declared, e.g. "Lstm".</summary>
        protected abstract string Kind { get; }

        /// <summary>The ONNX operator computing this kind, e.g. "LSTM".</summary>
        protected abstract string OnnxOperator { get; }

        /// <summary>
        /// The gate blocks in ONNX's order, as indices of PyTorch's blocks: ONNX's block k of W, R and B is PyTorch's block
        /// OnnxGateOrder[k] of weight_ih_l0, weight_hh_l0, bias_ih_l0 and bias_hh_l0.
        /// </summary>
        protected abstract int[] OnnxGateOrder { get; }

        /// <summary>The kind's ONNX attributes beyond hidden_size, each as ", expression" (none by default).</summary>
        protected virtual string OnnxAttributes => string.Empty;

        /// <summary>
        /// The ONNX node of this layer (forward direction, zero initial state, ONNX's default activations, which are PyTorch's),
        /// with the time-major layout ONNX wants: x → Reshape [N, T, inputs] → Transpose [T, N, inputs] → the node, whose Y is
        /// [T, 1, N, H] and Y_h [1, N, H]; then Y_h → [N, H] (many-to-one), or Y → Transpose [N, T, 1, H] → [N·T, H] (sequences).
        /// </summary>
        public override void EmitOnnx(CodeWriter w, string module)
        {
            IReadOnlyList<ParameterTensor> tensors = Tensors;
            string order = string.Join(", ", OnnxGateOrder);
            string attribute = "global::NetGen.IO.OnnxAttribute";
            string t = Steps.ToString(CultureInfo.InvariantCulture);
            string inputs = Inputs.ToString(CultureInfo.InvariantCulture);
            string h = H.ToString(CultureInfo.InvariantCulture);
            w.Line($"// {TorchClass} node: its gate blocks are PyTorch's blocks {order}; the steps go in time-major, the hidden states come out batch-major.");
            w.Line($"string[] wrb{I} = g.RecurrentInitializers(\"{module}\", {h}, new[] {{ {order} }}, {tensors[0].View}, {tensors[1].View}, {tensors[2].View}, {tensors[3].View});");
            w.Line($"string steps{I} = g.Node(\"Transpose\", new[] {{ g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {t}, {inputs}) }}) }}, {attribute}.Ints(\"perm\", 1, 0, 2));");
            w.Line($"string[] y{I} = g.Nodes(\"{OnnxOperator}\", new[] {{ steps{I}, wrb{I}[0], wrb{I}[1], wrb{I}[2] }}, 2, {attribute}.Int(\"hidden_size\", {h}){OnnxAttributes});");
            w.Line(ReturnSequences
                ? $"x = g.Node(\"Reshape\", new[] {{ g.Node(\"Transpose\", new[] {{ y{I}[0] }}, {attribute}.Ints(\"perm\", 2, 0, 1, 3)), g.Int64s(-1, {h}) }});"
                : $"x = g.Node(\"Reshape\", new[] {{ y{I}[1], g.Int64s(-1, {h}) }});");
        }

        public override string Modules => $"{TorchClass}({Inputs}, {H}, batch_first=True)";

        public override IEnumerable<TorchModule> TorchModules => new[] { new TorchModule(Module, $"torch.nn.{TorchClass}({Inputs}, {H}, batch_first=True)") };

        public override IEnumerable<string> TorchForward => ReturnSequences
            ? new[] { $"x, _ = getattr(self, \"{Module}\")(x)".PadRight(36) + $"# every step's hidden state: [N, T, {H}]" }
            : new[] { $"x, _ = getattr(self, \"{Module}\")(x)", "x = x[:, -1]".PadRight(36) + "# many-to-one: the last step's hidden state" };

        public override string TopologyToken => $"{TorchClass}{H}" + (ReturnSequences ? "×T" : string.Empty);

        public override string Summary => $"{Kind}({Inputs}, {H}){(ReturnSequences ? ", sequences" : string.Empty)} over T = {Steps}  {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters";

        public override string Layout => "W_ih (G·hidden × inputs), W_hh (G·hidden × hidden), b_ih, b_hh for a recurrent layer";

        public override string OutputName => "h" + I;

        public override long ForwardFlops => 2L * Steps * GH * (Inputs + H);

        public override long BackwardFlops => 2L * Steps * GH * (Inputs + (2 * H) + (Previous is null ? 0 : Inputs));

        public override string GradientEquation => "∂L/∂W_ih = Σ_batch Σ_t δg_t·x_tᵀ,  ∂L/∂W_hh = Σ_batch Σ_t δg_t·h_{t−1}ᵀ,  ∂L/∂b_ih = ∂L/∂b_hh = Σ_batch Σ_t δg_t   (δg_t: gate pre-activation deltas)";

        public override IEnumerable<string> InitializationNotes => new[] { "Recurrent layers: every weight and bias U(±1/√hidden), as PyTorch initializes nn.LSTM, nn.GRU and nn.RNN." };

        /// <summary>The state before the first step, for comments: "h_0 = 0" (and c_0 for an LSTM).</summary>
        protected virtual string InitialState => "h_0 = 0";

        /// <summary>δh_{t−1} from the gate deltas of step t, for comments.</summary>
        protected virtual string HiddenDeltaEquation => "W_hhᵀ·δg_t";

        /// <summary>The per-step equations of the cell, for the header.</summary>
        protected abstract IEnumerable<string> CellEquations { get; }

        /// <summary>The cell's backward equations, for the header.</summary>
        protected abstract IEnumerable<string> CellBackwardEquations { get; }

        /// <summary>
        /// The rows of W_hh and where their gate deltas lie in a step record of the delta buffer: (first row, rows, offset of
        /// the first row's delta). One segment for LSTM and RNN; GRU's n rows take r ⊙ δn instead of δn.
        /// </summary>
        protected virtual IReadOnlyList<(int Row, int Rows, int Offset)> HiddenSegments => new[] { (0, GH, 0) };

        public override IEnumerable<string> ForwardEquations
        {
            get
            {
                string x = Previous is null ? "x_t" : $"{InputName},t";
                yield return $"{OutputName},t = {Kind}({x}, {OutputName},t−1) for t = 1…{Steps}, {InitialState}; W_ih ∈ ℝ^{GH}×{Inputs}, W_hh ∈ ℝ^{GH}×{H}:";
                foreach (string line in CellEquations)
                {
                    yield return "    " + line;
                }

                yield return ReturnSequences
                    ? $"    output: {OutputName},1 … {OutputName},{Steps} (ReturnSequences: the layers after it run at every step)"
                    : $"    output: {OutputName},{Steps} (the last step)";
            }
        }

        public override IEnumerable<string> BackwardEquations
        {
            get
            {
                yield return $"Backpropagation through time in layer {I}, t = {Steps}…1: δh_t = ∂L/∂{OutputName},t from the layer above"
                    + (ReturnSequences ? " (every step)" : $" (t = {Steps} only)") + " + W_hhᵀ·δg_{t+1} from step t+1;";
                foreach (string line in CellBackwardEquations)
                {
                    yield return "    " + line;
                }

                if (Previous is not null)
                {
                    yield return $"    δ{Previous.OutputName},t = W_ihᵀ·δg_t (the input deltas, for every step)";
                }
            }
        }

        /// <summary>This layer's state carried from one streaming step to the next: one step record.</summary>
        public override int StreamState => StepWidth;

        /// <summary>G·H for the recurrent part (the step advances the state's record in place).</summary>
        public override int StreamScratch => GH;

        public override bool BackwardUsesStored => true;

                /// <summary>
        /// The layer's gradient for the batch; then (checkpointing) the records of one example's recomputed segment or, in
        /// lockstep, the transposed weights and a group's recomputed segments; then a group's packed rows for W_hh's gradient.
        /// </summary>
        public override int BackwardScratch => Math.Max(ParameterCount + (Checkpointing ? (K + 1) * StepWidth : 0), PackOffset + (PackRows * (H + DeltaWidth)));

        public string WI => "WI" + I;

        public string WH => "WH" + I;

        public string BI => "BI" + I;

        public string BH => "BH" + I;

        public override IReadOnlyList<ParameterTensor> Tensors => new[]
        {
            new ParameterTensor("weight_ih_l0", new[] { GH, Inputs }, WI, GH * Inputs, $"Layer{I}InputWeights", $"W_ih of layer {I}: {GH} rows ({G} gates × {H}) × {Inputs} columns, row-major (PyTorch weight_ih_l0)."),
            new ParameterTensor("weight_hh_l0", new[] { GH, H }, WH, GH * H, $"Layer{I}HiddenWeights", $"W_hh of layer {I}: {GH} rows × {H} columns, row-major (PyTorch weight_hh_l0)."),
            new ParameterTensor("bias_ih_l0", new[] { GH }, BI, GH, $"Layer{I}InputBias", $"b_ih of layer {I}: {GH} values (PyTorch bias_ih_l0)."),
            new ParameterTensor("bias_hh_l0", new[] { GH }, BH, GH, $"Layer{I}HiddenBias", $"b_hh of layer {I}: {GH} values (PyTorch bias_hh_l0)."),
        };

        public override void EmitConstants(CodeWriter w)
        {
            int offset = ParameterOffset;
            foreach ((string name, string what, int length) in new[] { (WI, "W_ih", GH * Inputs), (WH, "W_hh", GH * H), (BI, "b_ih", GH), (BH, "b_hh", GH) })
            {
                w.Line($"/// <summary>Offset of {what} of layer {I} in <see cref=\"Parameters\"/>.</summary>");
                w.Line($"private const int {name} = {offset};");
                offset += length;
            }

            w.Line($"/// <summary>Offset of layer {I}'s stored values ({OutputWidth} outputs, then {WorkOffset / StepWidth} step records of {StepWidth} and {GH} of work{(Checkpointing ? $", checkpoints every {K} steps" : string.Empty)}) in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
            string bound = $"1.0 / Math.Sqrt({H})";
            w.Line($"// Layer {I}: {Kind}, as PyTorch: every weight and bias ~ U(±1/√{H}).");
            foreach (ParameterTensor tensor in Tensors)
            {
                w.Line($"global::NetGen.Runtime.Initializers.Uniform({tensor.View}, {bound}, ref state);");
            }
        }

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} forward for one example: the {Steps} steps of the {Kind}, outputs at a, step records after them.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            {
                w.Line($"Layer{I}Sequence(ref p, ref x, ref a, ref Unsafe.Add(ref a, {OutputWidth}));");
            }

            w.Line();
            w.Line($"/// <summary>");
            w.Line($"/// Layer {I} over one sequence x ({Steps} × {Inputs}): for each step t, the step record (t + 1) of st gets W_ih·x_t + b_ih, the");
            w.Line($"/// work area W_hh·h_{{t−1}} + b_hh, and the cell turns them into the stored gates and h_t; y gets the output.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Sequence(ref {T} p, ref {T} x, ref {T} y, ref {T} st)"))
            {
                w.Line($"ref {T} gh = ref Unsafe.Add(ref st, {WorkOffset});");
                w.Line($"MemoryMarshal.CreateSpan(ref st, {StepWidth}).Clear(); // the state before the first step: {InitialState}");
                if (Checkpointing)
                {
                    w.Line($"// Checkpointing: steps alternate between two rolling records; the state at the start of each segment of {K} steps is kept.");
                    w.Line($"ref {T} rolling = ref Unsafe.Add(ref st, {Segments * StepWidth});");
                    w.Line($"MemoryMarshal.CreateSpan(ref rolling, {StepWidth}).Clear();");
                }

                using (w.Block($"for (nuint t = 0; t < {Steps}; t++)"))
                {
                    if (Checkpointing)
                    {
                        w.Line($"ref {T} previous = ref Unsafe.Add(ref rolling, (t & 1) * {StepWidth});");
                        w.Line($"ref {T} current = ref Unsafe.Add(ref rolling, ((t + 1) & 1) * {StepWidth});");
                    }
                    else
                    {
                        w.Line($"ref {T} previous = ref Unsafe.Add(ref st, t * {StepWidth});");
                        w.Line($"ref {T} current = ref Unsafe.Add(ref previous, {StepWidth});");
                    }

                    w.Line($"Layer{I}Step(ref p, ref Unsafe.Add(ref x, t * {Inputs}), ref previous, ref current, ref gh, t == 0);");
                    EmitStepOutputs(w, "current", "ref y", "ref st");
                }

                EmitLastOutput(w, "ref y", "ref st");
            }

            w.Line();
            w.Line($"/// <summary>One step of layer {I}: current = cell(W_ih·x + b_ih, W_hh·h_{{t−1}} + b_hh, previous), in place when current is previous; gh is G·H of work. At the first step h_{{t−1}} = 0.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Step(ref {T} p, ref {T} x, ref {T} previous, ref {T} current, ref {T} gh, bool first)"))
            {
                w.Line($"ref {T} wh = ref Unsafe.Add(ref p, {WH});");
                w.Line($"ref {T} bh = ref Unsafe.Add(ref p, {BH});");
                w.Line($"ref {T} wi = ref Unsafe.Add(ref p, {WI});");
                if (SumsParts && kernels.HasDotRows16(Inputs) && kernels.HasDotRows16(H) && GH % 16 == 0)
                {
                    using (w.Block("if (Vector512.IsHardwareAccelerated && global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported && !first)"))
                    {
                        w.Line("// Both parts in one pass: current = W_ih·x_t + W_hh·h_{t−1} + b_ih in the same sums, and the cell adds b_hh (as gh).");
                        w.Line($"{kernels.DotRows16Pair(Inputs, H)}(ref wi, ref x, ref wh, ref Unsafe.Add(ref previous, {CellWidth}), ref Unsafe.Add(ref p, {BI}), ref current, {GH});");
                        w.Line($"Layer{I}Cell(ref previous, ref current, ref bh);");
                        w.Line("return;");
                    }

                    w.Line();
                }

                w.Line("// The recurrent part first, W_hh·h_{t−1} + b_hh (just b_hh at the first step, where h_{t−1} = 0): current may be previous (a stream's state, advanced in place).");
                using (w.Block("if (first)"))
                {
                    w.Line($"MemoryMarshal.CreateReadOnlySpan(ref bh, {GH}).CopyTo(MemoryMarshal.CreateSpan(ref gh, {GH}));");
                }

                using (w.Block("else"))
                {
                    EmitMatrixVector(w, kernels, "wh", $"Unsafe.Add(ref previous, {CellWidth})", "gh", GH, H);
                    w.Line($"{kernels.Axpy(GH)}(ref gh, {t.One}, ref bh);");
                }

                w.Line("// The input part: W_ih·x_t + b_ih into the step's gate values.");
                if (Inputs == 1)
                {
                    // One input per step: W_ih is a column, and W_ih·x_t + b_ih one multiply-add per gate row.
                    w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref p, {BI}), {GH}).CopyTo(MemoryMarshal.CreateSpan(ref current, {GH}));");
                    w.Line($"{kernels.Axpy(GH)}(ref current, x, ref wi);");
                }
                else
                {
                    EmitMatrixVector(w, kernels, "wi", "x", "current", GH, Inputs);
                    w.Line($"{kernels.Axpy(GH)}(ref current, {t.One}, ref Unsafe.Add(ref p, {BI}));");
                }
                w.Line();
                w.Line($"Layer{I}Cell(ref previous, ref current, ref gh);");
            }

            w.Line();
            w.Line($"/// <summary>The cell of layer {I} for one example: from the input part (in current's gate values), the recurrent part gh and the previous record, the current record.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Cell(ref {T} previous, ref {T} current, ref {T} gh)"))
            {
                EmitCellForward(w, t, kernels);
            }
        }

        /// <summary>
        /// Mini-batches of at least this many examples run in lockstep: each step of every example at once, so that W_hh (and
        /// W_ih) is read once per step for 8 examples instead of once per example. Below it, one sequence after another.
        /// </summary>
        private const int Lockstep = 4;

        /// <summary>Values of the transposed weights the lockstep steps read: W_ihᵀ (inputs × G·H), then W_hhᵀ (hidden × G·H).</summary>
        private int TransposedWidth => TransposedStride * (Inputs + H);

        /// <summary>
        /// The row stride of the transposed weights: G·H and 16 more values (a cache line of floats, two of doubles), so that
        /// the rows of a column strip fall in different sets of the first-level cache (at G·H = 512 floats, 2 KB apart, they
        /// would share two of its 64 sets).
        /// </summary>
        private int TransposedStride => GH + 16;

        public override int BatchScratch(Kernels kernels) => TransposedWidth;

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line("/// <summary>");
            w.Line($"/// Layer {I} forward for count examples: outputs count × {OutputWidth} at y, then each example's step records. From {Lockstep} examples on");
            w.Line($"/// they run in lockstep, step t of all of them at once, reading the transposed weights in s; below, one after another.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s)"))
            {
                w.Line("nuint m = (nuint)count;");
                w.Line($"ref {T} st = ref Unsafe.Add(ref y, m * {OutputWidth});");
                using (w.Block($"if (count < {Lockstep})"))
                {
                    using (w.Block("for (nuint n = 0; n < m; n++)"))
                    {
                        w.Line($"Layer{I}Sequence(ref p, ref Unsafe.Add(ref x, n * {InputWidth}), ref Unsafe.Add(ref y, n * {OutputWidth}), ref Unsafe.Add(ref st, n * {InternalWidth}));");
                    }

                    w.Line("return;");
                }

                w.Line();
                w.Line($"Layer{I}Transpose(ref p, ref s);");
                string rolling = Checkpointing ? $"ref Unsafe.Add(ref st, {Segments * StepWidth})" : string.Empty;
                using (w.Block("for (nuint n = 0; n < m; n++)"))
                {
                    w.Line($"MemoryMarshal.CreateSpan(ref Unsafe.Add(ref st, n * {InternalWidth}), {StepWidth}).Clear(); // {InitialState}");
                    if (Checkpointing)
                    {
                        w.Line($"MemoryMarshal.CreateSpan(ref Unsafe.Add(ref st, (n * {InternalWidth}) + {Segments * StepWidth}), {StepWidth}).Clear();");
                    }
                }

                using (w.Block($"for (nuint t = 0; t < {Steps}; t++)"))
                {
                    if (Checkpointing)
                    {
                        w.Line($"// Checkpointing: each example's steps alternate between its two rolling records.");
                        w.Line($"ref {T} previous = ref Unsafe.Add(ref st, {Segments * StepWidth} + ((t & 1) * {StepWidth}));");
                        w.Line($"ref {T} current = ref Unsafe.Add(ref st, {Segments * StepWidth} + (((t + 1) & 1) * {StepWidth}));");
                    }
                    else
                    {
                        w.Line($"ref {T} previous = ref Unsafe.Add(ref st, t * {StepWidth});");
                        w.Line($"ref {T} current = ref Unsafe.Add(ref previous, {StepWidth});");
                    }

                    w.Line($"Layer{I}Steps(ref p, ref s, ref Unsafe.Add(ref x, t * {Inputs}), ref previous, ref current, {InternalWidth}, ref Unsafe.Add(ref st, {WorkOffset}), m, t == 0);");
                    if (ReturnSequences || Checkpointing)
                    {
                        using (w.Block("for (nuint n = 0; n < m; n++)"))
                        {
                            w.Line($"ref {T} record = ref Unsafe.Add(ref current, n * {InternalWidth});");
                            EmitStepOutputs(w, "record", $"ref Unsafe.Add(ref y, n * {OutputWidth})", $"ref Unsafe.Add(ref st, n * {InternalWidth})");
                        }
                    }
                }

                if (!ReturnSequences)
                {
                    using (w.Block("for (nuint n = 0; n < m; n++)"))
                    {
                        EmitLastOutput(w, $"ref Unsafe.Add(ref y, n * {OutputWidth})", $"ref Unsafe.Add(ref st, n * {InternalWidth})");
                    }
                }
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// One step of layer {I} for count examples in lockstep (example n's input at x + n·{InputWidth}, its records at previous and current");
            w.Line($"/// + n·rs, its G·H of work at gh + n·{InternalWidth}): the input parts W_ih·x_t + b_ih and the recurrent parts W_hh·h_{{t−1}} + b_hh as");
            w.Line($"/// rank updates over the transposed weights wt, 8 examples per pass over them; then each example's cell.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Steps(ref {T} p, ref {T} wt, ref {T} x, ref {T} previous, ref {T} current, nuint rs, ref {T} gh, nuint count, bool first)"))
            {
                if (SumsParts)
                {
                    w.Line("// The cell reads only the sum of the two parts: both go into current, and the cell adds b_hh (as gh).");
                }

                using (w.Block("for (nuint n = 0; n < count; n++)"))
                {
                    w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref p, {BI}), {GH}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref current, n * rs), {GH}));");
                    if (!SumsParts)
                    {
                        w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref p, {BH}), {GH}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref gh, n * {InternalWidth}), {GH}));");
                    }
                }

                w.Line($"{kernels.GemmMany(GH)}(ref wt, {TransposedStride}, ref x, 1, {InputWidth}, {Inputs}, ref current, rs, {t.One}, accumulate: true, count);");
                using (w.Block("if (!first)"))
                {
                    string target = SumsParts ? "current, rs" : $"gh, {InternalWidth}";
                    w.Line($"{kernels.GemmMany(GH)}(ref Unsafe.Add(ref wt, {TransposedStride * Inputs}), {TransposedStride}, ref Unsafe.Add(ref previous, {CellWidth}), 1, rs, {H}, ref {target}, {t.One}, accumulate: true, count);");
                }

                using (w.Block("for (nuint n = 0; n < count; n++)"))
                {
                    string gh = SumsParts ? $"Unsafe.Add(ref p, {BH})" : $"Unsafe.Add(ref gh, n * {InternalWidth})";
                    w.Line($"Layer{I}Cell(ref Unsafe.Add(ref previous, n * rs), ref Unsafe.Add(ref current, n * rs), ref {gh});");
                }
            }

            w.Line();
            w.Line($"/// <summary>The lockstep steps' weights: W_ihᵀ ({Inputs} × {GH}) then W_hhᵀ ({H} × {GH}) into wt.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Transpose(ref {T} p, ref {T} wt)"))
            {
                w.Line("// Row by row of the transposed matrices: the writes run along, the reads stride.");
                foreach ((string weights, int columns, int at) in new[] { (WI, Inputs, 0), (WH, H, TransposedStride * Inputs) })
                {
                    using (w.Block($"for (nuint i = 0; i < {columns}; i++)"))
                    {
                        w.Line($"ref {T} column = ref Unsafe.Add(ref p, {weights} + i);");
                        w.Line($"ref {T} row = ref Unsafe.Add(ref wt, {(at == 0 ? string.Empty : $"{at} + ")}(i * {TransposedStride}));");
                        using (w.Block($"for (nuint o = 0; o < {GH}; o++)"))
                        {
                            w.Line($"Unsafe.Add(ref row, o) = Unsafe.Add(ref column, o * {columns});");
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The step in place on the state's record: W_hh·h_{t−1} is taken before anything is written, the input part goes to
        /// the gate values (before h_{t−1} in the record, or over it for Elman's, after its product), and the cell reads unit j's
        /// c_{t−1} or h_{t−1} before it writes unit j's.
        /// </summary>
        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"Layer{I}Step(ref p, ref {input}, ref {state}, ref {state}, ref {scratch}, false);");
            w.Line($"ref {t.Type} {output} = ref Unsafe.Add(ref {state}, {CellWidth});");
        }

        /// <summary>
        /// What an example keeps of step t's record (ref local <paramref name="record"/>): h_t into its outputs at
        /// <paramref name="y"/> (ReturnSequences), and with checkpointing the record at a segment's start into its stored
        /// values at <paramref name="st"/>.
        /// </summary>
        private void EmitStepOutputs(CodeWriter w, string record, string y, string st)
        {
            if (ReturnSequences)
            {
                w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref {record}, {CellWidth}), {H}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add({y}, t * {H}), {H}));");
            }

            if (Checkpointing)
            {
                using (w.Block($"if ((t + 1) % {K} == 0 && t + 1 < {Steps})"))
                {
                    w.Line($"MemoryMarshal.CreateReadOnlySpan(ref {record}, {StepWidth}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add({st}, (t + 1) / {K} * {StepWidth}), {StepWidth}));");
                }
            }
        }

        /// <summary>Many-to-one: h_T from the example's last record (a rolling one with checkpointing) into its output at <paramref name="y"/>.</summary>
        private void EmitLastOutput(CodeWriter w, string y, string st)
        {
            if (ReturnSequences)
            {
                return;
            }

            int last = Checkpointing ? (Segments * StepWidth) + ((Steps & 1) * StepWidth) + CellWidth : (Steps * StepWidth) + CellWidth;
            w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add({st}, {last}), {H}).CopyTo(MemoryMarshal.CreateSpan({y}, {H}));");
        }

        /// <summary>y = W·v for rows rows of width n (16 rows per pass over v where the kernel exists, then 4, then one at a time).</summary>
        private static void EmitMatrixVector(CodeWriter w, Kernels kernels, string weights, string v, string y, int rows, int n)
        {
            int rows16 = kernels.HasDotRows16(n) ? rows / 16 * 16 : 0;
            if (rows16 > 0)
            {
                w.Line($"{kernels.DotRows16(n)}(ref {weights}, ref {v}, ref {y}, {rows16});");
            }

            int rows4 = rows / 4 * 4;
            if (rows4 > rows16)
            {
                w.Line(rows16 == 0
                    ? $"{kernels.DotRows(n)}(ref {weights}, ref {v}, ref {y}, {rows4});"
                    : $"{kernels.DotRows(n)}(ref Unsafe.Add(ref {weights}, {rows16 * n}), ref {v}, ref Unsafe.Add(ref {y}, {rows16}), {rows4 - rows16});");
            }

            if (rows > rows4)
            {
                using (w.Block($"for (nuint o = {rows4}; o < {rows}; o++)"))
                {
                    w.Line($"Unsafe.Add(ref {y}, o) = {kernels.Dot(n)}(ref Unsafe.Add(ref {weights}, o * {n}), ref {v});");
                }
            }
        }

        /// <summary>
        /// The cell's forward statements for units j (through <paramref name="s"/>): from the input part (in current's gate
        /// values), the recurrent part (gh) and the previous record, the current record's values and h_t (at CellWidth).
        /// </summary>
        protected abstract IEnumerable<string> CellForward(UnitSpec s);

        /// <summary>
        /// The cell's backward statements for units j: from δh (work[0, H)), the current and previous records, the gate deltas
        /// into dg, and what the next step back needs into the work area (δc for LSTM, the direct path z ⊙ δh for GRU).
        /// </summary>
        protected abstract IEnumerable<string> CellBackward(UnitSpec s);

        /// <summary>Comments for the cell's forward and backward loops.</summary>
        protected abstract string CellForwardComment { get; }

        protected abstract string CellBackwardComment { get; }

        private void EmitCellForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line("// " + CellForwardComment);
            EmitUnits(w, t, kernels, CellForward);
        }

        private void EmitCellBackward(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line("// " + CellBackwardComment);
            EmitUnits(w, t, kernels, CellBackward);
        }

        /// <summary>
        /// A loop over the H hidden units: in float, whole vectors of each accelerated width first (the gates' σ and tanh
        /// through the float transcendental kernels), then the scalar tail with the same arithmetic; in double, scalars.
        /// </summary>
        private void EmitUnits(CodeWriter w, Numeric t, Kernels kernels, Func<UnitSpec, IEnumerable<string>> body)
        {
            bool vectors = kernels.Transcendentals();
            w.Line("nuint j = 0;");
            if (vectors)
            {
                foreach (int bits in new[] { 512, 256, 128 })
                {
                    int lanes = t.Lanes(bits);
                    if (H < lanes)
                    {
                        continue;
                    }

                    using (w.Block($"if (Vector{bits}.IsHardwareAccelerated)"))
                    {
                        using (w.Block($"for (; j + {lanes} <= {H}; j += {lanes})"))
                        {
                            foreach (string line in body(new UnitSpec(bits, t, approximate: true)))
                            {
                                w.Line(line);
                            }
                        }
                    }
                }
            }

            using (w.Block($"for (; j < {H}; j++)"))
            {
                foreach (string line in body(new UnitSpec(0, t, approximate: vectors)))
                {
                    w.Line(line);
                }
            }
        }
    }
}
