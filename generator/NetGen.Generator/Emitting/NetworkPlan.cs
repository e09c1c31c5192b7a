using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Emitting.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// The layers a network's code is written from, decided once from its graph of values: an activation runs in the
    /// kernels of the layer before it where <see cref="Graph.IsFused"/> says so, every other node is a layer of its own; each
    /// layer gets its index, its offsets in the parameter and activation buffers, and the layers it reads. In the backward
    /// pass, deltas accumulate at the layer that produced a value: the last of its readers (in graph order) writes it, the
    /// others add to it, and the layer's own f′ is applied once, after the first of its readers, which is the last to run.
    /// </summary>
    internal sealed class NetworkPlan
    {
        private readonly List<Layer> _layers = new();
        private readonly Dictionary<Layer, List<Layer>> _readers = new();

        private NetworkPlan(NetworkModel model)
        {
            IReadOnlyList<NodeModel> nodes = model.Nodes.AsSpan().ToArray();
            int[] consumers = Graph.ConsumerCounts(nodes);
            var fused = new Dictionary<int, int>();
            for (int i = 0; i < nodes.Count; i++)
            {
                if (Graph.IsFused(nodes, consumers, i))
                {
                    fused[nodes[i].Inputs[0]] = i;
                }
            }

            var layerOf = new Layer?[nodes.Count];
            int parameters = 0;
            int buffers = 0;
            int counters = 0;
            int activations = 0;
            for (int i = 0; i < nodes.Count; i++)
            {
                NodeModel node = nodes[i];
                if (Graph.IsFused(nodes, consumers, i))
                {
                    layerOf[i] = layerOf[node.Inputs[0]];
                    continue;
                }

                Activation activation = Identity.Instance;
                string? activationModule = null;
                if (fused.TryGetValue(i, out int after))
                {
                    var f = (ActivationModel)nodes[after].Layer;
                    activation = Activation.For(f.Activation, f.Slope);
                    activationModule = nodes[after].Module;
                }

                Layer?[] sources = node.Inputs.Select(k => k < 0 ? null : layerOf[k]).ToArray();
                var context = new LayerContext(_layers.Count, parameters, buffers, counters, activations, sources, node, model, activation, activationModule);
                Layer layer = Layer.For(context);
                _layers.Add(layer);
                _readers[layer] = new List<Layer>();
                foreach (Layer? source in sources.Distinct())
                {
                    if (source is not null)
                    {
                        _readers[source].Add(layer);
                    }
                }

                layerOf[i] = layer;
                parameters += layer.ParameterCount;
                buffers += layer.BufferCount;
                counters += layer.CounterCount;
                activations += layer.StoredWidth;
            }

            ParameterCount = parameters;
            BufferCount = buffers;
            CounterCount = counters;
            ActivationCount = activations;
            int statistics = 0;
            foreach (Layer layer in _layers)
            {
                layer.StatisticsOffset = statistics;
                statistics += layer.StatisticsCount;
                layer.Routes = layer.Sources.Select(s => s is null ? default : Route(layer, s)).ToArray();
            }
        }

        public static NetworkPlan For(NetworkModel model) => new(model);

        /// <summary>The layers in graph order: every layer after the layers it reads.</summary>
        public IReadOnlyList<Layer> Layers => _layers;

        /// <summary>Trainable parameters of the whole network.</summary>
        public int ParameterCount { get; }

        /// <summary>Values of state that is not trained (running statistics) of the whole network.</summary>
        public int BufferCount { get; }

        /// <summary>Integer buffers (num_batches_tracked) of the whole network.</summary>
        public int CounterCount { get; }

        /// <summary>Whether a layer couples the examples of a mini-batch in training (batch normalization).</summary>
        public bool IsBatchCoupled => _layers.Any(l => l.IsBatchCoupled);

        /// <summary>Values stored per example: every layer's <see cref="Layer.StoredWidth"/>.</summary>
        public int ActivationCount { get; }

        /// <summary>The layers that read <paramref name="layer"/>'s value, in graph order.</summary>
        public IReadOnlyList<Layer> Readers(Layer layer) => _readers[layer];

        /// <summary>Whether every layer reads exactly the one before it (a chain, as every network was before residuals).</summary>
        public bool IsChain => _layers.Select((l, i) => l.Sources.Count == 1 && l.Previous == (i == 0 ? null : _layers[i - 1])).All(c => c);

        /// <summary>
        /// How <paramref name="reader"/>'s backward pass hands δ to <paramref name="source"/>: it writes δ of source's value (the
        /// last reader to be written in graph order, the first to run backward) or adds to it; and whether it then applies
        /// source's f′ itself (its only reader) or leaves it to the network (after the last contribution, when it has several).
        /// </summary>
        public DeltaRoute Route(Layer reader, Layer source)
        {
            IReadOnlyList<Layer> readers = _readers[source];
            bool writes = readers[readers.Count - 1] == reader;
            bool last = readers[0] == reader;
            return new DeltaRoute(writes, readers.Count == 1, last && readers.Count > 1);
        }
    }

    /// <summary>
    /// One edge of the backward pass: whether the reader writes the source's δ (else it adds its share to it), whether it
    /// applies the source's f′ in its own kernels (the source's only reader), and whether the network applies the f′ after
    /// this reader's share (the last share of several).
    /// </summary>
    internal readonly record struct DeltaRoute(bool Writes, bool AppliesDerivative, bool DerivativeAfter);
}
