using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>The thread-safe members: Predict, PredictBatch, Classify and Loss, and the activation buffers they use.</summary>
    internal sealed class InferenceEmitter : EmitterPart
    {
        public InferenceEmitter(EmitterPart shared)
            : base(shared)
        {
        }

        internal void EmitPredict(CodeWriter w)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Writes the prediction for one example. Thread-safe: may run concurrently with other predictions. A NaN input");
            w.Line("/// gives NaN outputs (NaN propagates through every layer, as in PyTorch), never plausible numbers.");
            w.Line("/// </summary>");
            w.Line($"/// <param name=\"input\">{InputDescription}.</param>");
            w.Line($"/// <param name=\"output\">{_head.PredictDescription}{(Rows > 1 ? $", for each of the {Rows} steps" : string.Empty)}.</param>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"public void Predict(ReadOnlySpan<{T}> input, Span<{T}> output)"))
            {
                w.Line("global::NetGen.Runtime.Guard.Length(input.Length, InputSize, nameof(input));");
                w.Line("global::NetGen.Runtime.Guard.Length(output.Length, OutputSize, nameof(output));");
                EmitInputCheck(w, "input", finite: false);
                EmitWithActivations(w, a =>
                {
                    w.Line($"Forward(ref MemoryMarshal.GetReference(input), ref {a});");
                    w.Line($"ref {T} y = ref MemoryMarshal.GetReference(output);");
                    EmitHeadPredict(w, $"Unsafe.Add(ref {a}, {Last.A})", "y");
                });
            }

            w.Line();
            w.Line("/// <summary>Writes the predictions for a batch: inputs holds N × InputSize values, outputs N × OutputSize. Thread-safe.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"public void PredictBatch(ReadOnlySpan<{T}> inputs, Span<{T}> outputs)"))
            {
                w.Line("int count = global::NetGen.Runtime.Guard.Batch(inputs.Length, InputSize, nameof(inputs));");
                w.Line("global::NetGen.Runtime.Guard.Length(outputs.Length, count * OutputSize, nameof(outputs));");
                EmitInputCheck(w, "inputs", finite: false);
                EmitWithActivations(w, a =>
                {
                    if (!_blocks)
                    {
                        EmitPredictChunks(w, a);
                        return;
                    }

                    w.Line($"ref {T} s = ref Unsafe.Add(ref {a}, ForwardBlock * ActivationCount);");
                    w.Line($"ref {T} s1 = ref Unsafe.Add(ref s, ForwardBlock * ChainWidth);");
                    w.Line($"ref {T} p = ref ParameterBase;");
                    w.Line("int start = 0;");
                    w.Line("// Full blocks of ForwardBlock examples: transposed once, then kept transposed (examples along the vectors) from");
                    w.Line("// layer to layer, alternating between two buffers; only the outputs are transposed back, example by example.");
                    using (w.Block("for (; start + ForwardBlock <= count; start += ForwardBlock)"))
                    {
                        w.Line($"{_kernels.TransposeBlock(First.Inputs)}(ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), start * InputSize), ref s);");
                        w.Line("bool more = start + (2 * ForwardBlock) <= count; // then the next block's inputs are prefetched meanwhile");
                        for (int i = 0; i < _layers.Count; i++)
                        {
                            string from = i % 2 == 0 ? "s" : "s1";
                            string to = i % 2 == 0 ? "s1" : "s";
                            string next = i == 0
                                ? ", ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), (more ? start + ForwardBlock : start) * InputSize), more ? (nuint)(ForwardBlock * InputSize) : 0"
                                : string.Empty;
                            w.Line($"Layer{_layers[i].Index}ForwardBlock(ref p, ref {from}, ref {to}{next});");
                        }

                        string logits = _layers.Count % 2 == 1 ? "s1" : "s";
                        string free = _layers.Count % 2 == 1 ? "s" : "s1";
                        using (w.Block("for (nuint example = 0; example < ForwardBlock; example++)"))
                        {
                            using (w.Block("for (nuint output = 0; output < OutputSize; output++)"))
                            {
                                w.Line($"Unsafe.Add(ref {free}, output) = Unsafe.Add(ref {logits}, (output * ForwardBlock) + example);");
                            }

                            w.Line($"ref {T} y = ref Unsafe.Add(ref MemoryMarshal.GetReference(outputs), (start + (int)example) * OutputSize);");
                            _head.EmitPredict(w, free, "y");
                        }
                    }

                    w.Line();
                    w.Line("// The examples left over (fewer than a block) through the mini-batch forward pass.");
                    using (w.Block("if (start < count)"))
                    {
                        w.Line("int m = count - start;");
                        w.Line($"ForwardBatch(ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), start * InputSize), ref {a}, m, ref s);");
                        using (w.Block("for (int n = 0; n < m; n++)"))
                        {
                            w.Line($"ref {T} y = ref Unsafe.Add(ref MemoryMarshal.GetReference(outputs), (start + n) * OutputSize);");
                            _head.EmitPredict(w, $"Unsafe.Add(ref {a}, (m * {Last.A}) + (n * OutputSize))", "y");
                        }
                    }
                }, block: true);
            }

            if (_head.CanClassify && Rows > 1)
            {
                w.Line();
                w.Line("/// <summary>The most probable class at each step of one example (the index of the largest logit), or -1 where a logit is NaN (e.g. for a NaN input). Thread-safe.</summary>");
                w.Line($"/// <param name=\"input\">{InputDescription}.</param>");
                w.Line($"/// <param name=\"classes\">{Rows} classes, one per step.</param>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                using (w.Block($"public void Classify(ReadOnlySpan<{T}> input, Span<int> classes)"))
                {
                    w.Line("global::NetGen.Runtime.Guard.Length(input.Length, InputSize, nameof(input));");
                    w.Line($"global::NetGen.Runtime.Guard.Length(classes.Length, {Rows}, nameof(classes));");
                    EmitInputCheck(w, "input", finite: false);
                    EmitWithActivations(w, a =>
                    {
                        w.Line($"Forward(ref MemoryMarshal.GetReference(input), ref {a});");
                        using (w.Block($"for (int r = 0; r < {Rows}; r++)"))
                        {
                            w.Line($"classes[r] = ArgMax(ref Unsafe.Add(ref {a}, {Last.A} + (r * {Last.Outputs})));");
                        }
                    });
                }
            }

            if (_head.CanClassify && Rows == 1)
            {
                w.Line();
                w.Line("/// <summary>The most probable class of one example (the index of the largest logit), or -1 when a logit is NaN (e.g. for a NaN input). Thread-safe.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                using (w.Block($"public int Classify(ReadOnlySpan<{T}> input)"))
                {
                    w.Line("global::NetGen.Runtime.Guard.Length(input.Length, InputSize, nameof(input));");
                    EmitInputCheck(w, "input", finite: false);
                    EmitWithActivations(w, a =>
                    {
                        w.Line($"Forward(ref MemoryMarshal.GetReference(input), ref {a});");
                        w.Line($"return ArgMax(ref Unsafe.Add(ref {a}, {Last.A}));");
                    });
                }
            }

            w.Line();
            w.Line("/// <summary>The loss of one example. Thread-safe.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"public {T} Loss(ReadOnlySpan<{T}> input, {TargetParameter("label", "target")})"))
            {
                w.Line("global::NetGen.Runtime.Guard.Length(input.Length, InputSize, nameof(input));");
                EmitInputCheck(w, "input", finite: false);
                if (Rows > 1)
                {
                    EmitSequenceLoss(w);
                    return;
                }

                w.Line(_head.IntegerLabels
                    ? "global::NetGen.Runtime.Guard.Label(label, OutputSize, nameof(label));"
                    : "global::NetGen.Runtime.Guard.Length(target.Length, OutputSize, nameof(target));");
                EmitWithActivations(w, a =>
                {
                    w.Line($"Forward(ref MemoryMarshal.GetReference(input), ref {a});");
                    w.Line($"return {_head.Loss($"Unsafe.Add(ref {a}, {Last.A})", _head.IntegerLabels ? "label" : "ref MemoryMarshal.GetReference(target)")};");
                });
            }
        }

        /// <summary>Batched prediction without transposed blocks: chunks of ForwardBlock examples through ForwardBatch.</summary>
        private void EmitPredictChunks(CodeWriter w, string a)
        {
            w.Line($"ref {T} s = ref Unsafe.Add(ref {a}, ForwardBlock * ActivationCount);");
            using (w.Block("for (int start = 0; start < count; start += ForwardBlock)"))
            {
                w.Line("int m = Math.Min(ForwardBlock, count - start);");
                w.Line($"ForwardBatch(ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), start * InputSize), ref {a}, m, ref s);");
                using (w.Block("for (int n = 0; n < m; n++)"))
                {
                    w.Line($"ref {T} y = ref Unsafe.Add(ref MemoryMarshal.GetReference(outputs), (start + n) * OutputSize);");
                    EmitHeadPredict(w, $"Unsafe.Add(ref {a}, (m * {Last.A}) + (n * OutputSize))", "y");
                }
            }
        }

        /// <summary>Loss(input, labels or targets) of a network with an output per step: the mean over the steps.</summary>
        internal void EmitSequenceLoss(CodeWriter w)
        {
            int k = Last.Outputs;
            w.Line(_head.IntegerLabels
                ? $"global::NetGen.Runtime.Guard.Length(labels.Length, {Rows}, nameof(labels));"
                : "global::NetGen.Runtime.Guard.Length(target.Length, OutputSize, nameof(target));");
            if (_head.IntegerLabels)
            {
                w.Line($"global::NetGen.Runtime.Guard.Labels(labels, {k}, nameof(labels));");
            }

            EmitWithActivations(w, a =>
            {
                w.Line($"Forward(ref MemoryMarshal.GetReference(input), ref {a});");
                w.Line($"{T} total = {_t.Zero};");
                using (w.Block($"for (int r = 0; r < {Rows}; r++)"))
                {
                    string z = $"Unsafe.Add(ref {a}, {Last.A} + (r * {k}))";
                    w.Line($"total += {_head.Loss(z, _head.IntegerLabels ? "labels[r]" : $"ref Unsafe.Add(ref MemoryMarshal.GetReference(target), r * {k})")};");
                }

                w.Line($"return total / {Rows};");
            });
        }

    }
}
