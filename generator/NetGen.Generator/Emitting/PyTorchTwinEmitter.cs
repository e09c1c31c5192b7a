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
    /// what Predict returns. An nn.Sequential for networks without recurrent layers; a small module for recurrent ones
    /// (nn.LSTM returns a tuple), its submodules registered under the nn.Sequential numbering. The modules come from the
    /// layers, each at its path ("3", "3.body.0"): a module whose path has children (a residual's body and shortcut) is
    /// built around them. The Python classes the modules need are written once, before the model. Nothing here names a kind.
    /// </summary>
    internal static class PyTorchTwinEmitter
    {
        public static IEnumerable<string> Lines(NetworkModel model, IReadOnlyList<Layer> layers, Head head)
        {
            var modules = layers.SelectMany(l => l.TorchModules).ToList();
            string className = model.ClassName.TrimStart('@');
            int inputs = layers[0].Inputs;
            var lines = new List<string> { "import torch" };
            foreach (string helper in modules.SelectMany(m => m.Helpers).Distinct())
            {
                lines.AddRange(helper.Split('\n'));
            }

            List<TorchModule> top = modules.Where(m => m.Path.IndexOf('.') < 0).ToList();
            if (model.SequenceLength == 0)
            {
                lines.Add("model = torch.nn.Sequential(");
                foreach (TorchModule module in top)
                {
                    AddConstructor(lines, modules, module, "    ", ",");
                }

                lines.Add(")" + (model.Precision == Precision.Double ? ".double()" : string.Empty));
                if (layers.Any(l => l.IsStochastic || l.IsBatchCoupled))
                {
                    lines.Add(layers.Any(l => l.IsBatchCoupled)
                        ? "model.eval()                            # running statistics, dropout off: as in Predict"
                        : "model.eval()                            # dropout off, as in Predict");
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
            foreach (TorchModule module in top)
            {
                var constructor = new List<string>();
                AddConstructor(constructor, modules, module, string.Empty, string.Empty);
                constructor[0] = $"        self.add_module(\"{module.Path}\", " + constructor[0];
                for (int i = 1; i < constructor.Count; i++)
                {
                    constructor[i] = "        " + constructor[i];
                }

                constructor[constructor.Count - 1] += ")";
                lines.AddRange(constructor);
            }

            lines.Add($"    def forward(self, x):                   # x: [N, {t} steps, {inputs}]");
            foreach (Layer layer in layers.Where(l => l.Module.IndexOf('.') < 0))
            {
                lines.AddRange(layer.TorchForward.Select(l => "        " + l));
            }

            lines.Add("        return x");
            lines.Add($"model = {className}()" + (model.Precision == Precision.Double ? ".double()" : string.Empty));
            lines.Add($"def predict(x):                         # x: [N, {t} × {inputs}], row-major; returns what Predict returns");
            lines.Add($"    return {head.TorchPredict($"model(x.reshape(-1, {t}, {inputs}))")}.reshape(x.shape[0], -1)");
            return lines;
        }

        /// <summary>
        /// The lines constructing <paramref name="module"/>, indented, the last ending with <paramref name="end"/>: its
        /// constructor, or, for a module with children, the constructor called with an nn.Sequential of each child list.
        /// </summary>
        private static void AddConstructor(List<string> lines, List<TorchModule> all, TorchModule module, string indent, string end)
        {
            if (module.Children.Count == 0)
            {
                lines.Add(indent + module.Constructor + end);
                return;
            }

            lines.Add(indent + module.Constructor + "(");
            foreach (string child in module.Children)
            {
                string prefix = module.Path + "." + child + ".";
                List<TorchModule> members = all.Where(m => m.Path.StartsWith(prefix, System.StringComparison.Ordinal) && m.Path.IndexOf('.', prefix.Length) < 0)
                    .OrderBy(m => int.Parse(m.Path.Substring(prefix.Length), CultureInfo.InvariantCulture))
                    .ToList();
                lines.Add(indent + "    torch.nn.Sequential(");
                foreach (TorchModule member in members)
                {
                    AddConstructor(lines, all, member, indent + "        ", ",");
                }

                lines.Add(indent + "    ),");
            }

            lines.Add(indent + ")" + end);
        }
    }
}
