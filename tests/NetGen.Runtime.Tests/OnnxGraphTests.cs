using System;
using System.IO;
using System.Linq;
using NetGen.IO;
using Xunit;

namespace NetGen.Runtime.Tests
{
    /// <summary>The ONNX graph builder's checks: every misuse is an exception naming the tensor or value, never a broken file.</summary>
    public class OnnxGraphTests
    {
        [Fact]
        public void A_minimal_graph_encodes_the_model_fields_in_order()
        {
            var g = new OnnxGraph("Tiny", DType.F32);
            string x = g.Input("input", 2);
            g.Output(g.Node("Relu", new[] { x }), "output", 2);
            byte[] bytes = g.ToArray();

            // ModelProto: ir_version (field 1) = 8, then producer_name (field 2) "NetGen".
            Assert.Equal(new byte[] { 0x08, 0x08, 0x12, 0x06 }, bytes.AsSpan(0, 4).ToArray());
            Assert.Equal("NetGen", System.Text.Encoding.ASCII.GetString(bytes, 4, 6));
        }

        [Fact]
        public void Output_renames_the_producing_node_or_adds_an_identity()
        {
            var renamed = new OnnxGraph("A", DType.F32);
            renamed.Output(renamed.Node("Relu", new[] { renamed.Input("input", 2) }), "output", 2);
            var identity = new OnnxGraph("B", DType.F32);
            identity.Output(identity.Input("input", 2), "output", 2);
            string text = Text(renamed);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "Relu_0"));   // the node's name only, no longer its output
            Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(text, "output").Count);   // the node's output and the graph's
            Assert.Contains("Identity", Text(identity));
        }

        [Fact]
        public void Initializer_checks_shape_type_and_names()
        {
            var g = new OnnxGraph("G", DType.F32);
            Assert.Contains("shape [2, 3] (6 values), but 5 values", Assert.Throws<ArgumentException>(() => g.Initializer("w", new[] { 2, 3 }, new float[5])).Message);
            Assert.Contains("'w' is F64, but this graph holds F32", Assert.Throws<ArgumentException>(() => g.Initializer("w", new[] { 1 }, new double[1])).Message);
            g.Initializer("w", new[] { 1 }, new float[1]);
            Assert.Contains("already has a value named 'w'", Assert.Throws<ArgumentException>(() => g.Initializer("w", new[] { 1 }, new float[1])).Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxGraph("G", DType.I64));
        }

        [Fact]
        public void Nodes_accept_only_values_of_the_graph()
        {
            var g = new OnnxGraph("G", DType.F64);
            g.Input("input", 3);
            Assert.Contains("Input 'nowhere' of the Relu node", Assert.Throws<ArgumentException>(() => g.Node("Relu", new[] { "nowhere" })).Message);
        }

        [Fact]
        public void A_graph_without_output_is_not_written()
        {
            var g = new OnnxGraph("G", DType.F32);
            g.Input("input", 3);
            Assert.Contains("1 inputs and 0 outputs", Assert.Throws<InvalidOperationException>(() => g.ToArray()).Message);
        }

        [Fact]
        public void Recurrent_initializers_reorder_gate_blocks_and_concatenate_biases()
        {
            // Two gates of one unit, one input: PyTorch blocks [a, b] become ONNX blocks [b, a] with order { 1, 0 }.
            var g = new OnnxGraph("G", DType.F64);
            string[] names = g.RecurrentInitializers("0", 1, new[] { 1, 0 }, new double[] { 1, 2 }, new double[] { 3, 4 }, new double[] { 5, 6 }, new double[] { 7, 8 });
            Assert.Equal(new[] { "0.W", "0.R", "0.B" }, names);
            Assert.Contains("not a permutation", Assert.Throws<ArgumentException>(() => g.RecurrentInitializers("1", 1, new[] { 1, 1 }, new double[2], new double[2], new double[2], new double[2])).Message);
            Assert.Contains("do not fit 2 gates of 1", Assert.Throws<ArgumentException>(() => g.RecurrentInitializers("2", 1, new[] { 0, 1 }, new double[2], new double[3], new double[2], new double[2])).Message);
            Assert.Equal(new double[] { 6, 5, 8, 7 }, RawDoubles(g, names[2]));
        }

        [Fact]
        public void Save_is_atomic_and_replaces_an_existing_file()
        {
            string directory = Path.Combine(Path.GetTempPath(), "netgen-onnxgraph-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                var g = new OnnxGraph("G", DType.F32);
                g.Output(g.Node("Tanh", new[] { g.Input("input", 2) }), "output", 2);
                string path = Path.Combine(directory, "m.onnx");
                File.WriteAllText(path, "old");
                g.Save(path);
                Assert.Equal(g.ToArray(), File.ReadAllBytes(path));
                Assert.Single(Directory.GetFiles(directory));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        private static string Text(OnnxGraph g) => System.Text.Encoding.Latin1.GetString(g.ToArray());

        /// <summary>The raw data of a DOUBLE initializer, found in the encoded model after its name.</summary>
        private static double[] RawDoubles(OnnxGraph g, string tensor)
        {
            g.Output(g.Node("Identity", new[] { g.Input("input", 1) }), "output", 1);
            byte[] all = g.ToArray();
            int at = IndexOf(all, System.Text.Encoding.ASCII.GetBytes(tensor));
            Assert.True(at >= 0, tensor + " not found");

            // TensorProto: name (field 8), then raw_data (field 9): tag 0x4A, a one-byte length here, the bytes.
            int raw = at + tensor.Length;
            Assert.Equal(0x4A, all[raw]);
            int length = all[raw + 1];
            return Enumerable.Range(0, length / 8).Select(i => BitConverter.ToDouble(all, raw + 2 + (8 * i))).ToArray();
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
            {
                if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
