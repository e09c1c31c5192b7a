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
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            string name = type.Name;

            CheckDeclaration(type, declaration, diagnostics);

            List<(string Kind, AttributeData Data, AttributeSyntax Syntax)> layers = ReadLayerAttributes(type, declaration, diagnostics, cancellationToken);
            var network = context.Attributes[0];
            Precision precision = ReadPrecision(network);
            OptimizerKind optimizer = ReadOptimizer(network);
            HeadKind head = ReadHead(layers);

            (List<LayerModel> models, bool valid) = BuildLayers(name, layers, declaration, diagnostics);

            if (valid && diagnostics.All(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity != DiagnosticSeverity.Error))
            {
                var model = new NetworkModel(
                    Namespace: type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(),
                    ContainingTypes: new EquatableArray<string>(ContainingTypes(type)),
                    ClassName: name,
                    HintName: HintName(type),
                    Precision: precision,
                    Layers: new EquatableArray<LayerModel>(models),
                    Head: head,
                    Optimizer: optimizer);
                return new ParseResult(model, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
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
            else if (type.IsGenericType)
            {
                problem = "a network class cannot be generic";
            }
            else if (ContainingTypeSymbols(type).Any(t => t.IsGenericType))
            {
                problem = "a network class cannot be nested in a generic type";
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

        private static Precision ReadPrecision(AttributeData network)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in network.NamedArguments)
            {
                if (argument.Key == "Precision" && argument.Value.Value is int value)
                {
                    return value == 1 ? Precision.Double : Precision.Single;
                }
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

        private static (List<LayerModel> Layers, bool Valid) BuildLayers(
            string networkName,
            List<(string Kind, AttributeData Data, AttributeSyntax Syntax)> attributes,
            TypeDeclarationSyntax declaration,
            List<DiagnosticInfo> diagnostics)
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
                        ReportNonConstant(data, syntax, kind, diagnostics);
                        valid = false;
                        layers.Add(new LayerModel(0, 0, ActivationKind.Identity, 0));
                        denseSyntax.Add(syntax);
                        activationSet.Add(false);
                        continue;
                    }

                    if (inputs <= 0)
                    {
                        diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(syntax, 0), Int(index), "inputs", Int(inputs)));
                        valid = false;
                    }

                    if (outputs <= 0)
                    {
                        diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(syntax, 1), Int(index), "outputs", Int(outputs)));
                        valid = false;
                    }

                    if (index > 0 && inputs > 0 && layers[index - 1].Outputs > 0 && inputs != layers[index - 1].Outputs)
                    {
                        diagnostics.Add(Diagnostic(DiagnosticDescriptors.SizeMismatch, ArgumentLocation(syntax, 0), Int(index), Int(inputs), Int(layers[index - 1].Outputs)));
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
                                diagnostics.Add(Diagnostic(DiagnosticDescriptors.InvalidSlope, ArgumentLocation(syntax, 0), s.ToString("R", CultureInfo.InvariantCulture)));
                                valid = false;
                            }
                        }
                        else
                        {
                            ReportNonConstant(data, syntax, kind, diagnostics);
                            valid = false;
                        }
                    }
                    else if (data.AttributeConstructor is null)
                    {
                        ReportNonConstant(data, syntax, kind, diagnostics);
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

        private static void ReportNonConstant(AttributeData data, AttributeSyntax syntax, string kind, List<DiagnosticInfo> diagnostics)
        {
            SeparatedSyntaxList<AttributeArgumentSyntax> arguments = syntax.ArgumentList?.Arguments ?? default;
            string[] names = kind == "Dense" ? new[] { "inputs", "outputs" } : new[] { "slope" };
            bool reported = false;
            for (int i = 0; i < arguments.Count && i < names.Length; i++)
            {
                bool ok = data.AttributeConstructor is not null
                    && i < data.ConstructorArguments.Length
                    && data.ConstructorArguments[i].Kind != TypedConstantKind.Error
                    && data.ConstructorArguments[i].Value is not null;
                if (!ok)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonConstantArgument, LocationInfo.From(arguments[i].GetLocation()), names[i], kind));
                    reported = true;
                }
            }

            if (!reported)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonConstantArgument, LocationInfo.From(syntax.GetLocation()), string.Join(", ", names), kind));
            }
        }

        private static LocationInfo? ArgumentLocation(AttributeSyntax syntax, int index)
        {
            SeparatedSyntaxList<AttributeArgumentSyntax>? arguments = syntax.ArgumentList?.Arguments;
            return arguments is { } list && list.Count > index
                ? LocationInfo.From(list[index].GetLocation())
                : LocationInfo.From(syntax.GetLocation());
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
            ContainingTypeSymbols(type).Reverse().Select(t => "partial " + Keyword(t) + " " + t.Name);

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
            var chars = full.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_').ToArray();
            return new string(chars) + ".g.cs";
        }

        private static string Name(ActivationKind kind) => kind.ToString();

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Long(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        private static DiagnosticInfo Diagnostic(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            new(descriptor.Id, location, new EquatableArray<string>(arguments));
    }
}
