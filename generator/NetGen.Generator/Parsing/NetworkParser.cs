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
    internal static class NetworkParser
    {
        public const string NetworkAttribute = "NetGen.NetworkAttribute";

        /// <summary>Upper bound on trainable parameters (about 400 MB of float parameters, plus as much again while training).</summary>
        public const long MaxParameters = 100_000_000;

        /// <summary>Upper bound on the units of all layers together (activations stored per example).</summary>
        public const long MaxUnits = 1_000_000;

        private static readonly Dictionary<string, string> s_layerAttributes = new()
        {
            ["NetGen.DenseAttribute"] = "Dense",
            ["NetGen.ReluAttribute"] = "Relu",
            ["NetGen.LeakyReluAttribute"] = "LeakyRelu",
            ["NetGen.SigmoidAttribute"] = "Sigmoid",
            ["NetGen.TanhAttribute"] = "Tanh",
            ["NetGen.SoftmaxAttribute"] = "Softmax",
            ["NetGen.IdentityAttribute"] = "Identity",
        };

        public static bool IsLayerAttribute(string fullName) => s_layerAttributes.ContainsKey(fullName);

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

            CheckDeclaration(type, declaration, diagnostics);

            List<(string Kind, AttributeData Data, AttributeSyntax Syntax)> layers = ReadLayerAttributes(type, declaration, diagnostics, cancellationToken);
            Precision precision = ReadPrecision(context.Attributes[0], diagnostics, cancellationToken);
            OptimizerKind optimizer = ReadOptimizer(context.Attributes[0]);
            HeadKind head = ReadHead(layers);

            (List<LayerModel> models, bool valid) = BuildLayers(name, layers, declaration, context.SemanticModel, diagnostics, cancellationToken);

            if (valid && !HasErrors(diagnostics))
            {
                CheckMemberConflicts(type, models.Count, precision, diagnostics);
            }

            if (valid && !HasErrors(diagnostics))
            {
                var model = new NetworkModel(
                    Namespace: type.ContainingNamespace is null || type.ContainingNamespace.IsGlobalNamespace ? string.Empty : NamespaceName(type.ContainingNamespace),
                    ContainingTypes: new EquatableArray<string>(ContainingTypes(type)),
                    ClassName: Identifier(name),
                    HintName: HintName(type),
                    Precision: precision,
                    Layers: new EquatableArray<LayerModel>(models),
                    Head: head,
                    Optimizer: optimizer);
                return new ParseResult(model, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
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
            else if (ContainingTypeSymbols(type).Any(t => !IsPartial(t)))
            {
                problem = "every type that contains a network class must be partial";
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

        private static List<(string, AttributeData, AttributeSyntax)> ReadLayerAttributes(
            INamedTypeSymbol type,
            TypeDeclarationSyntax declaration,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            var onThisDeclaration = new Dictionary<AttributeSyntax, AttributeData>();
            foreach (AttributeData data in type.GetAttributes())
            {
                string? fullName = data.AttributeClass?.ToDisplayString();
                if (fullName is null || !s_layerAttributes.ContainsKey(fullName))
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

            var ordered = new List<(string, AttributeData, AttributeSyntax)>();
            foreach (AttributeListSyntax list in declaration.AttributeLists)
            {
                foreach (AttributeSyntax attribute in list.Attributes)
                {
                    if (onThisDeclaration.TryGetValue(attribute, out AttributeData? data))
                    {
                        ordered.Add((s_layerAttributes[data.AttributeClass!.ToDisplayString()], data, attribute));
                    }
                }
            }

            return ordered;
        }

        private static Precision ReadPrecision(AttributeData network, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in network.NamedArguments)
            {
                if (argument.Key != "Precision")
                {
                    continue;
                }

                if (argument.Value.Kind != TypedConstantKind.Error && argument.Value.Value is int value && value is 0 or 1)
                {
                    return value == 1 ? Precision.Double : Precision.Single;
                }

                ReportBadPrecision(network, diagnostics, cancellationToken);
                return Precision.Single;
            }

            if (network.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax
                && syntax.ArgumentList?.Arguments.Any(a => a.NameEquals?.Name.Identifier.ValueText == "Precision") == true)
            {
                // Named argument present in source but not bound (e.g. a non-constant value): report it as ours too.
                ReportBadPrecision(network, diagnostics, cancellationToken);
            }

            return Precision.Single;
        }

        private static OptimizerKind ReadOptimizer(AttributeData network)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in network.NamedArguments)
            {
                if (argument.Key == "Optimizer" && argument.Value.Value is int value && value >= 0 && value <= (int)OptimizerKind.AdamW)
                {
                    return (OptimizerKind)value;
                }
            }

            return OptimizerKind.Sgd;
        }

        /// <summary>
        /// The output head: [Softmax] or [Identity] where written; a [Sigmoid] that is the very last attribute is the
        /// binary cross-entropy head (an activation of the last Dense would need a head after it).
        /// </summary>
        private static HeadKind ReadHead(List<(string Kind, AttributeData Data, AttributeSyntax Syntax)> layers)
        {
            if (layers.Any(l => l.Kind == "Identity"))
            {
                return HeadKind.Identity;
            }

            if (!layers.Any(l => l.Kind == "Softmax") && layers.Count > 0 && layers[layers.Count - 1].Kind == "Sigmoid")
            {
                return HeadKind.Sigmoid;
            }

            return HeadKind.Softmax;
        }

        private static void ReportBadPrecision(AttributeData network, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            LocationInfo? at = null;
            if (network.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax)
            {
                AttributeArgumentSyntax? argument = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Precision");
                at = LocationInfo.From((argument ?? (SyntaxNode)syntax).GetLocation());
            }

            diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonConstantArgument, at, "Precision", "Network"));
        }

        private static (List<LayerModel> Layers, bool Valid) BuildLayers(
            string networkName,
            List<(string Kind, AttributeData Data, AttributeSyntax Syntax)> attributes,
            TypeDeclarationSyntax declaration,
            SemanticModel semanticModel,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            var layers = new List<LayerModel>();
            bool valid = true;
            bool headSeen = false;
            string? headName = null;
            var denseSyntax = new List<AttributeSyntax>();
            var activationSet = new List<bool>();
            long parameters = 0;
            long units = 0;

            foreach ((string kind, AttributeData data, AttributeSyntax syntax) in attributes)
            {
                LocationInfo? at = LocationInfo.From(syntax.GetLocation());
                if (headSeen)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.HeadNotLast, at, headName!, kind));
                    valid = false;
                    continue;
                }

                if (kind == "Dense")
                {
                    int index = layers.Count;
                    if (!TryGetInt(data, 0, out int inputs) | !TryGetInt(data, 1, out int outputs))
                    {
                        ReportNonConstant(data, syntax, kind, semanticModel, diagnostics, cancellationToken);
                        valid = false;
                        layers.Add(new LayerModel(0, 0, ActivationKind.Identity, 0));
                        denseSyntax.Add(syntax);
                        activationSet.Add(false);
                        continue;
                    }

                    if (inputs <= 0)
                    {
                        diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(syntax, 0, data), Int(index), "inputs", Int(inputs)));
                        valid = false;
                    }

                    if (outputs <= 0)
                    {
                        diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(syntax, 1, data), Int(index), "outputs", Int(outputs)));
                        valid = false;
                    }

                    if (index > 0 && inputs > 0 && layers[index - 1].Outputs > 0 && inputs != layers[index - 1].Outputs)
                    {
                        diagnostics.Add(Diagnostic(DiagnosticDescriptors.SizeMismatch, ArgumentLocation(syntax, 0, data), Int(index), Int(inputs), Int(layers[index - 1].Outputs)));
                        valid = false;
                    }

                    if (inputs > 0 && outputs > 0)
                    {
                        parameters += ((long)inputs * outputs) + outputs;
                        units += outputs;
                    }

                    layers.Add(new LayerModel(inputs, outputs, ActivationKind.Identity, 0));
                    denseSyntax.Add(syntax);
                    activationSet.Add(false);
                    continue;
                }

                bool sigmoidHead = kind == "Sigmoid" && ReferenceEquals(syntax, attributes[attributes.Count - 1].Syntax) && !attributes.Any(a => a.Kind is "Softmax" or "Identity");
                if (kind is "Softmax" or "Identity" || sigmoidHead)
                {
                    if (layers.Count == 0)
                    {
                        diagnostics.Add(Diagnostic(DiagnosticDescriptors.ActivationWithoutDense, at, kind));
                        valid = false;
                    }

                    headSeen = true;
                    headName = kind;
                    continue;
                }

                // An activation: applies to the Dense before it.
                if (layers.Count == 0)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.ActivationWithoutDense, at, kind));
                    valid = false;
                    continue;
                }

                int last = layers.Count - 1;
                if (activationSet[last])
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.TwoActivations, at, Int(last), Name(layers[last].Activation), kind));
                    valid = false;
                    continue;
                }

                ActivationKind activation = kind switch
                {
                    "Relu" => ActivationKind.Relu,
                    "LeakyRelu" => ActivationKind.LeakyRelu,
                    "Sigmoid" => ActivationKind.Sigmoid,
                    _ => ActivationKind.Tanh,
                };
                double slope = 0;
                if (activation == ActivationKind.LeakyRelu)
                {
                    slope = 0.01;
                    if (data.ConstructorArguments.Length == 1)
                    {
                        if (data.ConstructorArguments[0].Value is double s)
                        {
                            slope = s;
                            if (double.IsNaN(s) || double.IsInfinity(s) || s < 0)
                            {
                                diagnostics.Add(Diagnostic(DiagnosticDescriptors.InvalidSlope, ArgumentLocation(syntax, 0, data), s.ToString("R", CultureInfo.InvariantCulture)));
                                valid = false;
                            }
                        }
                        else
                        {
                            ReportNonConstant(data, syntax, kind, semanticModel, diagnostics, cancellationToken);
                            valid = false;
                        }
                    }
                    else if (data.AttributeConstructor is null || data.ConstructorArguments.Length > 1)
                    {
                        ReportNonConstant(data, syntax, kind, semanticModel, diagnostics, cancellationToken);
                        valid = false;
                    }
                }

                layers[last] = layers[last] with { Activation = activation, Slope = slope };
                activationSet[last] = true;
            }

            if (layers.Count == 0)
            {
                if (diagnostics.Count == 0)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.NoLayers, LocationInfo.From(declaration.Identifier.GetLocation()), networkName));
                }

                return (layers, false);
            }

            if (!headSeen && valid)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.MissingHead, LocationInfo.From(denseSyntax[denseSyntax.Count - 1].GetLocation()), networkName));
                valid = false;
            }

            if (parameters > MaxParameters)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NetworkTooLarge, LocationInfo.From(declaration.Identifier.GetLocation()), networkName, Long(parameters), "parameters", Long(MaxParameters)));
                valid = false;
            }
            else if (units > MaxUnits)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NetworkTooLarge, LocationInfo.From(declaration.Identifier.GetLocation()), networkName, Long(units), "units", Long(MaxUnits)));
                valid = false;
            }

            if (valid && headName == "Softmax" && layers[layers.Count - 1].Activation is ActivationKind.Relu or ActivationKind.LeakyRelu)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.ActivationBeforeSoftmax, LocationInfo.From(denseSyntax[denseSyntax.Count - 1].GetLocation()), Int(layers.Count - 1), Name(layers[layers.Count - 1].Activation)));
            }

            return (layers, valid);
        }

        private static bool TryGetInt(AttributeData data, int index, out int value)
        {
            value = 0;
            if (data.AttributeConstructor is null || data.ConstructorArguments.Length <= index)
            {
                return false;
            }

            TypedConstant argument = data.ConstructorArguments[index];
            if (argument.Kind == TypedConstantKind.Error || argument.Value is not int v)
            {
                return false;
            }

            value = v;
            return true;
        }

        private static void ReportNonConstant(
            AttributeData data,
            AttributeSyntax syntax,
            string kind,
            SemanticModel semanticModel,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            SeparatedSyntaxList<AttributeArgumentSyntax> arguments = syntax.ArgumentList?.Arguments ?? default;
            string[] names = kind == "Dense" ? new[] { "inputs", "outputs" } : new[] { "slope" };
            bool reported = false;
            for (int i = 0; i < arguments.Count; i++)
            {
                AttributeArgumentSyntax argument = arguments[i];
                if (argument.NameEquals is not null)
                {
                    continue;
                }

                int parameter = ParameterIndex(arguments, i, names);
                if (parameter < 0)
                {
                    continue;
                }

                if (!IsUsableConstant(argument.Expression, kind, semanticModel, cancellationToken))
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonConstantArgument, LocationInfo.From(argument.GetLocation()), names[parameter], kind));
                    reported = true;
                }
            }

            if (!reported)
            {
                // Every argument written is a usable constant, so the problem is the argument list itself
                // (missing or extra arguments): the compiler reports it as well; point at the whole attribute.
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonConstantArgument, LocationInfo.From(syntax.GetLocation()), string.Join(", ", names), kind));
            }
        }

        /// <summary>Whether an argument is a compile-time constant that converts to the parameter type (int for Dense, double for LeakyRelu).</summary>
        private static bool IsUsableConstant(ExpressionSyntax expression, string kind, SemanticModel semanticModel, CancellationToken cancellationToken)
        {
            if (expression.SyntaxTree != semanticModel.SyntaxTree)
            {
                return false;
            }

            Optional<object?> constant = semanticModel.GetConstantValue(expression, cancellationToken);
            if (!constant.HasValue)
            {
                return false;
            }

            return kind == "Dense"
                ? constant.Value is int or short or ushort or byte or sbyte or char
                : constant.Value is double or float or int or long or short or ushort or byte or sbyte or uint or ulong or char;
        }

        /// <summary>The constructor parameter an argument binds to: by name (inputs: 3) or by position.</summary>
        private static int ParameterIndex(SeparatedSyntaxList<AttributeArgumentSyntax> arguments, int argument, string[] names)
        {
            AttributeArgumentSyntax syntax = arguments[argument];
            if (syntax.NameColon is { } colon)
            {
                return System.Array.IndexOf(names, colon.Name.Identifier.ValueText);
            }

            return argument < names.Length ? argument : -1;
        }

        private static LocationInfo? ArgumentLocation(AttributeSyntax syntax, int parameter, AttributeData data)
        {
            SeparatedSyntaxList<AttributeArgumentSyntax> arguments = syntax.ArgumentList?.Arguments ?? default;
            string[] names = data.AttributeConstructor?.Parameters.Select(p => p.Name).ToArray() ?? System.Array.Empty<string>();
            for (int i = 0; i < arguments.Count; i++)
            {
                if (arguments[i].NameEquals is null && ParameterIndex(arguments, i, names) == parameter)
                {
                    return LocationInfo.From(arguments[i].GetLocation());
                }
            }

            return LocationInfo.From(syntax.GetLocation());
        }

        /// <summary>Generated members that are not methods: any member of the same name would clash (CS0102).</summary>
        private static readonly HashSet<string> s_generatedNonMethods = new(System.StringComparer.Ordinal)
        {
            "InputSize", "OutputSize", "ParameterCount", "ActivationCount", "BatchChunk", "ForwardBlock", "TransposeScratch", "ScratchLength", "ChainWidth", "PredictScratch",
            "Parameters", "ParameterBase",
            "_storage", "_origin", "_scratch", "_gradient", "_velocity", "_moment1", "_moment2",
            "WeightDecay", "Momentum", "Beta1", "Beta2", "Epsilon", "StepCount", "ModelMetadata",
            "TrainingThreads", "MinParallelBatch", "Scratch", "_trainingThreads", "_parallel", "_partScratch", "_partGradients",
            "_partLoss", "_partScale", "_partCount",
        };

        /// <summary>Generated private helper methods: a field, property or type of the same name would clash.</summary>
        private static readonly HashSet<string> s_generatedHelpers = new(System.StringComparer.Ordinal)
        {
            "Forward", "ForwardBatch", "OutputDelta", "Softmax", "CrossEntropy", "CrossEntropyDelta", "ArgMax", "MultiplyAdd",
            "BinaryCrossEntropy", "BinaryCrossEntropyDelta", "SquaredError", "SquaredErrorDelta",
            "BackpropagateRange", "TrainFused", "ApplyStep", "ModelTensors", "UseParallel", "TrainParallel", "ComputePart",
        };

        private static readonly System.Text.RegularExpressions.Regex s_layerMember = new(
            "^(?:Layer(?<i>[0-9]+)(?<m>Weights|Bias|Forward|ForwardBatch|ForwardBlock|BackwardBatch|Update)|(?<m>[WBA])(?<i>[0-9]+))$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        // Activation kernels are named {Key}Bias{n}, {Key}BiasBroadcast{n} and {Key}Derivative{n}, where an activation's
        // Key starts with its ActivationKind name (parameters may follow, e.g. the slope of LeakyRelu): the pattern is
        // built from the enum, so a new activation needs nothing here.
        private static readonly System.Text.RegularExpressions.Regex s_kernel = new(
            "^(?:(?:Dot|DotBlock|Axpy|AxpyChunks|AccumulateRow|UpdateRow|Gemm8x|Gemm4x|Gemm1x|GemmSparse8x|NonzeroChunks|NonzeroRows|NonzeroColumns)[0-9]+|ForwardBlock(?:Prefetching)?(?:Sparse)?[0-9]+x[0-9]+|TransposeBlock[0-9]+|DotRows(?:Sparse)?[0-9]+|SumRows[0-9]+|(?:"
                + string.Join("|", System.Enum.GetNames(typeof(ActivationKind)))
                + ")[0-9A-Za-z_]*(?:Bias|BiasBroadcast|Derivative)[0-9]+)$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>Public generated methods and their parameter types ("T" stands for float or double).</summary>
        private static readonly (string Name, string[] Parameters)[] s_generatedMethods =
        {
            ("InitializeParameters", new[] { "int" }),
            ("Predict", new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
            ("Classify", new[] { "System.ReadOnlySpan<T>" }),
            ("Loss", new[] { "System.ReadOnlySpan<T>", "int" }),
            ("Train", new[] { "System.ReadOnlySpan<T>", "int", "T" }),
            ("Train", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<int>", "T" }),
            ("Gradient", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<int>", "System.Span<T>" }),
            ("Loss", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>" }),
            ("Train", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "T" }),
            ("Gradient", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>" }),
            ("PredictBatch", new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
            ("ResetOptimizer", System.Array.Empty<string>()),
            ("Save", new[] { "string" }),
            ("Save", new[] { "System.IO.Stream" }),
            ("Load", new[] { "string" }),
            ("Load", new[] { "System.IO.Stream" }),
            ("Load", new[] { "NetGen.IO.SafeTensorsFile" }),
        };

        /// <summary>
        /// A member the user declared that the generated part would declare too: report it instead of emitting code
        /// that fails with CS0111/CS0102/CS0542. Overloads of the public methods with other parameter types are fine.
        /// </summary>
        private static void CheckMemberConflicts(INamedTypeSymbol type, int layerCount, Precision precision, List<DiagnosticInfo> diagnostics)
        {
            string t = precision == Precision.Double ? "double" : "float";
            if (IsGeneratedName(type.Name, layerCount) || s_generatedMethods.Any(m => m.Name == type.Name))
            {
                diagnostics.Add(Diagnostic(
                    DiagnosticDescriptors.MemberConflict,
                    type.Locations.FirstOrDefault(l => l.IsInSource) is { } own ? LocationInfo.From(own) : null,
                    type.Name,
                    "its own name '" + type.Name + "' as a member name"));
            }

            foreach (ISymbol member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared)
                {
                    continue;
                }

                string? what = null;
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false, Parameters.Length: 0 })
                {
                    what = "a parameterless constructor";
                }
                else if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
                {
                    if (IsGeneratedName(method.Name, layerCount) && !s_generatedHelpers.Contains(method.Name))
                    {
                        what = "a method named '" + method.Name + "'";
                    }
                    else if (method.Arity == 0 && s_generatedMethods.Any(g => g.Name == method.Name && SameParameters(method, g.Parameters, t)))
                    {
                        what = "the method '" + method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat) + "'";
                    }
                }
                else if (member is not IMethodSymbol && (IsGeneratedName(member.Name, layerCount) || s_generatedHelpers.Contains(member.Name) || s_generatedMethods.Any(g => g.Name == member.Name)))
                {
                    what = "a member named '" + member.Name + "'";
                }

                if (what is not null)
                {
                    Location? location = member.Locations.FirstOrDefault(l => l.IsInSource);
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.MemberConflict, location is null ? null : LocationInfo.From(location), type.Name, what));
                }
            }
        }

        private static bool IsGeneratedName(string name, int layerCount)
        {
            if (s_generatedNonMethods.Contains(name) || s_kernel.IsMatch(name))
            {
                return true;
            }

            System.Text.RegularExpressions.Match match = s_layerMember.Match(name);
            return match.Success
                && int.TryParse(match.Groups["i"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                && index < layerCount
                && match.Groups["i"].Value == index.ToString(CultureInfo.InvariantCulture);
        }

        private static bool SameParameters(IMethodSymbol method, string[] parameters, string t)
        {
            if (method.Parameters.Length != parameters.Length)
            {
                return false;
            }

            for (int i = 0; i < parameters.Length; i++)
            {
                IParameterSymbol parameter = method.Parameters[i];
                string expected = parameters[i] == "T" ? t : parameters[i].Replace("<T>", "<" + t + ">");
                if (parameter.RefKind is not RefKind.None and not RefKind.In || parameter.Type.ToDisplayString() != expected)
                {
                    return false;
                }
            }

            return true;
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

        private static string Name(ActivationKind kind) => kind.ToString();

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Long(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        private static DiagnosticInfo Diagnostic(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            new(descriptor.Id, location, new EquatableArray<string>(arguments));
    }
}
