using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// Training of a network whose batch normalization couples a mini-batch's examples: the whole mini-batch goes through
    /// each layer at once, and the layers that treat examples apart (convolutions, Dense, pools, sums) run it in fixed
    /// parts, at the same time on up to TrainingThreads threads. The parts depend on the batch size alone and their
    /// gradients are added in part order, so every TrainingThreads gives bit-identical results.
    /// </summary>
    internal sealed class CoupledEmitter : EmitterPart
    {
        /// <summary>Fewest examples in a part: below 2 of them a batch is one part.</summary>
        private const int MinPartExamples = 16;

        /// <summary>At most this many parameter values in all the parts' gradients together.</summary>
        private const int MaxPartGradientValues = 1 << 24;

        public CoupledEmitter(EmitterPart shared)
            : base(shared)
        {
        }

        /// <summary>Most parts a batch is split into: 8, fewer when that many copies of the gradient would be large.</summary>
        private int MaxParts => System.Math.Max(1, System.Math.Min(8, MaxPartGradientValues / System.Math.Max(1, _parameterCount)));

        /// <summary>Whether some layer that runs in parts has parameters: its parts then write gradients of their own.</summary>
        private bool PartGradients => _layers.Any(l => l.TreatsExamplesApart && l.ParameterCount > 0);

        private string TargetType => _head.IntegerLabels ? "int" : T;

        private string Runner => $"global::NetGen.Runtime.DataParallel<{T}, {TargetType}>";

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>BackpropagateRange's forward pass, layer by layer: the parts at once, or the whole batch for batch statistics.</summary>
        internal void EmitForward(CodeWriter w)
        {
            w.Line("int parts = BeginStages(from, m); // the fixed parts of the batch, which the layers that treat examples apart run at once");
            foreach (Layer layer in _layers)
            {
                if (layer.TreatsExamplesApart)
                {
                    w.Line($"RunStage(inputs, {TargetsName}, {Text(layer.Index)}, ref target, alpha); // layer {Text(layer.Index)} ({layer.Node.Layer.Kind}) forward, in parts");
                }
                else
                {
                    w.Line($"Layer{layer.Index}ForwardBatch({layer.ForwardBatchArguments(ExampleRows.Whole.Sources("a", layer), ExampleRows.Whole.Of("a", layer))}); // layer {Text(layer.Index)} ({layer.Node.Layer.Kind}) forward, the whole batch");
                }
            }
        }

        /// <summary>BackpropagateRange's backward recursion, last layer first: in parts (their gradients then added in part order) or whole.</summary>
        internal void EmitBackward(CodeWriter w, RecursionEmitter recursion)
        {
            foreach (Layer layer in Enumerable.Reverse(_layers))
            {
                if (layer.TreatsExamplesApart)
                {
                    w.Line($"RunStage(inputs, {TargetsName}, ~{Text(layer.Index)}, ref target, alpha); // layer {Text(layer.Index)} ({layer.Node.Layer.Kind}) backward, in parts");
                    if (layer.ParameterCount > 0)
                    {
                        w.Line($"AddPartGradients(ref target, alpha, {Text(layer.ParameterOffset)}, {Text(layer.ParameterCount)}, parts);");
                    }
                }
                else
                {
                    w.Line(recursion.BackwardCall(layer, ExampleRows.Whole, "target", "alpha") + $" // layer {Text(layer.Index)} ({layer.Node.Layer.Kind}) backward, the whole batch");
                }

                recursion.EmitJoins(w, layer);
            }
        }

        /// <summary>TrainingThreads, the parts' state, RunStage and the stages themselves (StagePart).</summary>
        internal void EmitStages(CodeWriter w)
        {
            EmitThreads(w);
            w.Line();
            w.Line($"/// <summary>Most parts a mini-batch is split into{(MaxParts < 8 ? " (fewer than 8: the parts' gradients would be large)" : string.Empty)}.</summary>");
            w.Line($"private const int MaxParts = {Text(MaxParts)};");
            w.Line();
            w.Line($"/// <summary>Fewest examples in a part.</summary>");
            w.Line($"private const int MinPartExamples = {Text(MinPartExamples)};");
            w.Line();
            w.Line($"private {Runner}? _stages;");
            w.Line($"private {T}[]? _partScratch;");
            if (PartGradients)
            {
                w.Line($"private {T}[]? _partGradients;");
            }

            w.Line("private int _stage;");
            w.Line("private int _stageFrom;");
            w.Line("private int _stageCount;");
            w.Line("private int _stageParts;");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Starts the stages of a step over count examples from row from: splits them into count / MinPartExamples parts (at");
            w.Line("/// most MaxParts), part k the examples [count·k/parts, count·(k+1)/parts). The split depends on count alone.");
            w.Line("/// </summary>");
            using (w.Block("private int BeginStages(int from, int count)"))
            {
                w.Line("int parts = Math.Clamp(count / MinPartExamples, 1, MaxParts);");
                using (w.Block("if (parts > 1)"))
                {
                    w.Line($"_partScratch ??= new {T}[MaxParts * TransposeScratch];");
                    if (PartGradients)
                    {
                        w.Line($"_partGradients ??= new {T}[MaxParts * ParameterCount];");
                    }
                }

                w.Line();
                w.Line("_stageFrom = from;");
                w.Line("_stageCount = count;");
                w.Line("_stageParts = parts;");
                w.Line("return parts;");
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Runs stage (l: layer l's forward pass; ~l: its backward pass) over every part. One part writes its gradient to");
            w.Line("/// target; several write their own (added afterwards, in part order) and run on up to TrainingThreads threads.");
            w.Line("/// </summary>");
            using (w.Block($"private void RunStage(ReadOnlySpan<{T}> inputs, ReadOnlySpan<{TargetType}> targets, int stage, ref {T} target, {T} alpha)"))
            {
                w.Line("_stage = stage;");
                using (w.Block("if (_stageParts == 1)"))
                {
                    w.Line("StagePart(inputs, 0, ref target, alpha, own: false);");
                    w.Line("return;");
                }

                w.Line();
                w.Line("int threads = Math.Min(_trainingThreads, _stageParts);");
                using (w.Block("if (threads == 1)"))
                {
                    using (w.Block("for (int k = 0; k < _stageParts; k++)"))
                    {
                        w.Line($"StagePart(inputs, k, ref Unsafe.NullRef<{T}>(), {_t.Zero}, own: true);");
                    }

                    w.Line("return;");
                }

                w.Line();
                using (w.Block("if (_stages is null || _stages.Parts != threads)"))
                {
                    w.Line($"_stages = new {Runner}(threads, RunStageThread);");
                }

                w.Line();
                w.Line("_stages.Run(inputs, targets);");
            }

            w.Line();
            w.Line("/// <summary>Thread <paramref name=\"thread\"/>'s share of a stage: parts thread, thread + threads, ….</summary>");
            using (w.Block($"private void RunStageThread(ReadOnlySpan<{T}> inputs, ReadOnlySpan<{TargetType}> targets, int thread)"))
            {
                using (w.Block("for (int k = thread; k < _stageParts; k += _stages!.Parts)"))
                {
                    w.Line($"StagePart(inputs, k, ref Unsafe.NullRef<{T}>(), {_t.Zero}, own: true);");
                }
            }

            if (PartGradients)
            {
                EmitAddPartGradients(w);
            }

            EmitStagePart(w);
        }

        private void EmitAddPartGradients(CodeWriter w)
        {
            w.Line();
            w.Line("/// <summary>target[offset + i] += α·(g₀ + g₁ + … ) over a layer's parameters, the parts' gradients added in part order (nothing for one part).</summary>");
            using (w.Block($"private void AddPartGradients(ref {T} target, {T} alpha, int offset, int length, int parts)"))
            {
                using (w.Block("if (parts > 1)"))
                {
                    w.Line("global::NetGen.Runtime.Tensors.AddParts(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref target, offset), length), "
                        + "_partGradients.AsSpan(offset, ((parts - 1) * ParameterCount) + length), ParameterCount, parts, alpha);");
                }
            }
        }

        private void EmitStagePart(CodeWriter w)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Part <paramref name=\"part\"/> of the current stage: its examples' rows r0 … r0 + m − 1 of the batch's total, each layer's");
            w.Line("/// values at total·A_l + r0·width in the training scratch, its own scratch s. With own, the gradient goes to the");
            w.Line("/// part's own buffer (cleared first) with α = 1, else to target with alpha.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private void StagePart(ReadOnlySpan<{T}> inputs, int part, ref {T} target, {T} alpha, bool own)"))
            {
                w.Line("int total = _stageCount;");
                w.Line("int r0 = (int)((long)total * part / _stageParts);");
                w.Line("int m = (int)((long)total * (part + 1) / _stageParts) - r0;");
                w.Line($"ref {T} a = ref MemoryMarshal.GetArrayDataReference(_scratch!);");
                w.Line($"ref {T} d = ref Unsafe.Add(ref a, total * ActivationCount);");
                if (JoinWidth > 0)
                {
                    w.Line($"ref {T} join = ref Unsafe.Add(ref d, (total * ActivationCount) + TransposeScratch);");
                }

                w.Line($"ref {T} s = ref _stageParts == 1 ? ref Unsafe.Add(ref d, total * ActivationCount) : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_partScratch!), part * TransposeScratch);");
                w.Line($"ref {T} x = ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), _stageFrom * InputSize);");
                w.Line($"ref {T} p = ref ParameterBase;");
                if (PartGradients)
                {
                    using (w.Block("if (own)"))
                    {
                        w.Line("target = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_partGradients!), part * ParameterCount);");
                        w.Line($"alpha = {_t.One};");
                    }
                }

                var recursion = new RecursionEmitter(this);
                using (w.Block("switch (_stage)"))
                {
                    foreach (Layer layer in _layers.Where(l => l.TreatsExamplesApart))
                    {
                        string l = Text(layer.Index);
                        w.Line($"case {l}:");
                        w.Line($"    Layer{l}ForwardBatch({layer.ForwardBatchArguments(ExampleRows.Part.Sources("a", layer), ExampleRows.Part.Of("a", layer))});");
                        w.Line("    return;");
                        w.Line($"case ~{l}:");
                        if (layer.ParameterCount > 0)
                        {
                            w.Line("    if (own)");
                            w.Line("    {");
                            w.Line($"        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref target, {Text(layer.ParameterOffset)}), {Text(layer.ParameterCount)}).Clear();");
                            w.Line("    }");
                            w.Line();
                        }

                        w.Line("    " + recursion.BackwardCall(layer, ExampleRows.Part, "target", "alpha"));
                        w.Line("    return;");
                    }

                    w.Line("default:");
                    w.Line("    throw new InvalidOperationException($\"No stage {_stage}.\");");
                }
            }
        }

        /// <summary>TrainingThreads of a network with batch statistics.</summary>
        private void EmitThreads(CodeWriter w)
        {
            EmitTrainingThreadsProperty(
                w,
                "Threads a mini-batch Train may use (default 1). Batch normalization takes its statistics over the whole mini-batch,",
                "so each layer runs over all of it before the next starts; the layers that treat examples apart split it into fixed",
                "parts of at least MinPartExamples examples (at most MaxParts), whose gradients are added in part order. The parts",
                "depend on the batch size alone, so every value gives bit-identical results; with 2 or more, up to that many parts",
                "run at once. Not thread-safe itself: set it between Train calls.");
            w.Line();
            w.Line("private int _trainingThreads = 1;");
        }
    }
}
