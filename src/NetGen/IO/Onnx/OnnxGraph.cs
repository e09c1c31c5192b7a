using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace NetGen.IO
{
    /// <summary>
    /// Builds an ONNX model of one graph, for the <c>SaveOnnx</c> methods generated on every network: one input and one
    /// output of shape [N, width] with a dynamic batch dimension N, nodes of the default domain at opset
    /// <see cref="OpsetVersion"/>, initializers in one element type (FLOAT or DOUBLE), written with IR version
    /// <see cref="IrVersion"/>. Each layer kind of the generator writes its own nodes through <see cref="Node"/>,
    /// <see cref="Initializer(string, ReadOnlySpan{int}, ReadOnlySpan{float})"/> and the helpers below; this class knows
    /// no layer kind. Parameters are copied when they are added, so the network may change afterwards.
    /// </summary>
    /// <remarks>
    /// The encoding is the protocol-buffers wire format of onnx.proto, written by a small encoder of the runtime (no
    /// dependency). The whole model is encoded in memory, then written: models are limited to 2 GiB (the protobuf limit;
    /// larger ones would need ONNX external data, which is not written).
    /// </remarks>
    public sealed class OnnxGraph
    {
        /// <summary>The ONNX IR version written (8: ONNX 1.12, the first release of opset 17).</summary>
        public const long IrVersion = 8;

        /// <summary>The opset of the default ONNX domain the nodes are written for.</summary>
        public const long OpsetVersion = 17;

        /// <summary>The name of the dynamic batch dimension of the input and the output.</summary>
        public const string BatchDimension = "N";

        // TensorProto.DataType values (onnx.proto).
        private const int FloatType = 1;
        private const int Int64Type = 7;
        private const int DoubleType = 11;

        private readonly string _name;
        private readonly int _elementType;
        private readonly List<ProtoMessage> _initializers = new();
        private readonly List<NodeEntry> _nodes = new();
        private readonly List<ProtoMessage> _inputs = new();
        private readonly List<ProtoMessage> _outputs = new();
        private readonly List<KeyValuePair<string, string>> _metadata = new();
        private readonly HashSet<string> _values = new(StringComparer.Ordinal);
        private int _constants;

        /// <summary>Starts an empty graph.</summary>
        /// <param name="name">The graph's name (the network's class name).</param>
        /// <param name="elementType"><see cref="DType.F32"/> (TensorProto FLOAT) or <see cref="DType.F64"/> (DOUBLE): the type of the input, the output and every parameter.</param>
        public OnnxGraph(string name, DType elementType)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            _name = name;
            ElementType = elementType;
            _elementType = elementType switch
            {
                DType.F32 => FloatType,
                DType.F64 => DoubleType,
                _ => throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "An ONNX graph of NetGen holds F32 or F64 values."),
            };
        }

        /// <summary>The element type of the input, the output and the parameters.</summary>
        public DType ElementType { get; }

        /// <summary>The model's doc_string (optional).</summary>
        public string? DocString { get; set; }

        /// <summary>Adds a metadata_props entry (key → value) to the model.</summary>
        public void SetMetadata(string key, string value)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            ArgumentNullException.ThrowIfNull(value);
            _metadata.RemoveAll(pair => pair.Key == key);
            _metadata.Add(new KeyValuePair<string, string>(key, value));
        }

        /// <summary>Declares the graph input <paramref name="name"/> of shape [N, <paramref name="width"/>]; returns its name.</summary>
        public string Input(string name, int width)
        {
            Declare(name);
            _inputs.Add(ValueInfo(name, width));
            return name;
        }

        /// <summary>
        /// Declares the value <paramref name="value"/> as the graph output <paramref name="name"/> of shape [N, <paramref name="width"/>]:
        /// the node that produced it is renamed to write <paramref name="name"/> (an Identity node is added when no node did).
        /// </summary>
        public void Output(string value, string name, int width)
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            NodeEntry? producer = _nodes.Find(n => Array.IndexOf(n.Outputs, value) >= 0);
            if (producer is null || IsConsumed(value))
            {
                Node("Identity", new[] { value });
                producer = _nodes[_nodes.Count - 1];
                value = producer.Outputs[0];
            }

            Declare(name);
            _values.Remove(value);
            producer.Outputs[Array.IndexOf(producer.Outputs, value)] = name;
            _outputs.Add(ValueInfo(name, width));
        }

        /// <summary>Adds a FLOAT parameter tensor of the given shape, copied from <paramref name="data"/> (row-major); returns its name.</summary>
        public string Initializer(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> data)
        {
            CheckType(DType.F32, name);
            return AddInitializer(name, shape, data.Length, LittleEndianBytes(data), FloatType);
        }

        /// <summary>Adds a DOUBLE parameter tensor of the given shape, copied from <paramref name="data"/> (row-major); returns its name.</summary>
        public string Initializer(string name, ReadOnlySpan<int> shape, ReadOnlySpan<double> data)
        {
            CheckType(DType.F64, name);
            return AddInitializer(name, shape, data.Length, LittleEndianBytes(data), DoubleType);
        }

        /// <summary>Adds a constant 1-D INT64 tensor (the shape argument of a Reshape, say); returns its name.</summary>
        public string Int64s(params long[] values)
        {
            ArgumentNullException.ThrowIfNull(values);
            var bytes = new byte[values.Length * sizeof(long)];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
            }

            return AddInitializer("const_" + (_constants++).ToString(CultureInfo.InvariantCulture), new[] { values.Length }, values.Length, bytes, Int64Type);
        }

        /// <summary>Adds a constant scalar (a 0-d tensor named scalar_k) of the graph's element type; returns its name.</summary>
        public string Scalar(double value)
        {
            byte[] bytes;
            if (ElementType == DType.F32)
            {
                bytes = new byte[sizeof(float)];
                BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)value);
            }
            else
            {
                bytes = new byte[sizeof(double)];
                BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
            }

            return AddInitializer("scalar_" + (_constants++).ToString(CultureInfo.InvariantCulture), ReadOnlySpan<int>.Empty, 1, bytes, _elementType);
        }

        /// <summary>
        /// Adds a constant [steps, steps] tensor of the graph's element type, 0 on and below the diagonal and −∞ above it: added
        /// to attention scores before a softmax, it masks the steps after each step (a causal mask); returns its name.
        /// </summary>
        public string CausalMask(int steps)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
            int size = ElementType == DType.F32 ? sizeof(float) : sizeof(double);
            var bytes = new byte[checked(steps * steps * size)];
            for (int i = 0; i < steps; i++)
            {
                for (int j = i + 1; j < steps; j++)
                {
                    Span<byte> at = bytes.AsSpan(((i * steps) + j) * size);
                    if (size == sizeof(float))
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(at, float.NegativeInfinity);
                    }
                    else
                    {
                        BinaryPrimitives.WriteDoubleLittleEndian(at, double.NegativeInfinity);
                    }
                }
            }

            return AddInitializer("causal_mask_" + (_constants++).ToString(CultureInfo.InvariantCulture), new[] { steps, steps }, steps * steps, bytes, _elementType);
        }

        /// <summary>
        /// Adds GELU's nodes after <paramref name="x"/>, the exact form x·(1 + erf(x/√2))/2 (opset 17 has no Gelu operator;
        /// this is the graph <c>torch.onnx.export</c> writes for <c>nn.GELU()</c>); returns the output's name.
        /// </summary>
        public string Gelu(string x)
        {
            string erf = Node("Erf", new[] { Node("Div", new[] { x, Scalar(Math.Sqrt(2)) }) });
            string onePlus = Node("Add", new[] { erf, Scalar(1) });
            return Node("Mul", new[] { Node("Mul", new[] { x, onePlus }), Scalar(0.5) });
        }

        /// <summary>Adds SiLU's nodes after <paramref name="x"/>, x·Sigmoid(x) (opset 17 has no Silu operator); returns the output's name.</summary>
        public string Silu(string x) => Node("Mul", new[] { x, Node("Sigmoid", new[] { x }) });

        /// <summary>Adds a node of the default domain with one output; returns the output's name.</summary>
        /// <param name="opType">The operator, e.g. <c>"Gemm"</c>.</param>
        /// <param name="inputs">Its inputs: values returned by this graph (an empty string for an omitted optional input).</param>
        /// <param name="attributes">Its attributes.</param>
        public string Node(string opType, string[] inputs, params OnnxAttribute[] attributes) => Nodes(opType, inputs, 1, attributes)[0];

        /// <summary>Adds a node of the default domain with <paramref name="outputs"/> outputs; returns their names.</summary>
        public string[] Nodes(string opType, string[] inputs, int outputs, params OnnxAttribute[] attributes)
        {
            ArgumentException.ThrowIfNullOrEmpty(opType);
            ArgumentNullException.ThrowIfNull(inputs);
            ArgumentNullException.ThrowIfNull(attributes);
            ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
            foreach (string input in inputs)
            {
                if (input is null || (input.Length > 0 && !_values.Contains(input)))
                {
                    throw new ArgumentException($"Input '{input}' of the {opType} node is not a value of this graph.", nameof(inputs));
                }
            }

            string nodeName = opType + "_" + _nodes.Count.ToString(CultureInfo.InvariantCulture);
            var names = new string[outputs];
            for (int i = 0; i < outputs; i++)
            {
                names[i] = outputs == 1 ? nodeName : nodeName + "_" + i.ToString(CultureInfo.InvariantCulture);
                Declare(names[i]);
            }

            _nodes.Add(new NodeEntry(nodeName, opType, (string[])inputs.Clone(), (string[])names.Clone(), (OnnxAttribute[])attributes.Clone()));
            return names;
        }

        /// <summary>
        /// Adds the W, R and B initializers of an ONNX LSTM, GRU or RNN node from PyTorch's weight_ih_l0 [G·H, inputs],
        /// weight_hh_l0 [G·H, H], bias_ih_l0 and bias_hh_l0 [G·H]: W [1, G·H, inputs], R [1, G·H, H] and B [1, 2·G·H] (the two
        /// biases concatenated), with the gate blocks of H rows reordered so that ONNX's block k is PyTorch's block
        /// <paramref name="gateOrder"/>[k]. Returns the names of W, R and B.
        /// </summary>
        public string[] RecurrentInitializers(string prefix, int hidden, ReadOnlySpan<int> gateOrder, ReadOnlySpan<float> inputWeights, ReadOnlySpan<float> hiddenWeights, ReadOnlySpan<float> inputBias, ReadOnlySpan<float> hiddenBias)
        {
            CheckType(DType.F32, prefix);
            int inputs = CheckRecurrent(prefix, hidden, gateOrder, inputWeights.Length, hiddenWeights.Length, inputBias.Length, hiddenBias.Length);
            return RecurrentInitializers(prefix, hidden, inputs, gateOrder.Length, LittleEndianBytes(inputWeights), LittleEndianBytes(hiddenWeights), LittleEndianBytes(inputBias), LittleEndianBytes(hiddenBias), gateOrder, sizeof(float));
        }

        /// <summary>The DOUBLE form of <see cref="RecurrentInitializers(string, int, ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
        public string[] RecurrentInitializers(string prefix, int hidden, ReadOnlySpan<int> gateOrder, ReadOnlySpan<double> inputWeights, ReadOnlySpan<double> hiddenWeights, ReadOnlySpan<double> inputBias, ReadOnlySpan<double> hiddenBias)
        {
            CheckType(DType.F64, prefix);
            int inputs = CheckRecurrent(prefix, hidden, gateOrder, inputWeights.Length, hiddenWeights.Length, inputBias.Length, hiddenBias.Length);
            return RecurrentInitializers(prefix, hidden, inputs, gateOrder.Length, LittleEndianBytes(inputWeights), LittleEndianBytes(hiddenWeights), LittleEndianBytes(inputBias), LittleEndianBytes(hiddenBias), gateOrder, sizeof(double));
        }

        /// <summary>The encoded ModelProto.</summary>
        public byte[] ToArray() => Model().ToArray();

        /// <summary>Writes the model to <paramref name="stream"/> (neither flushed to disk nor closed).</summary>
        public void Write(Stream stream)
        {
            ArgumentNullException.ThrowIfNull(stream);
            stream.Write(ToArray());
        }

        /// <summary>
        /// Writes the model to <paramref name="path"/> atomically: a temporary file in the same folder, flushed to disk, then
        /// renamed over the target. On failure the temporary file is deleted and an existing file is left as it was.
        /// </summary>
        public void Save(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            byte[] bytes = ToArray();
            string fullPath = Path.GetFullPath(path);
            string tempPath = AtomicFile.TempPathFor(fullPath);
            try
            {
                using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    file.Write(bytes);
                    file.Flush(flushToDisk: true);
                }

                File.Move(tempPath, fullPath, overwrite: true);
            }
            catch (ArgumentOutOfRangeException e)
            {
                AtomicFile.TryDelete(tempPath);
                throw AtomicFile.TooLarge(fullPath, e);
            }
            catch
            {
                AtomicFile.TryDelete(tempPath);
                throw;
            }
        }

        private static byte[] LittleEndianBytes<T>(ReadOnlySpan<T> data)
            where T : unmanaged
        {
            byte[] bytes = MemoryMarshal.AsBytes(data).ToArray();
            if (!BitConverter.IsLittleEndian)
            {
                int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
                for (int i = 0; i < bytes.Length; i += size)
                {
                    Array.Reverse(bytes, i, size);
                }
            }

            return bytes;
        }

        private static int CheckRecurrent(string prefix, int hidden, ReadOnlySpan<int> gateOrder, int inputWeights, int hiddenWeights, int inputBias, int hiddenBias)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
            int gates = gateOrder.Length;
            Span<bool> seen = stackalloc bool[gates];
            foreach (int gate in gateOrder)
            {
                if ((uint)gate >= (uint)gates || seen[gate])
                {
                    throw new ArgumentException($"The gate order of '{prefix}' is not a permutation of 0…{gates - 1}.", nameof(gateOrder));
                }

                seen[gate] = true;
            }

            long rows = (long)gates * hidden;
            if (hiddenWeights != rows * hidden || inputBias != rows || hiddenBias != rows || inputWeights % rows != 0 || inputWeights == 0)
            {
                throw new ArgumentException(
                    $"The tensors of '{prefix}' do not fit {gates} gates of {hidden}: expected W_ih a multiple of {rows}, W_hh {rows * hidden}, b_ih and b_hh {rows} values, "
                    + $"but got {inputWeights}, {hiddenWeights}, {inputBias} and {hiddenBias}.");
            }

            return (int)(inputWeights / rows);
        }

        private static byte[] Reorder(byte[] source, ReadOnlySpan<int> gateOrder, int blockBytes)
        {
            var result = new byte[source.Length];
            for (int k = 0; k < gateOrder.Length; k++)
            {
                Buffer.BlockCopy(source, gateOrder[k] * blockBytes, result, k * blockBytes, blockBytes);
            }

            return result;
        }

        private string[] RecurrentInitializers(string prefix, int hidden, int inputs, int gates, byte[] wih, byte[] whh, byte[] bih, byte[] bhh, ReadOnlySpan<int> gateOrder, int size)
        {
            int rows = gates * hidden;
            byte[] bias = new byte[2 * rows * size];
            Reorder(bih, gateOrder, hidden * size).CopyTo(bias, 0);
            Reorder(bhh, gateOrder, hidden * size).CopyTo(bias, rows * size);
            return new[]
            {
                AddInitializer(prefix + ".W", new[] { 1, rows, inputs }, rows * inputs, Reorder(wih, gateOrder, hidden * inputs * size), _elementType),
                AddInitializer(prefix + ".R", new[] { 1, rows, hidden }, rows * hidden, Reorder(whh, gateOrder, hidden * hidden * size), _elementType),
                AddInitializer(prefix + ".B", new[] { 1, 2 * rows }, 2 * rows, bias, _elementType),
            };
        }

        private void CheckType(DType type, string name)
        {
            if (type != ElementType)
            {
                throw new ArgumentException($"Tensor '{name}' is {type}, but this graph holds {ElementType} values.", nameof(name));
            }
        }

        private void Declare(string name)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (!_values.Add(name))
            {
                throw new ArgumentException($"The graph already has a value named '{name}'.", nameof(name));
            }
        }

        private bool IsConsumed(string value) => _nodes.Exists(n => Array.IndexOf(n.Inputs, value) >= 0);

        private string AddInitializer(string name, ReadOnlySpan<int> shape, long count, byte[] raw, int dataType)
        {
            long product = 1;
            var dims = new long[shape.Length];
            for (int i = 0; i < shape.Length; i++)
            {
                if (shape[i] < 0)
                {
                    throw new ArgumentException($"Tensor '{name}' has a negative dimension {shape[i]}.", nameof(shape));
                }

                dims[i] = shape[i];
                product *= shape[i];
            }

            if (product != count)
            {
                throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", dims)}] ({product} values), but {count} values were given.", nameof(shape));
            }

            Declare(name);

            // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian).
            _initializers.Add(new ProtoMessage().PackedVarints(1, dims).Varint(2, dataType).String(8, name).Bytes(9, raw));
            return name;
        }

        private ProtoMessage ValueInfo(string name, int width)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);

            // TensorShapeProto.Dimension: dim_value = 1, dim_param = 2; TensorShapeProto: dim = 1.
            var shape = new ProtoMessage()
                .Message(1, new ProtoMessage().String(2, BatchDimension))
                .Message(1, new ProtoMessage().Varint(1, width));

            // TypeProto.Tensor: elem_type = 1, shape = 2; TypeProto: tensor_type = 1; ValueInfoProto: name = 1, type = 2.
            var tensor = new ProtoMessage().Varint(1, _elementType).Message(2, shape);
            return new ProtoMessage().String(1, name).Message(2, new ProtoMessage().Message(1, tensor));
        }

        private ProtoMessage Model()
        {
            if (_inputs.Count == 0 || _outputs.Count == 0)
            {
                throw new InvalidOperationException($"Graph '{_name}' has {_inputs.Count} inputs and {_outputs.Count} outputs; an ONNX model needs at least one of each.");
            }

            // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
            var graph = new ProtoMessage();
            foreach (NodeEntry node in _nodes)
            {
                graph.Message(1, node.ToProto());
            }

            graph.String(2, _name);
            foreach (ProtoMessage initializer in _initializers)
            {
                graph.Message(5, initializer);
            }

            foreach (ProtoMessage input in _inputs)
            {
                graph.Message(11, input);
            }

            foreach (ProtoMessage output in _outputs)
            {
                graph.Message(12, output);
            }

            // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, doc_string = 6, graph = 7,
            // opset_import = 8 (OperatorSetIdProto: domain = 1, version = 2; the default domain is the empty string), metadata_props = 14.
            Version? version = typeof(OnnxGraph).Assembly.GetName().Version;
            var model = new ProtoMessage()
                .Varint(1, IrVersion)
                .String(2, "NetGen")
                .String(3, version is null ? "0.0.0" : version.ToString(3));
            if (!string.IsNullOrEmpty(DocString))
            {
                model.String(6, DocString);
            }

            model.Message(7, graph).Message(8, new ProtoMessage().String(1, string.Empty).Varint(2, OpsetVersion));
            foreach (KeyValuePair<string, string> pair in _metadata)
            {
                model.Message(14, new ProtoMessage().String(1, pair.Key).String(2, pair.Value));
            }

            return model;
        }

        private sealed record NodeEntry(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes)
        {
            // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
            public ProtoMessage ToProto()
            {
                var node = new ProtoMessage();
                foreach (string input in Inputs)
                {
                    node.String(1, input);
                }

                foreach (string output in Outputs)
                {
                    node.String(2, output);
                }

                node.String(3, Name).String(4, OpType);
                foreach (OnnxAttribute attribute in Attributes)
                {
                    node.Message(5, attribute.ToProto());
                }

                return node;
            }
        }
    }
}
