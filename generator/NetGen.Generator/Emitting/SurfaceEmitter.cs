using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// The interface family every network implements (NetGen.INetwork, ITrainable and the IClassifier or IRegressor
    /// flavour of its head), the constants only they need, and the run-time summary.
    /// </summary>
    internal sealed class SurfaceEmitter : EmitterPart
    {
        public SurfaceEmitter(EmitterPart shared)
            : base(shared)
        {
        }

        /// <summary>The interface of the head's flavour, e.g. "global::NetGen.IClassifier&lt;MnistNet, float&gt;".</summary>
        private string FlavourInterface => $"global::NetGen.{(_head.IntegerLabels ? "IClassifier" : "IRegressor")}<{_model.ClassName}, {T}>";

        /// <summary>The base list of the generated partial declaration: the flavour interface, when the language has static abstract members.</summary>
        internal string BaseList => !_model.Interfaces ? string.Empty
            : Vocabulary > 0 && TokenStream ? " : " + FlavourInterface + ", " + TokenStreamInterface
            : Vocabulary > 0 ? " : " + FlavourInterface + ", " + TokenInterface
            : " : " + FlavourInterface;

        /// <summary>The interface of a network over token ids, e.g. "global::NetGen.ITokenNetwork&lt;CharModel, float&gt;".</summary>
        private string TokenInterface => $"global::NetGen.ITokenNetwork<{_model.ClassName}, {T}>";

        /// <summary>A language model a generator can drive: over tokens, with Step, its outputs probabilities over the vocabulary.</summary>
        private bool TokenStream => HasStep && _head.IntegerLabels;

        private string TokenStreamInterface => $"global::NetGen.ITokenStream<{_model.ClassName}, {T}>";

        internal void EmitInterfaceMembers(CodeWriter w)
        {
            w.Line();
            if (_head.IntegerLabels)
            {
                w.Line($"/// <summary>Number of classes: {Last.Outputs}{(Rows > 1 ? $", at each of the {Rows} steps" : string.Empty)}.</summary>");
                w.Line($"public const int ClassCount = {Last.Outputs};");
                w.Line();
            }

            w.Line("/// <summary>");
            w.Line("/// The network described for people, like Keras's summary(): each layer with its PyTorch module, output shape,");
            w.Line("/// parameters and forward FLOPs per example, then the totals, the FLOPs of a training step and the memory it uses.");
            w.Line("/// </summary>");
            w.Line($"public const string Summary = {Literal(SummaryText())};");
            if (!_model.Interfaces)
            {
                return;
            }

            string network = $"global::NetGen.INetwork<{_model.ClassName}, {T}>";
            string trainable = $"global::NetGen.ITrainable<{_model.ClassName}, {T}, {(_head.IntegerLabels ? "int" : T)}>";
            int targets = _head.IntegerLabels ? Rows : Last.OutputWidth;
            w.Line();
            w.Line($"static int {network}.InputSize => InputSize;");
            w.Line($"static int {network}.OutputSize => OutputSize;");
            w.Line($"static int {network}.ParameterCount => ParameterCount;");
            w.Line($"static int {network}.BufferCount => BufferCount;");
            w.Line($"static int {network}.OptimizerStateSize => OptimizerStateSize;");
            w.Line($"static string {network}.Summary => Summary;");
            w.Line($"static int {trainable}.TargetsPerExample => {targets.ToString(CultureInfo.InvariantCulture)};");
            if (_head.IntegerLabels)
            {
                w.Line($"static int {FlavourInterface}.ClassCount => ClassCount;");
            }

            if (Vocabulary > 0)
            {
                w.Line($"static int {TokenInterface}.Vocabulary => Vocabulary;");
            }

            if (Vocabulary > 0 && TokenStream)
            {
                w.Line($"static int {TokenStreamInterface}.StreamStateSize => StreamStateSize;");
                w.Line($"static int {TokenStreamInterface}.StreamCapacity => StreamCapacity;");
                w.Line($"static void {TokenStreamInterface}.ResetState(Span<{T}> state) => ResetState(state);");
            }
        }

        /// <summary>A layer's output per example as Summary shows it: [C, H, W] for an image, [T, F] for a sequence, [F] for a vector.</summary>
        private static string OutputShape(Layer layer) =>
            layer.Node.Layer.OutputShape is { IsSpatial: true } image ? $"[{image.Channels}, {image.Height}, {image.Width}]"
            : layer.OutputRows > 1 ? $"[{layer.OutputRows}, {layer.Outputs}]"
            : $"[{layer.Outputs}]";

        /// <summary>The text of the generated Summary constant (O(layers) lines).</summary>
        private string SummaryText()
        {
            var rows = new List<string[]> { new[] { "#", "layer (PyTorch module)", "output shape", "parameters", "forward FLOPs" } };
            foreach (Layer layer in _layers)
            {
                rows.Add(new[]
                {
                    layer.Index.ToString(CultureInfo.InvariantCulture),
                    layer.Modules,
                    OutputShape(layer),
                    Number(layer.ParameterCount),
                    Number(layer.ForwardFlops),
                });
            }

            int[] widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
            var text = new StringBuilder();
            string input = Vocabulary > 0 ? $"[{_model.SequenceLength}] token ids in [0, {Vocabulary})"
                : _model.SequenceLength > 0 ? $"[{_model.SequenceLength}, {First.Inputs}]"
                : First.TorchInputShape is { } image ? "[" + image.Replace("-1, ", string.Empty) + "]"
                : $"[{First.Inputs}]";
            text.Append($"{_model.ClassName}: input {input}, {T} precision, {_optimizer.Name}\n");
            foreach (string[] row in rows)
            {
                text.Append(' ').Append(row[0].PadLeft(widths[0])).Append("  ").Append(row[1].PadRight(widths[1])).Append("  ")
                    .Append(row[2].PadRight(widths[2])).Append("  ").Append(row[3].PadLeft(widths[3])).Append("  ")
                    .Append(row[4].PadLeft(widths[4])).Append('\n');
            }

            long forward = _layers.Sum(l => l.ForwardFlops);
            long backward = _layers.Sum(l => l.BackwardFlops);
            long scratchBytes = ((2L * _batchChunk * _activationCount) + TransposeScratch) * _t.Size;
            text.Append($" head: {_head.Description}\n");
            text.Append($"Parameters: {Number(_parameterCount)} ({Number((long)_parameterCount * _t.Size)} bytes); optimizer state: {Number((long)_optimizer.StateBuffers * _parameterCount * _t.Size)} bytes\n");
            text.Append($"FLOPs per example: forward {Number(forward)}, training step {Number(forward + backward + ((long)_optimizer.StepFlops * _parameterCount))} (forward, backward, update)\n");
            text.Append($"Memory for training: {Number(StoredBytes)} bytes of activations per example; scratch {Number(scratchBytes)} bytes ({_batchChunk} examples at a time)");
            return text.ToString();
        }

        /// <summary>A C# regular string literal for <paramref name="text"/>.</summary>
        private static string Literal(string text)
        {
            var s = new StringBuilder("\"");
            foreach (char c in text)
            {
                s.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\n' => "\\n",
                    _ => c.ToString(),
                });
            }

            return s.Append('"').ToString();
        }
    }
}
