using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>Training: Train, Gradient, the mini-batch backward pass over the layers, the fused SGD step and data-parallel steps.</summary>
    internal sealed class TrainingEmitter : EmitterPart
    {
        public TrainingEmitter(EmitterPart shared)
            : base(shared)
        {
        }

        internal void EmitTrain(CodeWriter w)
        {
            string targets = TargetsName;
            if (_head.IntegerLabels && Rows == 1)
            {
                w.Line();
                w.Line("/// <summary>");
                w.Line($"/// One {_optimizer.Name} step on one example; returns the example's loss before the step. Not thread-safe.");
                w.Line("/// A non-finite input or learning rate throws ArgumentException, a non-finite loss NonFiniteException, both before");
                w.Line("/// any change.");
                w.Line("/// </summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                using (w.Block($"public {T} Train(ReadOnlySpan<{T}> input, int label, {T} learningRate)"))
                {
                    w.Line("global::NetGen.Runtime.Guard.Length(input.Length, InputSize, nameof(input));");
                    w.Line("global::NetGen.Runtime.Guard.Label(label, OutputSize, nameof(label));");
                    EmitInputCheck(w, "input", finite: true);
                    w.Line("global::NetGen.Runtime.Guard.LearningRate(learningRate, nameof(learningRate));");
                    EmitTrainingBatchGuard(w, "1");
                    EmitTrainBody(w, "ref MemoryMarshal.GetReference(input)", "label", "MemoryMarshal.CreateReadOnlySpan(ref label, 1)", "input", single: true);
                }
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// One {_optimizer.Name} step on a mini-batch (a single example is a batch of one), on the gradient of the mean");
            w.Line("/// loss over the batch. Returns the mean loss before the step. Not thread-safe.");
            w.Line("/// A NaN or ±∞ among the inputs or targets, or a learning rate that is not finite and ≥ 0, throws ArgumentException");
            w.Line("/// naming the example before anything changes. A step whose loss is not finite (or, where the step goes through a");
            w.Line("/// gradient buffer, whose gradient is not finite) throws NonFiniteException and changes neither the parameters nor the");
            w.Line("/// optimizer state. The SGD steps fused into the backward pass (no weight decay, one thread) check the loss only:");
            w.Line("/// a finite loss whose hidden-layer gradient overflows there is not detected.");
            w.Line("/// </summary>");
            w.Line($"/// <param name=\"inputs\">N × {InputDescription}, row-major.</param>");
            w.Line(TargetsDocumentation);
            w.Line("/// <param name=\"learningRate\">The step size η.</param>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"public {T} Train(ReadOnlySpan<{T}> inputs, {TargetsParameter}, {T} learningRate)"))
            {
                EmitBatchValidation(w);
                w.Line("global::NetGen.Runtime.Guard.LearningRate(learningRate, nameof(learningRate));");
                string single = _head.IntegerLabels ? "labels[0]" : "ref MemoryMarshal.GetReference(targets)";
                EmitTrainBody(w, "ref MemoryMarshal.GetReference(inputs)", single, targets, "inputs", single: false);
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The gradient of the mean loss over the batch with respect to <see cref=\"Parameters\"/> (same layout),");
            w.Line("/// without changing the parameters. Returns the mean loss. Not thread-safe. Non-finite inputs or targets throw");
            w.Line("/// ArgumentException; a non-finite loss or gradient throws NonFiniteException (the gradient's contents are then unspecified).");
            w.Line("/// </summary>");
            w.Line($"/// <param name=\"inputs\">N × {InputDescription}, row-major.</param>");
            w.Line(TargetsDocumentation);
            w.Line("/// <param name=\"gradient\">ParameterCount values, overwritten.</param>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"public {T} Gradient(ReadOnlySpan<{T}> inputs, {TargetsParameter}, Span<{T}> gradient)"))
            {
                EmitBatchValidation(w);
                w.Line("global::NetGen.Runtime.Guard.Length(gradient.Length, ParameterCount, nameof(gradient));");
                w.Line("gradient.Clear();");
                w.Line($"double total = BackpropagateRange({ScratchOf("count")}, inputs, {targets}, 0, count, {MeanScale("count")}, ref MemoryMarshal.GetReference(gradient), {_t.One});");
                w.Line("global::NetGen.Runtime.Guard.Loss(total);");
                w.Line("global::NetGen.Runtime.Guard.Gradient(gradient);");
                w.Line($"return {Mean("total", "count")};");
            }

            w.Line();
            string join = JoinWidth > 0 ? $" + (BatchChunk * {JoinWidth * MaxSources})" : string.Empty;
            if (Coupled)
            {
                w.Line("/// <summary>Training scratch per example of a mini-batch: activations and deltas, and the shares of δ of a value read by several layers.</summary>");
                w.Line($"private const int ScratchPerExample = (2 * ActivationCount){(JoinWidth > 0 ? $" + {JoinWidth * MaxSources}" : string.Empty)};");
                w.Line();
                w.Line("/// <summary>Training scratch for a mini-batch of count examples, all at once (batch normalization sees the whole of it); grown on first use of a larger batch.</summary>");
                using (w.Block($"private {T}[] ScratchFor(int count)"))
                {
                    w.Line("long length = ((long)count * ScratchPerExample) + TransposeScratch;");
                    using (w.Block("if (length > Array.MaxLength)"))
                    {
                        w.Line("throw new ArgumentException($\"A mini-batch of {count} examples needs {length} values of training scratch (batch normalization takes the whole mini-batch at once), more than an array holds; train on smaller mini-batches.\", \"inputs\");");
                    }

                    w.Line();
                    using (w.Block("if (_scratch is null || _scratch.Length < length)"))
                    {
                        w.Line($"_scratch = new {T}[length];");
                    }

                    w.Line();
                    w.Line("return _scratch;");
                }
            }
            else
            {
                if (JoinWidth > 0)
                {
                    w.Line("/// <summary>Training scratch: activations and deltas for BatchChunk examples, the forward kernels' transposed blocks, then the shares of δ of a value read by several layers.</summary>");
                }
                else
                {
                    w.Line("/// <summary>Training scratch: activations and deltas for BatchChunk examples, then the forward kernels' transposed blocks.</summary>");
                }

                w.Line($"private const int ScratchLength = (2 * BatchChunk * ActivationCount) + TransposeScratch{join};");
                w.Line();
                w.Line("/// <summary>Training scratch, allocated on first use.</summary>");
                w.Line($"private {T}[] Scratch => _scratch ??= new {T}[ScratchLength];");
            }

            new ParallelEmitter(this).EmitParallelTraining(w);
            if (StepsBlocks)
            {
                EmitBackpropagateStep(w);
            }

            if (FusesSingle)
            {
                w.Line();
                w.Line("/// <summary>A batch-1 SGD step fused into the backward pass: no gradient buffer, each weight row read once.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                using (w.Block($"private {T} TrainFused(ref {T} x, {(_head.IntegerLabels ? "int label" : $"ref {T} target")}, {T} learningRate)"))
                {
                    w.Line($"ref {T} a = ref MemoryMarshal.GetArrayDataReference(Scratch);");
                    w.Line($"ref {T} d = ref Unsafe.Add(ref a, BatchChunk * ActivationCount);");
                    w.Line("Forward(ref x, ref a);");
                    w.Line($"{T} loss = OutputDelta(ref Unsafe.Add(ref a, {Last.A}), {(_head.IntegerLabels ? "label" : "ref target")}, {_t.One}, ref Unsafe.Add(ref d, {Last.A}));");
                    w.Line("global::NetGen.Runtime.Guard.Loss(loss);");
                    w.Line($"ref {T} p = ref ParameterBase;");
                    if (_layers.Any(l => l.BackwardScratch > 0))
                    {
                        w.Line($"ref {T} s = ref Unsafe.Add(ref d, BatchChunk * ActivationCount);");
                    }
                    EmitUpdateCalls(w);
                    w.Line("_stepCount++;");
                    w.Line("return loss;");
                }
            }

            w.Line();
            _optimizer.EmitStep(w);
            new BufferEmitter(this).EmitCommitStatistics(w);
        }

        /// <summary>The step after validation: fused for a single example under plain SGD, else gradient then optimizer step.</summary>
        private void EmitTrainBody(CodeWriter w, string x, string singleTarget, string targets, string inputs, bool single)
        {
            if (_optimizer.CanFuse)
            {
                using (w.Block($"if (WeightDecay == {_t.Zero})"))
                {
                    if (single && FusesSingle)
                    {
                        w.Line($"return TrainFused({x}, {singleTarget}, learningRate);");
                    }
                    else if (single)
                    {
                        w.Line("// The step fused into the mini-batch backward pass, for a batch of one.");
                        w.Line($"double fused = BackpropagateRange({ScratchOf("1")}, {inputs}, {targets}, 0, 1, {_t.One}, ref ParameterBase, -learningRate);");
                        w.Line("global::NetGen.Runtime.Guard.Loss(fused);");
                        w.Line("StepCount++;");
                        EmitCommitLine(w);
                        w.Line($"return ({T})fused;");
                    }
                    else
                    {
                        if (FusesSingle)
                        {
                            using (w.Block("if (count == 1)"))
                            {
                                w.Line($"return TrainFused({x}, {singleTarget}, learningRate);");
                            }
                        }

                        using (Coupled ? null : w.Block("if (count <= BatchChunk && !UseParallel(count))"))
                        {
                            w.Line("// The step fused into the backward pass: W −= η·δᵀx layer by layer, no gradient buffer (none of it if the loss is not finite).");
                            w.Line($"double fused = BackpropagateRange({ScratchOf("count")}, {inputs}, {targets}, 0, count, {MeanScale("count")}, ref ParameterBase, -learningRate);");
                            w.Line("global::NetGen.Runtime.Guard.Loss(fused);");
                            w.Line("_stepCount++;");
                            EmitCommitLine(w);
                            w.Line($"return {Mean("fused", "count")};");
                        }
                    }
                }

                w.Line();
            }

            if (!single && !Coupled)
            {
                using (w.Block("if (UseParallel(count))"))
                {
                    w.Line($"return TrainParallel({inputs}, {targets}, count, learningRate);");
                }

                w.Line();
            }

            if (StepsBlocks)
            {
                string n1 = single ? "1" : "count";
                using (single ? null : w.Block("if (count <= StepBatch)"))
                {
                    w.Line("// The step fused into the backward pass: each block of weight rows takes its step as soon as its gradient is known.");
                    if (_optimizer.StateBuffers > 0)
                    {
                        w.Line($"Span<{T}> state = _optimizerState ??= new {T}[OptimizerStateSize];");
                    }

                    w.Line($"var step = {_optimizer.StepFactory("MemoryMarshal.CreateSpan(ref ParameterBase, ParameterCount)", "state", "learningRate", "_stepCount + 1")};");
                    w.Line($"double stepped = BackpropagateStep(Scratch, {inputs}, {targets}, {n1}, {MeanScale(n1)}, in step, out bool taken);");
                    w.Line("global::NetGen.Runtime.Guard.Loss(stepped);");
                    using (w.Block("if (taken)"))
                    {
                        w.Line("_stepCount++;");
                        w.Line($"return {Mean("stepped", n1)};");
                    }
                }

                w.Line();
            }

            w.Line($"{T}[] gradient = _gradient ??= new {T}[ParameterCount];");
            w.Line("Array.Clear(gradient);");
            string n = single ? "1" : "count";
            w.Line($"double total = BackpropagateRange({ScratchOf(n)}, {inputs}, {targets}, 0, {n}, {MeanScale(n)}, ref MemoryMarshal.GetArrayDataReference(gradient), {_t.One});");
            w.Line("global::NetGen.Runtime.Guard.Loss(total);");
            w.Line("global::NetGen.Runtime.Guard.Gradient(gradient);");
            w.Line("ApplyStep(ref MemoryMarshal.GetArrayDataReference(gradient), learningRate);");
            EmitCommitLine(w);
            w.Line($"return {Mean("total", n)};");
        }

        /// <summary>BackpropagateStep: the forward pass, the loss, then the backward pass with the optimizer's step fused in.</summary>
        internal void EmitBackpropagateStep(CodeWriter w)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// For a batch of at most StepBatch examples: the forward pass, the loss and δ of the last layer; if the loss is finite,");
            w.Line("/// every layer's δ with the weights before the step; if no gradient can then overflow, the step applied to each block");
            w.Line("/// of parameters as soon as the block's gradient is known (in the block scratch, in the first-level cache), and");
            w.Line("/// taken = true. Returns the summed loss; with taken = false nothing has changed.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private double BackpropagateStep({T}[] scratch, ReadOnlySpan<{T}> inputs, {TargetsParameter}, int m, {T} scale, in global::NetGen.Runtime.OptimizerStep<{T}> step, out bool taken)"))
            {
                w.Line("taken = false;");
                w.Line($"ref {T} a = ref MemoryMarshal.GetArrayDataReference(scratch);");
                w.Line($"ref {T} d = ref Unsafe.Add(ref a, BatchChunk * ActivationCount);");
                w.Line($"ref {T} s = ref Unsafe.Add(ref d, BatchChunk * ActivationCount);");
                w.Line($"ref {T} block = ref MemoryMarshal.GetArrayDataReference(_stepBlock ??= new {T}[StepBlockScratch]);");
                w.Line($"ref {T} p = ref ParameterBase;");
                w.Line("double total = 0;");
                w.Line($"ref {T} x = ref MemoryMarshal.GetReference(inputs);");
                if (Stochastic)
                {
                    w.Line("ForwardBatch(ref x, ref a, m, ref s, training: true, global::NetGen.Runtime.Dropout.StepKey(_seed, StepCount), 0);");
                }
                else
                {
                    w.Line("ForwardBatch(ref x, ref a, m, ref s);");
                }

                new RecursionEmitter(this).EmitLossAndOutputDeltas(w, null);

                w.Line("// The deltas of every layer first, with the weights before the step.");
                foreach (Layer layer in Enumerable.Reverse(_layers).Where(l => l.Previous is not null))
                {
                    w.Line($"Layer{layer.Index}BackwardDeltas(ref p, ref Unsafe.Add(ref a, m * {layer.Previous!.A}), ref Unsafe.Add(ref d, m * {layer.A}), ref Unsafe.Add(ref d, m * {layer.Previous.A}), m);");
                }

                w.Line("// Every gradient is a sum of m products δ·x: the step is taken only when none of them can overflow (else the");
                w.Line("// caller takes the gradient-buffer path, which finds the non-finite gradient before changing anything).");
                string bounded = string.Join(" || ", _layers.Select(layer =>
                {
                    string deltas = $"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref d, m * {layer.A}), m * {layer.Outputs})";
                    string values = layer.Previous is null ? "inputs" : $"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref a, m * {layer.Previous.A}), m * {layer.Inputs})";
                    return $"!global::NetGen.Runtime.Guard.ProductsBounded({deltas}, {values}, m)";
                }));
                using (w.Block($"if ({bounded})"))
                {
                    w.Line("taken = false;");
                    w.Line("return total;");
                }

                w.Line();
                w.Line("// Then each layer's gradient, block by block, each block stepped as soon as it is known.");
                foreach (Layer layer in Enumerable.Reverse(_layers))
                {
                    string input = layer.Previous is null ? "ref x" : $"ref Unsafe.Add(ref a, m * {layer.Previous.A})";
                    w.Line($"Layer{layer.Index}StepBlocks({input}, ref Unsafe.Add(ref d, m * {layer.A}), m, ref block, in step);");
                }

                w.Line("taken = true;");
                w.Line("return total;");
            }

            w.Line();
            w.Line("/// <summary>The largest batch whose step is fused into the backward pass (two blocks of examples).</summary>");
            w.Line($"private const int StepBatch = {StepBatch};");
            w.Line();
            w.Line("/// <summary>Values of the block scratch of the fused step: the gradient of the largest block of parameters.</summary>");
            w.Line($"private const int StepBlockScratch = {_layers.Max(l => l.StepBlock)};");
            w.Line();
            w.Line($"private {T}[]? _stepBlock;");
        }

        internal void EmitUpdateCalls(CodeWriter w)
        {
            foreach (Layer layer in Enumerable.Reverse(_layers))
            {
                string input = layer.Previous is null ? "ref x" : $"ref Unsafe.Add(ref a, {layer.Previous.A})";
                string delta = $"ref Unsafe.Add(ref d, {layer.A})";
                string dx = layer.Previous is null ? string.Empty : $", ref Unsafe.Add(ref d, {layer.Previous.A})";
                string stored = layer.BackwardUsesStored ? $", ref Unsafe.Add(ref a, {layer.A})" : string.Empty;
                string scratch = layer.BackwardScratch > 0 ? ", ref s" : string.Empty;
                w.Line($"Layer{layer.Index}Update(ref p, {input}{stored}, {delta}{dx}{scratch}, learningRate);");
            }
        }
    }
}
