using System.Collections.Generic;
using System.Linq;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// Facts about a network's graph of values that the parser and the emitter both need, decided here once: who reads
    /// each value, and which activations run inside the kernels of the layer before them (fused) instead of as a layer of
    /// their own.
    /// </summary>
    internal static class Graph
    {
        /// <summary>How many nodes read each node's value (the head, which reads the last, not counted).</summary>
        public static int[] ConsumerCounts(IReadOnlyList<NodeModel> nodes)
        {
            int[] counts = new int[nodes.Count];
            foreach (NodeModel node in nodes)
            {
                foreach (int input in node.Inputs)
                {
                    if (input >= 0)
                    {
                        counts[input]++;
                    }
                }
            }

            return counts;
        }

        /// <summary>
        /// Whether node <paramref name="index"/> is an activation computed by the layer that produces its input: that layer
        /// takes activations (its output is stored and f′ is read from it), nothing else reads its value before f, and f′ can
        /// be read from f's output (not GELU's or SiLU's).
        /// </summary>
        public static bool IsFused(IReadOnlyList<NodeModel> nodes, int[] consumers, int index)
        {
            NodeModel node = nodes[index];
            if (node.Layer is not ActivationModel activation || activation.Activation.DerivativeFromInput() || node.Inputs.Count != 1 || node.Inputs[0] < 0)
            {
                return false;
            }

            int producer = node.Inputs[0];
            return nodes[producer].Layer.TakesActivation && consumers[producer] == 1;
        }

        /// <summary>Values stored per example for the backward pass and worked in, over the nodes that are not fused (the size limit).</summary>
        public static long StoredValues(IReadOnlyList<NodeModel> nodes, int sequenceLength)
        {
            int[] consumers = ConsumerCounts(nodes);
            long total = 0;
            for (int i = 0; i < nodes.Count; i++)
            {
                if (!IsFused(nodes, consumers, i))
                {
                    total += nodes[i].Layer.StoredPerExample(sequenceLength, nodes[i].Rows) + nodes[i].Layer.WorkingValues;
                }
            }

            return total;
        }

        /// <summary>
        /// Values of one input example, in 64 bits: the width the layers reading the network's input take per row, times
        /// its rows (the sequence length T for a sequence, else 1).
        /// </summary>
        public static long InputValues(IReadOnlyList<NodeModel> nodes, int inputRows)
        {
            long width = 0;
            foreach (NodeModel node in nodes)
            {
                if (node.Inputs.Contains(NodeModel.NetworkInput))
                {
                    width = System.Math.Max(width, node.Layer.InputsPerRow);
                }
            }

            return width * inputRows;
        }

        /// <summary>Values of one output example, in 64 bits: the last value's width times its rows.</summary>
        public static long OutputValues(IReadOnlyList<NodeModel> nodes, int output) =>
            (long)nodes[output].Layer.OutputsPerRow * nodes[output].Rows;

        /// <summary>The layers the emitter writes: every node but the fused activations (their names Layer{l}… count these).</summary>
        public static int EmittedLayerCount(IReadOnlyList<NodeModel> nodes)
        {
            int[] consumers = ConsumerCounts(nodes);
            int count = 0;
            for (int i = 0; i < nodes.Count; i++)
            {
                count += IsFused(nodes, consumers, i) ? 0 : 1;
            }

            return count;
        }
    }
}
