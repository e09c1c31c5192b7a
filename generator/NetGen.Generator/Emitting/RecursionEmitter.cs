using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// The backward recursion of the lecture: the forward pass of a mini-batch, the loss and its δ, then each layer's δ from the
    /// one after it, over the graph: each layer, last to first, from the δ of its own value to the δ of the values it
    /// reads. A value read by one layer gets its δ from it, f′ applied in that layer's kernels (the chain of the lecture). A
    /// value read by several (the input of a residual) gets the sum of their shares: the last reader writes it, each other
    /// reader writes its share into the join scratch, which is then added, and the value's f′ is applied once, after the last.
    /// </summary>
    internal sealed class RecursionEmitter : EmitterPart
    {
        public RecursionEmitter(EmitterPart shared)
            : base(shared)
        {
        }

        /// <summary>
        /// The lecture's part of training: ForwardBatch (every layer's output for m examples), BackpropagateRange (the loss, δ of
        /// the last layer, then the backward recursion, each layer's δ from the one after it, its gradient added to target),
        /// and OutputDelta (the head's loss and its δ).
        /// </summary>
        internal void EmitRecursion(CodeWriter w)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// For examples [from, to) of the batch: adds α times scale times the gradient of their summed loss to target (the");
            w.Line("/// gradient buffer with α = 1 and scale = 1/batch; or the parameters with α = −η: the SGD step fused into the");
            w.Line("/// backward pass, valid while the range fits one chunk of BatchChunk examples, since every chunk must see the");
            w.Line("/// weights before the step). Uses scratch for activations and deltas. Returns the summed loss; a chunk whose loss is");
            w.Line("/// not finite ends it before its backward pass, so the fused step changes nothing then.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private double BackpropagateRange({T}[] scratch, ReadOnlySpan<{T}> inputs, {TargetsParameter}, int from, int to, {T} scale, ref {T} target, {T} alpha)"))
            {
                string capacity = Coupled ? "(to - from)" : "BatchChunk";
                w.Line($"ref {T} a = ref MemoryMarshal.GetArrayDataReference(scratch);");
                w.Line($"ref {T} d = ref Unsafe.Add(ref a, {capacity} * ActivationCount);");
                w.Line($"ref {T} s = ref Unsafe.Add(ref d, {capacity} * ActivationCount);");
                if (JoinWidth > 0)
                {
                    w.Line($"ref {T} join = ref Unsafe.Add(ref s, TransposeScratch); // the shares of δ of a value read by several layers");
                }

                w.Line($"ref {T} p = ref ParameterBase;");
                if (StatisticsSize > 0)
                {
                    w.Line($"ref {T} st = ref MemoryMarshal.GetArrayDataReference(_statistics);");
                }

                w.Line("double total = 0;");
                if (Stochastic)
                {
                    w.Line("ulong key = global::NetGen.Runtime.Dropout.StepKey(_seed, StepCount); // dropout's masks for this step");
                }

                string forward = Stochastic ? "ForwardBatch(ref x, ref a, m, ref s, training: true, key, start);" : Coupled ? "ForwardBatch(ref x, ref a, m, ref s, training: true);" : "ForwardBatch(ref x, ref a, m, ref s);";
                if (Coupled)
                {
                    w.Line("// The whole range at once: batch normalization takes its statistics over all of it, whatever its size.");
                    w.Line("int start = from;");
                    w.Line("int m = to - from;");
                    w.Line($"ref {T} x = ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), start * InputSize);");
                    w.Line("const bool training = true;");
                    if (BufferCount > 0)
                    {
                        w.Line($"ref {T} q = ref BufferBase;");
                    }

                    if (Stochastic)
                    {
                        w.Line("int first = start;");
                    }

                    var coupled = new CoupledEmitter(this);
                    coupled.EmitForward(w);
                    EmitLossAndOutputDeltas(w, "start");
                    coupled.EmitBackward(w, this);
                }
                else
                {
                    using (w.Block("for (int start = from; start < to; start += BatchChunk)"))
                    {
                        w.Line("int m = Math.Min(BatchChunk, to - start);");
                        w.Line($"ref {T} x = ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), start * InputSize);");
                        w.Line(forward);
                        EmitLossAndOutputDeltas(w, "start");

                        EmitBackwardCalls(w);
                    }
                }

                w.Line("return total;");
            }

            w.Line();
            w.Line("/// <summary>The forward pass for m examples (rows of x); layer l's outputs form an m × size matrix at m·A_l in a; s holds TransposeScratch values.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string training = Stochastic ? ", bool training = false, ulong key = 0, int first = 0" : Coupled ? ", bool training = false" : string.Empty;
            using (w.Block($"private void ForwardBatch(ref {T} x, ref {T} a, int m, ref {T} s{training})"))
            {
                w.Line($"ref {T} p = ref ParameterBase;");
                if (BufferCount > 0)
                {
                    w.Line($"ref {T} q = ref BufferBase;");
                }

                if (StatisticsSize > 0)
                {
                    w.Line($"ref {T} st = ref MemoryMarshal.GetArrayDataReference(_statistics);");
                }

                foreach (Layer layer in _layers)
                {
                    w.Line($"Layer{layer.Index}ForwardBatch({layer.ForwardBatchArguments(layer.SourceRefs("a", "m * "), $"ref Unsafe.Add(ref a, m * {layer.A})")});");
                }
            }

            w.Line();
            string lastDerivative = Last.HasOutputDerivative ? $" ⊙ f′({Last.OutputName})" : string.Empty;
            w.Line($"/// <summary>Loss of one {(Rows > 1 ? "step of one example" : "example")} whose outputs {Last.OutputName} are at z; writes δ{Last.Index} = scale·{Escape(_head.DeltaEquation)}{lastDerivative} at dz.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static {T} OutputDelta(ref {T} z, {(_head.IntegerLabels ? "int label" : $"ref {T} target")}, {T} scale, ref {T} dz)"))
            {
                w.Line($"{T} loss = {_head.LossAndDelta("z", _head.IntegerLabels ? "label" : "ref target", "scale", "dz")};");
                Last.EmitOutputDerivative(w, _kernels, "dz", "z");

                w.Line("return loss;");
            }
        }

        /// <summary>
        /// The loss of the m examples (rows of a) into total and δ of the last layer, then a return if the loss is not
        /// finite; the examples' targets start at row <paramref name="first"/> (null: 0) of the batch's.
        /// </summary>
        internal void EmitLossAndOutputDeltas(CodeWriter w, string? first)
        {
            string size = Rows == 1 ? "OutputSize" : Last.Outputs.ToString(CultureInfo.InvariantCulture);
            string row = first is null ? "n" : Rows == 1 ? $"{first} + n" : $"({first} * {Rows}) + n";
            string offset = first is null ? $"n * {size}" : $"({row}) * {size}";
            using (w.Block(Rows == 1 ? "for (int n = 0; n < m; n++)" : $"for (int n = 0; n < m * {Rows}; n++)"))
            {
                string z = $"ref Unsafe.Add(ref a, (m * {Last.A}) + (n * {size}))";
                string dz = $"ref Unsafe.Add(ref d, (m * {Last.A}) + (n * {size}))";
                w.Line(_head.IntegerLabels
                    ? $"total += OutputDelta({z}, {TargetsName}[{row}], scale, {dz});"
                    : $"total += OutputDelta({z}, ref Unsafe.Add(ref MemoryMarshal.GetReference(targets), {offset}), scale, {dz});");
            }

            using (w.Block("if (!double.IsFinite(total))"))
            {
                w.Line("return total;");
            }
        }

        /// <summary>The Layer{l}BackwardBatch calls of BackpropagateRange, last layer first, for the m examples of a chunk.</summary>
        internal void EmitBackwardCalls(CodeWriter w)
        {
            foreach (Layer layer in Enumerable.Reverse(_layers))
            {
                w.Line(BackwardCall(layer, ExampleRows.Whole, "target", "alpha"));
                EmitJoins(w, layer);
            }
        }

        /// <summary>
        /// Layer l's Layer{l}BackwardBatch call over <paramref name="rows"/>: δ of each value it reads written where the
        /// route says (the value's own δ, or its join slot), its gradient added to <paramref name="target"/> times <paramref name="alpha"/>.
        /// </summary>
        internal string BackwardCall(Layer layer, ExampleRows rows, string target, string alpha)
        {
            var deltas = new List<string>();
            for (int i = 0; i < layer.Sources.Count; i++)
            {
                if (layer.Sources[i] is { } source)
                {
                    deltas.Add(layer.Routes[i].Writes ? rows.Of("d", source) : "ref " + rows.Join(i, JoinWidth, source));
                }
            }

            string input = layer.BackwardReadsSources ? ", " + rows.Sources("a", layer) : string.Empty;
            string dx = string.Concat(deltas.Select(x => ", " + x));
            string stored = layer.BackwardUsesStored ? ", " + rows.Of("a", layer) : string.Empty;
            string scratch = layer.BackwardScratch > 0 ? ", ref s" : string.Empty;
            return $"Layer{layer.Index}BackwardBatch(ref p, ref {target}, {alpha}{input}{stored}, {rows.Of("d", layer)}{dx}{scratch}{layer.BackwardExtra}, m);";
        }

        /// <summary>After layer l's backward pass over the whole batch: the shares it wrote into the join scratch added to their values' δ, and f′ applied after the last share.</summary>
        internal void EmitJoins(CodeWriter w, Layer layer)
        {
            for (int i = 0; i < layer.Sources.Count; i++)
            {
                if (layer.Sources[i] is not { } source || layer.Routes[i].Writes)
                {
                    continue;
                }

                string join = ExampleRows.Whole.Join(i, JoinWidth, source);
                bool derivative = layer.Routes[i].DerivativeAfter;
                string delta = $"Unsafe.Add(ref d, m * {source.A})";
                w.Line($"// δ{source.Index} += layer {layer.Index}'s share{(derivative ? $", then f′ of a{source.Index} once, all {_plan.Readers(source).Count} shares in" : string.Empty)}");
                w.Line($"global::NetGen.Runtime.Tensors.Add(MemoryMarshal.CreateSpan(ref {delta}, m * {source.OutputWidth}), MemoryMarshal.CreateReadOnlySpan(ref {join}, m * {source.OutputWidth}));");
                if (derivative)
                {
                    source.EmitOutputDerivative(w, _kernels, delta, $"Unsafe.Add(ref a, m * {source.A})", source.OutputRows > 1 ? $"(nuint)m * {source.OutputRows}" : "(nuint)m");
                }
            }
        }
    }
}
