using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// The backward recursion over the graph: each layer, last to first, from the δ of its own value to the δ of the values it
    /// reads. A value read by one layer gets its δ from it, f′ applied in that layer's kernels (the chain of the lecture). A
    /// value read by several (the input of a residual) gets the sum of their shares: the last reader writes it, each other
    /// reader writes its share into the join scratch, which is then added, and the value's f′ is applied once, after the last.
    /// </summary>
    internal sealed partial class NetworkEmitter
    {
        /// <summary>The widest value read by several layers: the join scratch holds BatchChunk examples of it per source of a layer.</summary>
        private int JoinWidth => _layers.Where(l => _plan.Readers(l).Count > 1).Select(l => l.OutputWidth).DefaultIfEmpty(0).Max();

        /// <summary>Sources a layer reads at most (2, for a residual's sum).</summary>
        private int MaxSources => _layers.Max(l => l.Sources.Count);

        /// <summary>The Layer{l}BackwardBatch calls of BackpropagateRange, last layer first, for the m examples of a chunk.</summary>
        private void EmitBackwardCalls(CodeWriter w)
        {
            foreach (Layer layer in Enumerable.Reverse(_layers))
            {
                var deltas = new List<string>();
                var joins = new List<(Layer Source, string Join, bool Derivative)>();
                for (int i = 0; i < layer.Sources.Count; i++)
                {
                    if (layer.Sources[i] is not { } source)
                    {
                        continue;
                    }

                    DeltaRoute route = layer.Routes[i];
                    if (route.Writes)
                    {
                        deltas.Add($"ref Unsafe.Add(ref d, m * {source.A})");
                        continue;
                    }

                    string join = i == 0 ? "join" : $"Unsafe.Add(ref join, m * {JoinWidth * i})";
                    deltas.Add("ref " + join);
                    joins.Add((source, join, route.DerivativeAfter));
                }

                string input = layer.BackwardReadsSources ? ", " + layer.SourceRefs("a", "m * ") : string.Empty;
                string dx = string.Concat(deltas.Select(x => ", " + x));
                string stored = layer.BackwardUsesStored ? $", ref Unsafe.Add(ref a, m * {layer.A})" : string.Empty;
                string scratch = layer.BackwardScratch > 0 ? ", ref s" : string.Empty;
                w.Line($"Layer{layer.Index}BackwardBatch(ref p, ref target, alpha{input}{stored}, ref Unsafe.Add(ref d, m * {layer.A}){dx}{scratch}{layer.BackwardExtra}, m);");
                foreach ((Layer source, string join, bool derivative) in joins)
                {
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
}
