using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Heads;
using NetGen.Generator.Emitting.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// SaveOnnx: the network as an ONNX model, built at run time by NetGen.IO.OnnxGraph. The input "input" is [N, InputSize],
    /// the output "output" [N, OutputSize] with what Predict returns; each layer writes its own nodes (<see cref="Layer.EmitOnnx"/>),
    /// then the head (<see cref="Head.Onnx"/>). No kind-specific code here, and one statement or a few per layer.
    /// </summary>
    internal static class OnnxEmitter
    {
        public static void Emit(CodeWriter w, NetworkModel model, NetworkPlan plan, Head head, Numeric t)
        {
            IReadOnlyList<Layer> layers = plan.Layers;
            string dtype = t.Type == "float" ? "F32" : "F64";
            string onnxType = t.Type == "float" ? "FLOAT" : "DOUBLE";
            Layer last = layers[layers.Count - 1];

            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// Writes this network to <paramref name=\"path\"/> as an ONNX model (IR version 8, opset 17, tensors {onnxType}):");
            w.Line("/// the input \"input\" [N, InputSize] and the output \"output\" [N, OutputSize], N dynamic, the output being what Predict writes.");
            w.Line("/// The parameters keep the names of the safetensors file. Atomic: a temporary file is written, then renamed over the target.");
            w.Line("/// </summary>");
            w.Line("public void SaveOnnx(string path) => BuildOnnx().Save(path);");
            w.Line();
            w.Line("/// <summary>Writes this network to <paramref name=\"stream\"/> as an ONNX model (see <see cref=\"SaveOnnx(string)\"/>).</summary>");
            w.Line("public void SaveOnnx(global::System.IO.Stream stream) => BuildOnnx().Write(stream);");
            w.Line();
            using (w.Block("private global::NetGen.IO.OnnxGraph BuildOnnx()"))
            {
                w.Line($"var g = new global::NetGen.IO.OnnxGraph(\"{model.ClassName}\", global::NetGen.IO.DType.{dtype});");
                w.Line("foreach (var pair in ModelMetadata)");
                w.Line("{");
                w.Line("    if (pair.Key.StartsWith(\"netgen.\", StringComparison.Ordinal)) g.SetMetadata(pair.Key, pair.Value);");
                w.Line("}");
                w.Line();
                w.Line("string x = g.Input(\"input\", InputSize);");
                if (model.SequenceLength > 0)
                {
                    // Every layer reads [N·rows, features]: a sequence's T steps become rows (a recurrent layer regroups them).
                    string features = (layers[0].InputWidth / model.SequenceLength).ToString(CultureInfo.InvariantCulture);
                    w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {features}) }});   // the T steps of an example as rows");
                }
                bool chain = plan.IsChain;
                if (!chain)
                {
                    w.Line("string input = x;");
                }

                for (int i = 0; i < layers.Count; i++)
                {
                    Layer layer = layers[i];
                    w.Line($"// Layer {i.ToString(CultureInfo.InvariantCulture)}: {layer.Modules}");
                    if (chain)
                    {
                        layer.EmitOnnx(w, layer.Module);
                        continue;
                    }

                    // A graph: each layer's value has a name of its own, and a layer starts from its first source's.
                    var sources = layer.Sources.Select(s => s is null ? "input" : "v" + s.Index.ToString(CultureInfo.InvariantCulture)).ToList();
                    w.Line($"x = {sources[0]};");
                    layer.EmitOnnx(w, layer.Module, sources);
                    w.Line($"string v{i.ToString(CultureInfo.InvariantCulture)} = x;");
                }

                string? output = head.Onnx("g", "x");
                if (output is not null)
                {
                    w.Line($"x = {output};");
                }

                if (last.OutputRows > 1)
                {
                    w.Line("x = g.Node(\"Reshape\", new[] { x, g.Int64s(-1, OutputSize) });   // the T rows of an example side by side");
                }

                w.Line("g.Output(x, \"output\", OutputSize);");
                w.Line("return g;");
            }
        }
    }
}
