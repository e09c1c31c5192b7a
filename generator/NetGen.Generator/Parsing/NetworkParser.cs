using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// Symbols → model. The only place that touches Roslyn symbols and syntax: it reads the layer attributes of
    /// one [Network] declaration in source order, validates the topology, and returns a plain model (when valid)
    /// plus diagnostics that point at the exact attribute or argument at fault.
    /// </summary>
    internal static partial class NetworkParser
    {
        public const string NetworkAttribute = "NetGen.NetworkAttribute";

        /// <summary>Upper bound on trainable parameters (about 400 MB of float parameters, plus as much again while training).</summary>
        public const long MaxParameters = 100_000_000;

        /// <summary>Upper bound on the units of all layers together (activations stored per example).</summary>
        public const long MaxUnits = 1_000_000;

        /// <summary>
        /// Upper bound on the layers the generator writes (fused activations not counted): each has its own methods, about
        /// 13 KB of C#, so 512 layers are about 7 MB of generated code and half a minute of compilation.
        /// </summary>
        public const int MaxLayers = 512;

        /// <summary>
        /// The oldest C# the generated code compiles as: it uses native-sized integers (nuint, C# 9) and nullable
        /// annotations (C# 8). A consumer on an older version gets NG0022 instead of a cascade of CS8370/CS8400.
        /// </summary>
        public const LanguageVersion MinimumLanguageVersion = LanguageVersion.CSharp9;

        /// <summary>The oldest C# in which the generated class implements NetGen.INetwork (static abstract interface members).</summary>
        public const LanguageVersion InterfaceLanguageVersion = LanguageVersion.CSharp11;

        public static bool IsLayerAttribute(string fullName) => LayerKinds.IsKnown(fullName);

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration || context.Attributes.IsEmpty)
            {
                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            if (!CarriesFirstNetworkAttribute(type, declaration, cancellationToken))
            {
                // [Network] on several partial declarations: the compiler reports CS0579; only the first is parsed,
                // so one class never yields two models (two sources with the same hint name).
                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            string name = type.Name;

            if (declaration.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < MinimumLanguageVersion } options)
            {
                diagnostics.Add(Diagnostic(
                    DiagnosticDescriptors.LanguageVersionTooOld,
                    LocationInfo.From(declaration.Identifier.GetLocation()),
                    name,
                    MinimumLanguageVersion.ToDisplayString(),
                    options.LanguageVersion.ToDisplayString()));
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            CheckDeclaration(type, declaration, diagnostics);

            List<AttributeEntry> layers = ReadLayerAttributes(type, declaration, diagnostics, cancellationToken);
            AttributeData network = context.Attributes[0];
            var precision = (Precision)ReadEnumOption(network, "Precision", System.Enum.GetNames(typeof(Precision)), diagnostics, cancellationToken);
            var optimizer = (OptimizerKind)ReadEnumOption(network, "Optimizer", System.Enum.GetNames(typeof(OptimizerKind)), diagnostics, cancellationToken);
            int sequenceLength = ReadSequenceLength(network, diagnostics, cancellationToken, out LocationInfo? sequenceLengthAt);
            bool checkpointing = ReadFlag(network, "Checkpointing", diagnostics, cancellationToken, out LocationInfo? checkpointingAt);
            bool streaming = ReadFlag(network, "Streaming", diagnostics, cancellationToken, out LocationInfo? streamingAt);
            WeightsRequest? weights = ReadWeights(network, diagnostics, cancellationToken);
            HeadKind head = ReadHead(layers);
            if (Blocks.IsBlock(type))
            {
                // A class marked both [Block] and [Network]: the block's own check reports it, once.
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics), Stub(type, declaration, diagnostics, precision, head, optimizer, sequenceLength > 0, layers, weights is not null, cancellationToken, streaming));
            }


            (List<NodeModel> nodes, bool valid) = BuildGraph(name, layers, declaration, sequenceLength, sequenceLengthAt, context.SemanticModel, diagnostics, cancellationToken);
            if (checkpointing && !nodes.Any(n => n.Layer.Recurrent))
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.InvalidSequenceLength, checkpointingAt, "Checkpointing = true", $"network '{name}' has no recurrent layer whose steps it would recompute"));
                valid = false;
            }

            if (streaming && valid && !HasErrors(diagnostics))
            {
                valid = CheckStreaming(name, layers, sequenceLength, streamingAt, diagnostics, cancellationToken);
            }

            if (valid && !HasErrors(diagnostics))
            {
                CheckMemberConflicts(type, Graph.EmittedLayerCount(nodes), precision, diagnostics);
            }

            if (valid && !HasErrors(diagnostics))
            {
                var model = new NetworkModel(
                    Namespace: type.ContainingNamespace is null || type.ContainingNamespace.IsGlobalNamespace ? string.Empty : NamespaceName(type.ContainingNamespace),
                    ContainingTypes: new EquatableArray<string>(ContainingTypes(type)),
                    ClassName: Identifier(name),
                    HintName: HintName(type),
                    Precision: precision,
                    SequenceLength: sequenceLength,
                    Checkpointing: checkpointing,
                    Nodes: new EquatableArray<NodeModel>(nodes),
                    Head: head,
                    Optimizer: optimizer,
                    Interfaces: declaration.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: >= InterfaceLanguageVersion },
                    Streaming: streaming);
                return new ParseResult(model, new EquatableArray<DiagnosticInfo>(diagnostics), Weights: weights);
            }

            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics), Stub(type, declaration, diagnostics, precision, head, optimizer, sequenceLength > 0 || nodes.Any(n => n.Layer.Recurrent), layers, weights is not null, cancellationToken, streaming));
        }

        /// <summary>
        /// The stub for a declaration with errors, or null when a stub would itself fail to compile: the class is not a
        /// partial, non-generic class in partial types (NG0002, NG0003), or the user declares a member the stub would too.
        /// </summary>
        private static StubModel? Stub(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics, Precision precision, HeadKind head, OptimizerKind optimizer, bool recurrent, List<AttributeEntry> layers, bool compiledWeights, CancellationToken cancellationToken, bool streamingRequested = false)
        {
            if (diagnostics.Any(d => d.Id == DiagnosticDescriptors.NetworkNotPartial.Id || d.Id == DiagnosticDescriptors.UnsupportedNetworkType.Id || d.Id == DiagnosticDescriptors.MemberConflict.Id))
            {
                return null;
            }

            precision = System.Enum.IsDefined(typeof(Precision), precision) ? precision : Precision.Single;
            optimizer = System.Enum.IsDefined(typeof(OptimizerKind), optimizer) ? optimizer : OptimizerKind.Sgd;
            var conflicts = new List<DiagnosticInfo>();
            CheckMemberConflicts(type, 1, precision, conflicts);
            if (conflicts.Count > 0)
            {
                return null;
            }

            return new StubModel(
                Namespace: type.ContainingNamespace is null || type.ContainingNamespace.IsGlobalNamespace ? string.Empty : NamespaceName(type.ContainingNamespace),
                ContainingTypes: new EquatableArray<string>(ContainingTypes(type)),
                ClassName: Identifier(type.Name),
                HintName: HintName(type),
                Precision: precision,
                Head: head,
                Optimizer: optimizer,
                Recurrent: recurrent,
                Streaming: streamingRequested || StreamRoles.Streams(layers.Select(l => Blocks.StreamingOf(l, cancellationToken))),
                PerStep: recurrent && PerStepOutputs(layers),
                Interfaces: declaration.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: >= InterfaceLanguageVersion },
                CompiledWeights: compiledWeights,
                Tokens: layers.Count > 0 && LayerKinds.TryGetLayer(layers[0].FullName, out LayerKind first) && first.ReadsTokens);
        }

        /// <summary>
        /// Whether a sequence network would have an output per time step: the last of its recurrent layers and step-reducing
        /// layers ([GlobalAvgPool1D]) is a recurrent layer that returns its whole sequence, or it has neither (every layer then
        /// applies per step); as written, the stub's guess of the surface where the graph could not be built.
        /// </summary>
        private static bool PerStepOutputs(List<AttributeEntry> layers)
        {
            for (int i = layers.Count - 1; i >= 0; i--)
            {
                if (LayerKinds.TryGetLayer(layers[i].FullName, out LayerKind kind) && (kind.Recurrent || kind.ReducesSteps))
                {
                    return kind.Recurrent && layers[i].Data.NamedArguments.Any(a => a.Key == "ReturnSequences" && a.Value.Value is true);
                }
            }

            return true;
        }

        private static bool HasErrors(List<DiagnosticInfo> diagnostics) =>
            diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);

        private static bool CarriesFirstNetworkAttribute(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            foreach (AttributeData data in type.GetAttributes())
            {
                if (data.AttributeClass?.ToDisplayString() == NetworkAttribute)
                {
                    SyntaxNode? syntax = data.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
                    return syntax is null || declaration.AttributeLists.Any(l => l.Attributes.Any(a => a == syntax));
                }
            }

            return true;
        }

        private static void CheckDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
        {
            LocationInfo? at = LocationInfo.From(declaration.Identifier.GetLocation());
            string? problem = null;
            if (type.TypeKind != TypeKind.Class || type.IsRecord)
            {
                problem = "only classes can be networks";
            }
            else if (type.IsStatic)
            {
                problem = "a network class cannot be static";
            }
            else if (type.TypeParameters.Length > 0)
            {
                problem = "a network class cannot be generic";
            }
            else if (ContainingTypeSymbols(type).Any(t => t.TypeParameters.Length > 0))
            {
                problem = "a network class cannot be nested in a generic type";
            }
            else if (type.IsFileLocal || ContainingTypeSymbols(type).Any(t => t.IsFileLocal))
            {
                problem = "a network class cannot be file-local (NetGen generates its members in another file)";
            }
            else if (ContainingTypeSymbols(type).FirstOrDefault(t => !IsPartial(t)) is { } enclosing)
            {
                problem = $"its enclosing type '{enclosing.Name}' must be partial too (every type that contains a network class must be)";
            }

            if (problem is not null)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.UnsupportedNetworkType, at, type.Name, problem));
            }
            else if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NetworkNotPartial, at, type.Name));
            }
        }

        internal static List<AttributeEntry> ReadLayerAttributes(
            INamedTypeSymbol type,
            TypeDeclarationSyntax declaration,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            var onThisDeclaration = new Dictionary<AttributeSyntax, AttributeData>();
            foreach (AttributeData data in type.GetAttributes())
            {
                string? fullName = data.AttributeClass?.ToDisplayString();
                if (fullName is null || !LayerKinds.IsKnown(fullName))
                {
                    continue;
                }

                SyntaxNode? syntax = data.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
                if (syntax is AttributeSyntax attribute && attribute.SyntaxTree == declaration.SyntaxTree && declaration.AttributeLists.Any(l => l.Attributes.Contains(attribute)))
                {
                    onThisDeclaration[attribute] = data;
                }
                else if (syntax is not null)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.LayersOnSeveralDeclarations, LocationInfo.From(syntax.GetLocation()), type.Name));
                }
            }

            var ordered = new List<AttributeEntry>();
            foreach (AttributeListSyntax list in declaration.AttributeLists)
            {
                foreach (AttributeSyntax attribute in list.Attributes)
                {
                    if (onThisDeclaration.TryGetValue(attribute, out AttributeData? data))
                    {
                        string fullName = data.AttributeClass!.ToDisplayString();
                        ordered.Add(new AttributeEntry(LayerKinds.ShortName(fullName), fullName, data, attribute));
                    }
                }
            }

            return ordered;
        }

        /// <summary>
        /// A named enum option of [Network] (Precision, Optimizer): its value, 0 when absent, or −1 after reporting a value that
        /// is not a constant (NG0012) or not a defined member (NG0017) — never a silent default.
        /// </summary>
        private static int ReadEnumOption(AttributeData network, string option, string[] members, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            (TypedConstant? value, LocationInfo? at) = NamedOption(network, option, cancellationToken);
            if (value is null)
            {
                return 0;
            }

            if (value.Value.Kind != TypedConstantKind.Error && value.Value.Value is int number)
            {
                if (number >= 0 && number < members.Length)
                {
                    return number;
                }

                diagnostics.Add(Diagnostic(DiagnosticDescriptors.EnumOutOfRange, at, $"({option}){Int(number)}", option, string.Join(", ", members)));
                return -1;
            }

            diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonConstantArgument, at, option, "Network"));
            return -1;
        }

        /// <summary>The SequenceLength option of [Network]: 0 when absent; a non-constant value is reported (NG0012).</summary>
        private static int ReadSequenceLength(AttributeData network, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken, out LocationInfo? at)
        {
            (TypedConstant? value, at) = NamedOption(network, "SequenceLength", cancellationToken);
            if (value is null)
            {
                return 0;
            }

            if (value.Value.Kind != TypedConstantKind.Error && value.Value.Value is int number)
            {
                return number;
            }

            diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonConstantArgument, at, "SequenceLength", "Network"));
            return 0;
        }

        /// <summary>
        /// [Network(Streaming = true)]: a sequence to stream (NG0044 at the option without SequenceLength) and every layer
        /// streaming, as written (NG0044 at the first that needs steps to come; one error). False when it reported one.
        /// </summary>
        private static bool CheckStreaming(string name, List<AttributeEntry> layers, int sequenceLength, LocationInfo? at, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            if (sequenceLength == 0)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.CannotStream, at, name, "it has no SequenceLength", "Step runs one time step of a sequence; set SequenceLength"));
                return false;
            }

            foreach (AttributeEntry entry in layers)
            {
                if (Blocks.StreamingOf(entry, cancellationToken) == StreamRole.Never)
                {
                    diagnostics.Add(Diagnostic(
                        DiagnosticDescriptors.CannotStream,
                        LocationInfo.From(entry.Syntax.GetLocation()),
                        name,
                        $"[{entry.Syntax}] needs steps that have not come yet",
                        "make it causal (Causal = true on attention and Conv1D; [LastStep] instead of [GlobalAvgPool1D]), or remove Streaming = true"));
                    return false;
                }
            }

            return true;
        }

        /// <summary>A bool option of [Network] (Checkpointing, Streaming): false when absent; a non-constant value is reported (NG0012).</summary>
        private static bool ReadFlag(AttributeData network, string option, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken, out LocationInfo? at)
        {
            (TypedConstant? value, at) = NamedOption(network, option, cancellationToken);
            if (value is null)
            {
                return false;
            }

            if (value.Value.Kind != TypedConstantKind.Error && value.Value.Value is bool flag)
            {
                return flag;
            }

            diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonConstantArgument, at, option, "Network"));
            return false;
        }

        /// <summary>
        /// The Weights option of [Network]: the file and where the argument is (for NG0023, reported once the AdditionalFiles
        /// are known), or null when absent; a non-constant value is reported (NG0012).
        /// </summary>
        private static WeightsRequest? ReadWeights(AttributeData network, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            (TypedConstant? value, LocationInfo? at) = NamedOption(network, "Weights", cancellationToken);
            if (value is null)
            {
                return null;
            }

            if (value.Value.Kind != TypedConstantKind.Error && (value.Value.Value is string || value.Value.IsNull))
            {
                return new WeightsRequest(value.Value.Value as string ?? string.Empty, at);
            }

            diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonConstantArgument, at, "Weights", "Network"));
            return null;
        }

        /// <summary>
        /// A named argument of [Network] and where it is written; a named argument present in source but not bound
        /// (e.g. a non-constant value) comes back as an error constant, so that it is reported as ours too.
        /// </summary>
        private static (TypedConstant? Value, LocationInfo? At) NamedOption(AttributeData network, string option, CancellationToken cancellationToken)
        {
            AttributeSyntax? syntax = network.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            AttributeArgumentSyntax? written = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == option);
            LocationInfo? at = written is not null ? LocationInfo.From(written.GetLocation()) : syntax is not null ? LocationInfo.From(syntax.GetLocation()) : null;
            foreach (KeyValuePair<string, TypedConstant> argument in network.NamedArguments)
            {
                if (argument.Key == option)
                {
                    return (argument.Value, at);
                }
            }

            return written is not null ? (default(TypedConstant), at) : (null, at);
        }

        private static IEnumerable<INamedTypeSymbol> ContainingTypeSymbols(INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType)
            {
                yield return t;
            }
        }

        private static bool IsPartial(INamedTypeSymbol type) =>
            type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));

        private static IEnumerable<string> ContainingTypes(INamedTypeSymbol type) =>
            ContainingTypeSymbols(type).Reverse().Select(t => "partial " + Keyword(t) + " " + Identifier(t.Name));

        /// <summary>A name as C# source: keywords used as identifiers (declared as @class) get their @ back.</summary>
        private static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.PartialKeyword
                ? "@" + name
                : name;

        private static string NamespaceName(INamespaceSymbol ns)
        {
            var parts = new List<string>();
            for (INamespaceSymbol? n = ns; n is not null && !n.IsGlobalNamespace; n = n.ContainingNamespace)
            {
                parts.Add(Identifier(n.Name));
            }

            parts.Reverse();
            return string.Join(".", parts);
        }

        private static string Keyword(INamedTypeSymbol type) => (type.IsRecord, type.TypeKind) switch
        {
            (true, TypeKind.Struct) => "record struct",
            (true, _) => "record",
            (false, TypeKind.Struct) => "struct",
            (false, TypeKind.Interface) => "interface",
            _ => "class",
        };

        private static string HintName(INamedTypeSymbol type)
        {
            string full = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty);
            var chars = full.Select(c => (c < 128 && char.IsLetterOrDigit(c)) || c == '.' || c == '_' ? c : '_').ToArray();
            string hint = new string(chars);

            // Hint names are compared ignoring case (they become file names). When another namespace or type on the path
            // differs from this one only by case, or a non-ASCII name was folded to '_', add a stable digest of the exact name.
            if (hint != full || CaseCollides(type))
            {
                hint += "_" + Fnv1a(full).ToString("x8", CultureInfo.InvariantCulture);
            }

            return hint + ".g.cs";
        }

        private static bool CaseCollides(INamedTypeSymbol type)
        {
            for (ISymbol symbol = type; symbol.ContainingSymbol is INamespaceOrTypeSymbol container; symbol = container)
            {
                string name = symbol.Name;
                if (container.GetMembers().Any(m => m is INamespaceOrTypeSymbol && !string.Equals(m.Name, name, System.StringComparison.Ordinal) && string.Equals(m.Name, name, System.StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }

                if (container is INamespaceSymbol { IsGlobalNamespace: true })
                {
                    break;
                }
            }

            return false;
        }

        private static uint Fnv1a(string text)
        {
            uint hash = 2166136261;
            foreach (char c in text)
            {
                hash = unchecked((hash ^ c) * 16777619);
            }

            return hash;
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Long(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        private static DiagnosticInfo Diagnostic(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            new(descriptor.Id, location, new EquatableArray<string>(arguments));
    }
}
