using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// Compiled-in weights ([Network(Weights = "…")]): the constructor copies each tensor from the embedded resource (the
    /// safetensors file, validated against this topology at build time) into its view. No file is read and no Load runs;
    /// the source holds only the resource's name, length, hash and the tensors' offsets, never the values.
    /// </summary>
    internal static class CompiledWeightsEmitter
    {
        /// <summary>The tensors Save writes for <paramref name="model"/>, in storage order: what a weights file must hold.</summary>
        public static List<(string Name, int[] Shape, string DType)> ExpectedTensors(NetworkModel model)
        {
            Numeric t = Numeric.For(model.Precision);
            return NetworkPlan.For(model).Layers.SelectMany(l => l.Tensors.Select(tensor => (l.Module + "." + tensor.Name, tensor.Shape, tensor.DType(t)))).ToList();
        }

        /// <summary>The header's lines about the compiled-in weights (none without them).</summary>
        public static IEnumerable<string> HeaderLines(NetworkModel model)
        {
            if (model.Weights is not { } weights)
            {
                yield break;
            }

            yield return $"Compiled-in weights: {weights.RelativePath} ({weights.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes, SHA-256 {weights.Sha256}),";
            yield return $"checked against this topology at build time and embedded as the resource \"{weights.ResourceName}\"; the constructor copies them.";
        }

        /// <summary>The constructor's statement that starts the parameters: the compiled-in weights, or InitializeParameters(0).</summary>
        public static string ConstructorStatement(NetworkModel model) => model.Weights is null ? "InitializeParameters(0);" : "CopyCompiledWeights();";

        public static void Emit(CodeWriter w, NetworkModel model, IReadOnlyList<Layer> layers, Numeric t)
        {
            if (model.Weights is not { } weights)
            {
                return;
            }

            var tensors = layers.SelectMany(l => l.Tensors).ToList();
            w.Line();
            w.Line($"/// <summary>The manifest resource holding the compiled-in weights: {weights.RelativePath}, checked against this topology at build time.</summary>");
            w.Line($"public const string CompiledWeightsResource = \"{weights.ResourceName}\";");
            w.Line();
            w.Line("/// <summary>SHA-256 of the compiled-in weights file (lower-case hex), as the build validated it.</summary>");
            w.Line($"public const string CompiledWeightsSha256 = \"{weights.Sha256}\";");
            w.Line();
            w.Line("/// <summary>Whether the resource's SHA-256 was checked: it cannot change while the assembly is loaded, so once is enough.</summary>");
            w.Line("private static bool s_compiledWeightsVerified;");
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// Sets every parameter to the compiled-in weights ({Escape(weights.RelativePath)}), as the constructor does: after");
            w.Line("/// <see cref=\"InitializeParameters\"/> or training, this returns to the trained model. Reads the embedded resource, no file. Not thread-safe.");
            w.Line("/// </summary>");
            using (w.Block("public void CopyCompiledWeights()"))
            {
                w.Line($"using global::System.IO.Stream stream = typeof({model.ClassName}).Assembly.GetManifestResourceStream(CompiledWeightsResource)");
                w.Line("    ?? throw new global::System.InvalidOperationException(\"The compiled-in weights resource '\" + CompiledWeightsResource + \"' is missing from the assembly; build with NetGen's build targets, which embed it.\");");
                using (w.Block($"if (stream.Length != {weights.Length.ToString(CultureInfo.InvariantCulture)})"))
                {
                    w.Line($"throw new global::System.InvalidOperationException(\"The compiled-in weights resource '\" + CompiledWeightsResource + \"' is \" + stream.Length + \" bytes; the build validated {weights.Length.ToString(CultureInfo.InvariantCulture)}.\");");
                }

                using (w.Block("if (!s_compiledWeightsVerified)"))
                {
                    w.Line("global::NetGen.Runtime.CompiledWeights.Verify(stream, CompiledWeightsResource, CompiledWeightsSha256);");
                    w.Line("s_compiledWeightsVerified = true;");
                }

                w.Line();

                for (int i = 0; i < tensors.Count; i++)
                {
                    w.Line($"stream.Position = {weights.Offsets[i].ToString(CultureInfo.InvariantCulture)};");
                    w.Line(tensors[i].Role == TensorRole.Counter
                        ? $"{tensors[i].View}[0] = global::NetGen.Runtime.CompiledWeights.ReadCount(stream);"
                        : $"global::NetGen.Runtime.CompiledWeights.Read(stream, {tensors[i].View});");
                }
            }
        }

        private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
