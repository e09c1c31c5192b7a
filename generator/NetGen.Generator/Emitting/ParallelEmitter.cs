using System.Linq;

namespace NetGen.Generator.Emitting
{
    /// <summary>The opt-in data-parallel mini-batch step: fixed parts, fixed reduction order, deterministic.</summary>
    internal sealed class ParallelEmitter : EmitterPart
    {
        public ParallelEmitter(EmitterPart shared)
            : base(shared)
        {
        }

        /// <summary>
        /// The smallest batch split across threads. Measured with two threads (docs/performance.md): splitting pays from
        /// 64 examples on net B with Adam, from 128 with plain SGD (whose one-thread step, fused into the backward pass,
        /// writes no gradient buffer), and from 128 but not 64 on 64-100-10, whose 64 examples are 2.8 MFLOP of work
        /// against the three hand-offs of a step; so at least 64 (128 with fused SGD) examples and 5 MFLOP.
        /// An example of a sequence network is SequenceLength rows of that work, so its minimum counts rows: ⌈64/T⌉
        /// examples (at least 2, one per thread), and still 5 MFLOP.
        /// </summary>
        private int MinParallelBatch
        {
            get
            {
                long flops = System.Math.Max(1, _layers.Sum(l => l.ForwardFlops + l.BackwardFlops));
                int rows = System.Math.Max(1, _model.SequenceLength);
                int examples = System.Math.Max(2, ((_optimizer.CanFuse ? 128 : 64) + rows - 1) / rows);
                return (int)System.Math.Max(examples, (MinParallelFlops + flops - 1) / flops);
            }
        }

        private const long MinParallelFlops = 5_000_000;

        private string MinParallelBatchReason => $"at least {(_optimizer.CanFuse ? 128 : 64)} rows of work ({(_model.SequenceLength > 1 ? $"an example is {_model.SequenceLength} steps" : "an example each")}), 2 examples and {MinParallelFlops / 1_000_000} MFLOP of forward and backward work; below it a step takes longer on two threads than on one";

        internal void EmitParallelTraining(CodeWriter w)
        {
            if (Coupled)
            {
                new CoupledEmitter(this).EmitStages(w);
                return;
            }

            string targetType = _head.IntegerLabels ? "int" : T;
            string runner = $"global::NetGen.Runtime.DataParallel<{T}, {targetType}>";
            EmitTrainingThreadsProperty(
                w,
                "Threads a mini-batch Train uses (default 1). With 2 or more, a batch of at least MinParallelBatch examples is",
                "split into that many fixed, contiguous parts whose gradients are computed at the same time and added in part",
                "order; the parts then add, check and step one range of the parameters each. The result is the same on every",
                "run, whatever the scheduling (it may differ from the 1-thread result in the last bits, since the sums are grouped",
                "differently). A smaller batch, where splitting does not pay, runs on the calling thread alone, exactly as with one",
                "thread. Not thread-safe itself: set it between Train calls.");
            w.Line();
            w.Line($"/// <summary>The smallest batch worth splitting across threads: {MinParallelBatchReason}.</summary>");
            w.Line($"private const int MinParallelBatch = {MinParallelBatch};");
            w.Line();
            w.Line("private int _trainingThreads = 1;");
            w.Line($"private {runner}? _parallel;");
            w.Line($"private {T}[][]? _partScratch;");
            w.Line($"private {T}[][]? _partGradients;");
            w.Line("private double[]? _partLoss;");
            w.Line("private bool[]? _partFinite;");
            w.Line($"private {T} _partScale;");
            w.Line($"private {T} _partRate;");
            w.Line("private int _partCount;");
            w.Line("private int _partPhase;");
            w.Line();
            w.Line("private bool UseParallel(int count) => _trainingThreads > 1 && count >= MinParallelBatch;");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Gradient of the batch in TrainingThreads parts at once; then each part adds the others' gradients into part 0's");
            w.Line("/// over its range of the parameters, in part order, and checks it; then, if every range is finite, each part steps");
            w.Line("/// its range.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private {T} TrainParallel(ReadOnlySpan<{T}> inputs, {TargetsParameter}, int count, {T} learningRate)"))
            {
                w.Line("int parts = _trainingThreads;");
                using (w.Block("if (_parallel is null || _parallel.Parts != parts)"))
                {
                    w.Line($"_parallel = new {runner}(parts, ComputePart);");
                    w.Line($"_partScratch = new {T}[parts][];");
                    w.Line($"_partGradients = new {T}[parts][];");
                    w.Line("_partLoss = new double[parts];");
                    w.Line("_partFinite = new bool[parts];");
                    w.Line("_partScratch[0] = Scratch; // part 0 runs on the calling thread: the one-thread scratch");
                    using (w.Block("for (int k = 0; k < parts; k++)"))
                    {
                        w.Line($"_partScratch[k] ??= new {T}[ScratchLength];");
                        w.Line($"_partGradients[k] = new {T}[ParameterCount];");
                    }
                }

                w.Line();
                if (_optimizer.StateBuffers > 0)
                {
                    w.Line($"_optimizerState ??= new {T}[OptimizerStateSize];");
                }

                w.Line($"_partScale = {_t.One} / {PerRow("count")};");
                w.Line("_partCount = count;");
                w.Line("_partPhase = 0; // the parts' gradients");
                w.Line($"_parallel.Run(inputs, {TargetsName});");
                w.Line("double total = 0;");
                using (w.Block("for (int k = 0; k < parts; k++)"))
                {
                    w.Line("total += _partLoss![k];");
                }

                w.Line();
                w.Line("global::NetGen.Runtime.Guard.Loss(total);");
                w.Line("_partPhase = 1; // their sum, range by range, and its check");
                w.Line($"_parallel.Run(inputs, {TargetsName});");
                using (w.Block("if (Array.IndexOf(_partFinite!, false) >= 0)"))
                {
                    w.Line("global::NetGen.Runtime.Guard.Gradient(_partGradients![0]); // throws, naming the first value that is not finite");
                }

                w.Line();
                w.Line("_partRate = learningRate;");
                w.Line("_stepCount++;");
                w.Line("_partPhase = 2; // the step, range by range");
                w.Line($"_parallel.Run(inputs, {TargetsName});");
                w.Line($"return ({T})(total / {PerRow("count")});");
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// One part of a data-parallel step. Phase 0: examples [count·part/parts, count·(part+1)/parts) into the part's own");
            w.Line("/// buffers. Phase 1: over the part's range of the parameters, the other parts' gradients added to part 0's in part");
            w.Line("/// order, and whether the sums are finite. Phase 2: the optimizer's step over the part's range.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private void ComputePart(ReadOnlySpan<{T}> inputs, ReadOnlySpan<{targetType}> {TargetsName}, int part)"))
            {
                w.Line("int parts = _trainingThreads;");
                using (w.Block("if (_partPhase == 0)"))
                {
                    w.Line("int first = (int)((long)_partCount * part / parts);");
                    w.Line("int last = (int)((long)_partCount * (part + 1) / parts);");
                    w.Line($"{T}[] gradient = _partGradients![part];");
                    w.Line("Array.Clear(gradient);");
                    w.Line($"_partLoss![part] = BackpropagateRange(_partScratch![part], inputs, {TargetsName}, first, last, _partScale, ref MemoryMarshal.GetArrayDataReference(gradient), {_t.One});");
                    w.Line("return;");
                }

                w.Line();
                w.Line("// Ranges of whole 64-byte lines, the last one up to ParameterCount.");
                w.Line($"int from = (int)((long)ParameterCount * part / parts) / 64 * 64;");
                w.Line($"int to = part == parts - 1 ? ParameterCount : (int)((long)ParameterCount * (part + 1) / parts) / 64 * 64;");
                w.Line($"Span<{T}> sum = _partGradients![0].AsSpan(from, to - from);");
                using (w.Block("if (_partPhase == 1)"))
                {
                    using (w.Block("for (int k = 1; k < parts; k++)"))
                    {
                        w.Line("global::NetGen.Runtime.OptimizerSteps.Accumulate(sum, _partGradients[k].AsSpan(from, to - from));");
                    }

                    w.Line();
                    w.Line("_partFinite![part] = global::NetGen.Runtime.Guard.AllFinite(sum);");
                    w.Line("return;");
                }

                w.Line();
                if (_optimizer.StateBuffers > 0)
                {
                    w.Line($"Span<{T}> state = _optimizerState;");
                }

                w.Line($"{_optimizer.StepFactory("MemoryMarshal.CreateSpan(ref ParameterBase, ParameterCount)", "state", "_partRate", "_stepCount")}.Apply(from, sum);");
            }
        }
    }
}
