using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Emitting.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// Save/Load in the safetensors format, with the tensor names of a PyTorch nn.Sequential of the same modules:
    /// every Dense is an nn.Linear ("{index}.weight" [out, in], "{index}.bias" [out]) and every activation a module of
    /// its own, so the indices count them as PyTorch does (0.weight, 2.weight, … for Linear/ReLU/Linear/…).
    /// </summary>
    internal static class ModelFileEmitter
    {
        public static IReadOnlyList<string> SequentialNames(IReadOnlyList<DenseLayer> layers)
        {
            var names = new List<string>();
            int index = 0;
            foreach (DenseLayer layer in layers)
            {
                names.Add(index.ToString(CultureInfo.InvariantCulture));
                index += layer.Activation is Identity ? 1 : 2;
            }

            return names;
        }

        public static void Emit(CodeWriter w, NetworkModel model, IReadOnlyList<DenseLayer> layers, Numeric t, string headName)
        {
            IReadOnlyList<string> names = SequentialNames(layers);
            string dtype = t.Type == "float" ? "F32" : "F64";
            string topology = string.Join("-", new[] { layers[0].Inputs }.Concat(layers.Select(l => l.Outputs)).Select(n => n.ToString(CultureInfo.InvariantCulture)));
            string description = string.Join(", ", layers.Select(l => $"Linear({l.Inputs}, {l.Outputs})" + (l.Activation is Identity ? string.Empty : ", " + l.Activation.Name)));

            w.Line();
            w.Line("/// <summary>The safetensors metadata written by Save: the topology, for people and tools reading the file.</summary>");
            w.Line("private static readonly global::System.Collections.Generic.Dictionary<string, string> ModelMetadata = new()");
            w.Line("{");
            w.Line("    [\"format\"] = \"pt\",");
            w.Line($"    [\"netgen.network\"] = \"{model.ClassName}\",");
            w.Line($"    [\"netgen.topology\"] = \"{topology}\",");
            w.Line($"    [\"netgen.sequential\"] = \"{description}\",");
            w.Line($"    [\"netgen.head\"] = \"{headName}\",");
            w.Line("};");
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// Writes the parameters to <paramref name=\"path\"/> in the safetensors format ({dtype}), with the tensor names of the");
            w.Line($"/// PyTorch nn.Sequential({Escape(description)}). Atomic: a temporary file is written, then renamed over the target.");
            w.Line("/// </summary>");
            w.Line("public void Save(string path) => global::NetGen.IO.SafeTensors.Save(path, ModelTensors(), ModelMetadata);");
            w.Line();
            w.Line("/// <summary>Writes the parameters to <paramref name=\"stream\"/> in the safetensors format (see <see cref=\"Save(string)\"/>).</summary>");
            w.Line("public void Save(global::System.IO.Stream stream) => global::NetGen.IO.SafeTensors.Write(stream, ModelTensors(), ModelMetadata);");
            w.Line();
            w.Line("/// <summary>Reads parameters saved by <see cref=\"Save(string)\"/> or by PyTorch; validates the whole file first and leaves the network unchanged on any error.</summary>");
            w.Line("public void Load(string path) => Load(global::NetGen.IO.SafeTensors.Load(path));");
            w.Line();
            w.Line("/// <summary>Reads parameters in the safetensors format from <paramref name=\"stream\"/> (see <see cref=\"Load(string)\"/>).</summary>");
            w.Line("public void Load(global::System.IO.Stream stream) => Load(global::NetGen.IO.SafeTensors.Read(stream));");
            w.Line();
            w.Line("/// <summary>Copies the parameters from a validated safetensors file: every expected tensor must be present with");
            w.Line($"/// dtype {dtype} and its exact shape, and no other tensor may be; nothing is changed unless all of it matches.</summary>");
            using (w.Block("public void Load(global::NetGen.IO.SafeTensorsFile file)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(file);");
                for (int i = 0; i < layers.Count; i++)
                {
                    w.Line($"file.Expect(\"{names[i]}.weight\", global::NetGen.IO.DType.{dtype}, new int[] {{ {layers[i].Outputs}, {layers[i].Inputs} }});");
                    w.Line($"file.Expect(\"{names[i]}.bias\", global::NetGen.IO.DType.{dtype}, new int[] {{ {layers[i].Outputs} }});");
                }

                w.Line("file.ExpectNoOtherTensors();");
                for (int i = 0; i < layers.Count; i++)
                {
                    w.Line($"file.CopyTo(\"{names[i]}.weight\", Layer{i}Weights);");
                    w.Line($"file.CopyTo(\"{names[i]}.bias\", Layer{i}Bias);");
                }
            }

            w.Line();
            using (w.Block("private global::NetGen.IO.TensorEntry[] ModelTensors() => new[]", close: "};"))
            {
                for (int i = 0; i < layers.Count; i++)
                {
                    w.Line($"global::NetGen.IO.TensorEntry.Create(\"{names[i]}.weight\", new int[] {{ {layers[i].Outputs}, {layers[i].Inputs} }}, new ReadOnlyMemory<{t.Type}>(_storage, _origin + W{i}, {layers[i].WeightCount})),");
                    w.Line($"global::NetGen.IO.TensorEntry.Create(\"{names[i]}.bias\", new int[] {{ {layers[i].Outputs} }}, new ReadOnlyMemory<{t.Type}>(_storage, _origin + B{i}, {layers[i].Outputs})),");
                }
            }
        }

        private static string Escape(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
