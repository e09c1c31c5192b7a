using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// Reads a list of layer and activation attributes (a network's, or a block's where a [Residual] uses it) into nodes of
    /// the graph of values: each attribute one node, reading the value before it; a [Residual] its block's nodes, its
    /// shortcut's, and the node adding them. Checks that the shapes chain and keeps the value shapes for the messages.
    /// </summary>
    internal sealed partial class GraphBuilder
    {
        private readonly string _networkName;
        private readonly int _sequenceLength;
        private readonly Compilation _compilation;
        private readonly CancellationToken _cancellationToken;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly List<NodeModel> _nodes = new();
        private readonly List<Value> _values = new();
        private readonly List<AttributeSyntax> _syntax = new();

        public GraphBuilder(string networkName, int sequenceLength, Compilation compilation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            _networkName = networkName;
            _sequenceLength = sequenceLength;
            _compilation = compilation;
            _diagnostics = diagnostics;
            _cancellationToken = cancellationToken;
        }

        /// <summary>The nodes read so far, in graph order.</summary>
        public List<NodeModel> Nodes => _nodes;

        /// <summary>False once an error was reported (or, inside a block, found) for the graph.</summary>
        public bool Valid { get; private set; } = true;

        /// <summary>Trainable parameters of the nodes whose sizes are known.</summary>
        public long Parameters { get; private set; }

        /// <summary>Whether an error was already reported inside the attribute node <paramref name="node"/> was read from (what else is wrong with it would be a cascade).</summary>
        public bool HasErrorAt(int node)
        {
            Microsoft.CodeAnalysis.Text.TextSpan span = _syntax[node].Span;
            string path = _syntax[node].SyntaxTree.FilePath;
            return _diagnostics.Any(d => d.Location is { } at && at.FilePath == path && span.Contains(at.TextSpan));
        }

        /// <summary>The attribute each node was read from (a network's [Residual] for the nodes of its blocks).</summary>
        public AttributeSyntax SyntaxOf(int node) => _syntax[node];

        /// <summary>The shape of a value per row, or null when unknown.</summary>
        public LayerShape? ShapeOf(int node) => node == NodeModel.NetworkInput ? _input.Shape : _values[node].Shape;

        /// <summary>What a value is, for the parser's messages.</summary>
        internal readonly record struct Value(LayerShape? Shape, int Rows, bool FromImage, string Source, string Arithmetic, string Label);

        private Value _input;

        /// <summary>The network's input: [Input]'s shape (null for vector networks, whose first layer says how wide it is).</summary>
        public void SetInput(LayerShape? shape, int rows, bool declaredInvalid = false)
        {
            _input = new Value(shape, rows, shape is not null, "the input ([Input])", shape?.Arithmetic ?? string.Empty, "input");
            _inputDeclaredInvalid = declaredInvalid;
        }

        /// <summary>[Input] is written but in error (already reported): the first layer does not report it missing (NG0030) too.</summary>
        private bool _inputDeclaredInvalid;

        private Value ValueOf(int node) => node == NodeModel.NetworkInput ? _input : _values[node];

        /// <summary>How the diagnostics of a list are kept: all (a network's list), or those of a block's use or of the block itself.</summary>
        internal enum Mode
        {
            /// <summary>The network's own list: every diagnostic at its attribute.</summary>
            Network,

            /// <summary>
            /// A block expanded where a [Residual] uses it: what depends on the value it reads (shapes) is reported at the
            /// network's attribute; what is wrong with the block itself is reported once, by the block's own check.
            /// </summary>
            Use,

            /// <summary>A block read on its own (no input): what is wrong with it whatever it reads; shapes are its uses' concern.</summary>
            Standalone,
        }

        /// <summary>Where a list is read: the module path prefix, how messages name its layers, and the blocks it is inside.</summary>
        internal sealed record Scope(string ModulePrefix, string LabelSuffix, Mode Mode, LocationInfo? UseSite, IReadOnlyList<INamedTypeSymbol> Blocks, bool ReadsNetworkInput)
        {
            public static Scope Network => new(string.Empty, string.Empty, Mode.Network, null, System.Array.Empty<INamedTypeSymbol>(), true);
        }

        /// <summary>
        /// Reads <paramref name="attributes"/> in order, the first reading <paramref name="input"/>; returns the node whose
        /// value the list ends with (<paramref name="input"/> itself for an empty list). Heads are the caller's concern.
        /// </summary>
        public int ReadList(IReadOnlyList<AttributeEntry> attributes, int input, Scope scope)
        {
            int current = input;
            int layers = 0;
            int module = 0;
            LayerModel? previousLayer = null;
            AttributeSyntax? previousSyntax = null;
            int lastActivation = -1;
            foreach (AttributeEntry entry in attributes)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                string path = scope.ModulePrefix + module.ToString(CultureInfo.InvariantCulture);
                if (LayerKinds.TryGetActivation(entry.FullName, out ActivationKind activation))
                {
                    module++;
                    current = ReadActivation(entry, activation, current, lastActivation == current, path, scope);
                    lastActivation = current;
                    continue;
                }

                string label = layers.ToString(CultureInfo.InvariantCulture) + scope.LabelSuffix;
                bool first = scope.ReadsNetworkInput && current == NodeModel.NetworkInput && !_inputDeclaredInvalid;
                int node;
                if (entry.FullName == LayerKinds.ResidualAttribute)
                {
                    node = ReadResidual(entry, current, path, label, scope);
                }
                else if (LayerKinds.TryGetLayer(entry.FullName, out LayerKind kind))
                {
                    node = ReadLayer(entry, kind, current, path, label, first, previousLayer, previousSyntax, scope);
                }
                else
                {
                    continue; // [Input] and heads: read by the network's parser
                }

                module++;
                layers++;
                previousLayer = node >= 0 ? _nodes[node].Layer : null;
                previousSyntax = entry.Syntax;
                current = node;
            }

            return current;
        }

        private int ReadLayer(AttributeEntry entry, LayerKind kind, int input, string path, string label, bool first, LayerModel? previousLayer, AttributeSyntax? previousSyntax, Scope scope)
        {
            Value incoming = ValueOf(input);
            double[]? arguments = NetworkParser.ReadArguments(entry.Data, kind);
            var found = new List<DiagnosticInfo>();
            LayerModel model;
            bool known;
            if (arguments is null)
            {
                NetworkParser.ReportNonConstant(entry.Data, entry.Syntax, entry.Name, kind.Parameters, kind.Integers, SemanticModelOf(entry.Syntax), found, _cancellationToken);
                model = new UnreadModel(entry.Name);
                known = false;
            }
            else
            {
                var reading = new LayerReading(entry.Name, 0, label, first, entry.Data, entry.Syntax, arguments, incoming.Shape, incoming.Source, incoming.FromImage, _networkName, found)
                {
                    IncomingArithmetic = incoming.Arithmetic,
                    IncomingRows = incoming.Rows,
                    SequenceLength = _sequenceLength,
                };
                model = kind.Read(reading);
                known = reading.Valid && reading.OutputKnown;
                if (reading.Valid)
                {
                    CheckLayerOrder(model, label, previousLayer, previousSyntax, entry.Syntax, scope, found);
                }
            }

            Report(found, scope);
            int rows = model.OutputRows(incoming.Rows);
            string name = entry.Name + " layer " + label;
            var value = known
                ? new Value(model.OutputShape, rows, model.OutputFromImage(incoming.FromImage), name, model.OutputArithmetic, label)
                : new Value(null, rows, false, name, string.Empty, label);
            if (known)
            {
                Parameters += model.ParameterCount;
            }

            return Add(model, new[] { input }, path, rows, value, entry.Syntax);
        }

        private int ReadActivation(AttributeEntry entry, ActivationKind activation, int input, bool afterActivation, string path, Scope scope)
        {
            var found = new List<DiagnosticInfo>();
            LocationInfo? at = LocationInfo.From(entry.Syntax.GetLocation());
            if (input == NodeModel.NetworkInput)
            {
                found.Add(Diagnostic(DiagnosticDescriptors.ActivationWithoutDense, at, entry.Name));
            }
            else if (afterActivation)
            {
                Value producer = ValueOf(_nodes[input].Inputs[0]);
                string layer = _nodes[input].Inputs[0] == NodeModel.NetworkInput ? "the input" : producer.Source;
                found.Add(Diagnostic(DiagnosticDescriptors.TwoActivations, at, layer, _nodes[input].Layer.Kind, entry.Name));
            }

            double slope = activation == ActivationKind.LeakyRelu ? ReadSlope(entry, found) : 0;
            Report(found, scope);
            Value incoming = ValueOf(input);
            var model = new ActivationModel(activation, slope, incoming.Shape ?? LayerShape.Flat(0));
            return Add(model, new[] { input }, path, incoming.Rows, incoming with { }, entry.Syntax);
        }

        /// <summary>LeakyRelu's slope (0.01 when not written); a non-finite or negative slope or a non-constant is reported.</summary>
        private double ReadSlope(AttributeEntry entry, List<DiagnosticInfo> found)
        {
            AttributeData data = entry.Data;
            if (data.ConstructorArguments.Length == 1 && data.ConstructorArguments[0].Value is double s)
            {
                if (double.IsNaN(s) || !(s <= float.MaxValue) || s < 0) // the float networks' literal must be finite too
                {
                    found.Add(Diagnostic(DiagnosticDescriptors.InvalidSlope, NetworkParser.ArgumentLocation(entry.Syntax, 0, data), s.ToString("R", CultureInfo.InvariantCulture)));
                }

                return s;
            }

            if (data.AttributeConstructor is null || data.ConstructorArguments.Length > 1 || data.ConstructorArguments.Length == 1)
            {
                NetworkParser.ReportNonConstant(data, entry.Syntax, entry.Name, new[] { "slope" }, integers: false, SemanticModelOf(entry.Syntax), found, _cancellationToken);
            }

            return 0.01;
        }

        /// <summary>
        /// Recurrent layers come first (a recurrent layer after any other layer is not supported), and a recurrent layer
        /// followed by another must return its whole sequence (ReturnSequences = true), as in Keras.
        /// </summary>
        private static void CheckLayerOrder(LayerModel model, string label, LayerModel? previous, AttributeSyntax? previousSyntax, AttributeSyntax syntax, Scope scope, List<DiagnosticInfo> found)
        {
            if (model is not RecurrentModel)
            {
                return;
            }

            if (scope.Mode != Mode.Network)
            {
                found.Add(Diagnostic(DiagnosticDescriptors.BlockMisuse, LocationInfo.From(syntax.GetLocation()), "[" + model.Kind + "]", "cannot be used in a block: recurrent layers come first in a network"));
                return;
            }

            if (previous is null)
            {
                return;
            }

            string previousLabel = PreviousLabel(label);
            if (previous is not RecurrentModel before)
            {
                found.Add(Diagnostic(DiagnosticDescriptors.UnsupportedLayerOrder, LocationInfo.From(syntax.GetLocation()), model.Kind, label, previous.Kind, previousLabel));
            }
            else if (!before.ReturnSequences)
            {
                found.Add(Diagnostic(DiagnosticDescriptors.RecurrentWithoutSequences, LocationInfo.From(previousSyntax!.GetLocation()), before.Kind, previousLabel, model.Kind, label));
            }
        }

        /// <summary>"3" for "4" (the network's own numbering).</summary>
        private static string PreviousLabel(string label) =>
            (int.Parse(label, CultureInfo.InvariantCulture) - 1).ToString(CultureInfo.InvariantCulture);

        private int Add(LayerModel model, int[] inputs, string path, int rows, Value value, AttributeSyntax syntax)
        {
            _nodes.Add(new NodeModel(model, new EquatableArray<int>(inputs), path, rows));
            _values.Add(value);
            _syntax.Add(syntax);
            return _nodes.Count - 1;
        }

        /// <summary>Keeps what <paramref name="found"/> holds as the scope's mode says; any of it makes the graph invalid.</summary>
        private void Report(List<DiagnosticInfo> found, Scope scope)
        {
            foreach (DiagnosticInfo info in found)
            {
                if (DiagnosticDescriptors.ById(info.Id).DefaultSeverity != DiagnosticSeverity.Error)
                {
                    if (scope.Mode == Mode.Network)
                    {
                        _diagnostics.Add(info);
                    }

                    continue;
                }

                Valid = false;
                bool shape = DiagnosticDescriptors.DependsOnShape(info.Id);
                switch (scope.Mode)
                {
                    case Mode.Network:
                        _diagnostics.Add(info);
                        break;
                    case Mode.Use when shape:
                        _diagnostics.Add(info with { Location = scope.UseSite });
                        break;
                    case Mode.Standalone when !shape:
                        _diagnostics.Add(info);
                        break;
                    case Mode.Use:
                    case Mode.Standalone:
                        break;
                }
            }
        }

        /// <summary>The semantic model of the tree an attribute is in (a block may be declared in another file).</summary>
        private SemanticModel SemanticModelOf(SyntaxNode syntax) => _compilation.GetSemanticModel(syntax.SyntaxTree);

        private static DiagnosticInfo Diagnostic(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            new(descriptor.Id, location, new EquatableArray<string>(arguments));
    }
}
