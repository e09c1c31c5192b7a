using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// Save/Load in the safetensors format, with the tensor names of a PyTorch nn.Sequential of the same modules:
    /// every Dense is an nn.Linear ("{index}.weight" [out, in], "{index}.bias" [out]), every activation a module of
    /// its own, so the indices count them as PyTorch does (0.weight, 2.weight, … for Linear/ReLU/Linear/…), and a
    /// recurrent layer is an nn.LSTM, nn.GRU or nn.RNN of one layer. The names and shapes come from each layer's tensors.
    /// </summary>
    internal static class ModelFileEmitter
    {
        public static void Emit(CodeWriter w, NetworkModel model, IReadOnlyList<Layer> layers, Numeric t, string headName)
        {
            string dtype = t.Type == "float" ? "F32" : "F64";
            string topology = string.Join("-", new[] { layers[0].Inputs.ToString(CultureInfo.InvariantCulture) }.Concat(layers.Select(l => l.TopologyToken)));
            string description = string.Join(", ", layers.Select(l => l.Modules));
            var tensors = layers.SelectMany(l => l.Tensors.Select(tensor => (Name: l.Module + "." + tensor.Name, Tensor: tensor))).ToList();

            w.Line();
            w.Line("/// <summary>The safetensors metadata written by Save: the topology, for people and tools reading the file.</summary>");
            w.Line("private static readonly global::System.Collections.Generic.Dictionary<string, string> ModelMetadata = new()");
            w.Line("{");
            w.Line("    [\"format\"] = \"pt\",");
            w.Line($"    [\"netgen.network\"] = \"{model.ClassName}\",");
            w.Line($"    [\"netgen.topology\"] = \"{topology}\",");
            w.Line($"    [\"netgen.sequential\"] = \"{description}\",");
            w.Line($"    [\"netgen.head\"] = \"{headName}\",");
            if (model.SequenceLength > 0)
            {
                w.Line($"    [\"netgen.sequence_length\"] = \"{model.SequenceLength.ToString(CultureInfo.InvariantCulture)}\",");
            }

            w.Line("};");
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// Writes the parameters to <paramref name=\"path\"/> in the safetensors format ({dtype}), with the tensor names of the");
            w.Line($"/// PyTorch nn.Sequential({Escape(description)}). Atomic: a temporary file is written, then renamed over the target.");
            w.Line("/// </summary>");
            w.Line("public void Save(string path) => global::NetGen.IO.SafeTensors.Save(path, ModelTensors(), global::NetGen.Data.Standardization.AddTo(ModelMetadata, Standardization));");
            w.Line();
            w.Line("/// <summary>Writes the parameters to <paramref name=\"stream\"/> in the safetensors format (see <see cref=\"Save(string)\"/>).</summary>");
            w.Line("public void Save(global::System.IO.Stream stream) => global::NetGen.IO.SafeTensors.Write(stream, ModelTensors(), global::NetGen.Data.Standardization.AddTo(ModelMetadata, Standardization));");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The input standardization the model was trained with, or null: Save writes it into the model file's metadata");
            w.Line("/// (netgen.standardization, PyTorch ignores it) and Load restores it, so preprocessing travels with the model.");
            w.Line("/// Predict does not apply it: call Standardization?.Apply(input) on a copy of the raw input first.");
            w.Line("/// </summary>");
            w.Line("public global::NetGen.Data.Standardization? Standardization { get; set; }");
            w.Line();
            w.Line("/// <summary>What Load(path) and Load(stream) accept: exactly this network's tensors, checked against the header before any data is read.</summary>");
            w.Line("private static readonly global::NetGen.IO.SafeTensorsReadOptions ModelReadOptions = new()");
            w.Line("{");
            w.Line("    ExpectedTensors = new global::NetGen.IO.TensorSpec[]");
            w.Line("    {");
            foreach ((string name, ParameterTensor tensor) in tensors)
            {
                w.Line($"        new(\"{name}\", global::NetGen.IO.DType.{tensor.DType(t)}, new int[] {{ {Shape(tensor)} }}),");
            }

            w.Line("    },");
            w.Line("};");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Reads parameters saved by <see cref=\"Save(string)\"/> or by PyTorch; validates the whole file first and leaves the network");
            w.Line("/// unchanged on any error. A missing, unexpected or differently shaped tensor is rejected from the header, before the data is read.");
            w.Line("/// </summary>");
            w.Line("public void Load(string path) => Load(global::NetGen.IO.SafeTensors.Load(path, ModelReadOptions));");
            w.Line();
            w.Line("/// <summary>Reads parameters in the safetensors format from <paramref name=\"stream\"/> (see <see cref=\"Load(string)\"/>); reads no more than the header and this network's tensors.</summary>");
            w.Line("public void Load(global::System.IO.Stream stream) => Load(global::NetGen.IO.SafeTensors.Read(stream, ModelReadOptions));");
            w.Line();
            w.Line("/// <summary>Copies the parameters from a validated safetensors file: every expected tensor must be present with");
            w.Line($"/// dtype {dtype} and its exact shape, and no other tensor may be; nothing is changed unless all of it matches.</summary>");
            using (w.Block("public void Load(global::NetGen.IO.SafeTensorsFile file)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(file);");
                foreach ((string name, ParameterTensor tensor) in tensors)
                {
                    w.Line($"file.Expect(\"{name}\", global::NetGen.IO.DType.{tensor.DType(t)}, new int[] {{ {Shape(tensor)} }});");
                }

                w.Line("file.ExpectNoOtherTensors();");
                w.Line("global::NetGen.Data.Standardization? standardization = global::NetGen.Data.Standardization.FromMetadata(file.Metadata, file.FileName, InputSize);");
                var counters = tensors.Where(e => e.Tensor.Role == TensorRole.Counter).ToList();
                for (int i = 0; i < counters.Count; i++)
                {
                    w.Line($"long count{i.ToString(CultureInfo.InvariantCulture)} = file.ReadCount(\"{counters[i].Name}\");");
                }

                foreach ((string name, ParameterTensor tensor) in tensors.Where(e => e.Tensor.Role != TensorRole.Counter))
                {
                    w.Line($"file.CopyTo(\"{name}\", {tensor.View});");
                }

                for (int i = 0; i < counters.Count; i++)
                {
                    w.Line($"{counters[i].Tensor.View}[0] = count{i.ToString(CultureInfo.InvariantCulture)};");
                }

                w.Line("Standardization = standardization;");
            }

            w.Line();
            // A network without parameters (pooling only) writes an empty file: the array's type cannot come from its elements.
            using (w.Block("private global::NetGen.IO.TensorEntry[] ModelTensors() => new" + (tensors.Count == 0 ? " global::NetGen.IO.TensorEntry" : string.Empty) + "[]", close: "};"))
            {
                foreach ((string name, ParameterTensor tensor) in tensors)
                {
                    string data = tensor.Role switch
                    {
                        TensorRole.Parameter => $"new ReadOnlyMemory<{t.Type}>(_storage, _origin + {tensor.Offset}, {tensor.Length})",
                        TensorRole.Buffer => $"new ReadOnlyMemory<{t.Type}>(_buffers, {tensor.Offset}, {tensor.Length})",
                        _ => $"new ReadOnlyMemory<long>(_counters, {tensor.Offset}, {tensor.Length})",
                    };
                    w.Line($"global::NetGen.IO.TensorEntry.Create(\"{name}\", new int[] {{ {Shape(tensor)} }}, {data}),");
                }
            }
        }

        private static string Shape(ParameterTensor tensor) => string.Join(", ", tensor.Shape.Select(n => n.ToString(CultureInfo.InvariantCulture)));

        private static string Escape(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
