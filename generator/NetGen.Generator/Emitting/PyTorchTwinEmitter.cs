using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Heads;
using NetGen.Generator.Emitting.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// The header's PyTorch twin: Python source building the same network as a torch module whose state_dict has exactly the
    /// tensor names, shapes and dtype of Save's file (so load_state_dict(..., strict=True) takes it), and predict(x) returning
    /// what Predict returns. An nn.Sequential for Dense networks; a small module for recurrent ones (nn.LSTM returns a
    /// tuple), its submodules registered under the nn.Sequential numbering. The modules and forward lines come from the
    /// layers, the prediction from the head: nothing here names a kind.
    /// </summary>
    internal static class PyTorchTwinEmitter
    {
        public static IEnumerable<string> Lines(NetworkModel model, IReadOnlyList<Layer> layers, Head head)
        {
            IReadOnlyList<string> names = ModelFileEmitter.SequentialNames(layers);
            var modules = layers.SelectMany(l => l.TorchModules).ToList();
            string className = model.ClassName.TrimStart('@');
            int inputs = layers[0].Inputs;
            var lines = new List<string> { "import torch" };
            if (model.SequenceLength == 0)
            {
                lines.Add("model = torch.nn.Sequential(");
                lines.AddRange(modules.Select(m => "    " + m + ","));
                lines.Add(")" + (model.Precision == Precision.Double ? ".double()" : string.Empty));
                if (layers.Any(l => l.IsStochastic))
                {
                    lines.Add("model.eval()                            # dropout off, as in Predict");
                }

                string? shape = layers[0].TorchInputShape;
                lines.Add($"def predict(x):                         # x: [N, {layers[0].InputWidth}]; returns what Predict returns");
                lines.Add("    return " + head.TorchPredict(shape is null ? "model(x)" : $"model(x.reshape({shape}))"));
                return lines;
            }

            string t = model.SequenceLength.ToString(CultureInfo.InvariantCulture);
            lines.Add($"class {className}(torch.nn.Module):");
            lines.Add("    def __init__(self):");
            lines.Add("        super().__init__()");
            int index = 0;
            foreach (string module in modules)
            {
                lines.Add($"        self.add_module(\"{index.ToString(CultureInfo.InvariantCulture)}\", {module})");
                index++;
            }

            lines.Add($"    def forward(self, x):                   # x: [N, {t} steps, {inputs}]");
            for (int i = 0; i < layers.Count; i++)
            {
                lines.AddRange(layers[i].TorchForward(int.Parse(names[i], CultureInfo.InvariantCulture)).Select(l => "        " + l));
            }

            lines.Add("        return x");
            lines.Add($"model = {className}()" + (model.Precision == Precision.Double ? ".double()" : string.Empty));
            lines.Add($"def predict(x):                         # x: [N, {t} × {inputs}], row-major; returns what Predict returns");
            lines.Add($"    return {head.TorchPredict($"model(x.reshape(-1, {t}, {inputs}))")}.reshape(x.shape[0], -1)");
            return lines;
        }
    }
}
