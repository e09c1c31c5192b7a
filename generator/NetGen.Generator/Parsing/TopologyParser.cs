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
    /// <summary>One attribute of a network's list: its short name (e.g. "Dense"), full name, data and syntax.</summary>
    internal readonly record struct AttributeEntry(string Name, string FullName, AttributeData Data, AttributeSyntax Syntax);

    /// <summary>
    /// The network-level checks on the attribute list: order (layers, the activation after a Dense, the head last),
    /// sizes that chain, the recurrent rules (sequence length, ReturnSequences, recurrent layers first) and the size
    /// limits. Each kind's own arguments are read through <see cref="LayerKinds"/>.
    /// </summary>
    internal static partial class NetworkParser
    {
        /// <summary>Upper bound on the sequence length T.</summary>
        public const int MaxSequenceLength = 100_000;

        /// <summary>
        /// The output head: [Softmax] or [Identity] where written; a [Sigmoid] that is the very last attribute is the
        /// binary cross-entropy head (an activation of the last Dense would need a head after it).
        /// </summary>
        private static HeadKind ReadHead(List<AttributeEntry> attributes)
        {
            foreach (AttributeEntry entry in attributes)
            {
                if (LayerKinds.TryGetHead(entry.FullName, out HeadKind head) && head == HeadKind.Identity)
                {
                    return HeadKind.Identity;
                }
            }

            if (!attributes.Any(a => a.Name == "Softmax") && attributes.Count > 0 && attributes[attributes.Count - 1].Name == "Sigmoid")
            {
                return HeadKind.Sigmoid;
            }

            return HeadKind.Softmax;
        }

        private static (List<LayerModel> Layers, bool Valid) BuildLayers(
            string networkName,
            List<AttributeEntry> attributes,
            TypeDeclarationSyntax declaration,
            int sequenceLength,
            LocationInfo? sequenceLengthAt,
            SemanticModel semanticModel,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            var layers = new List<LayerModel>();
            bool valid = true;
            bool headSeen = false;
            string? headName = null;
            var layerSyntax = new List<AttributeSyntax>();
            var activationSet = new List<bool>();
            var activationSyntax = new Dictionary<int, AttributeSyntax>();
            long parameters = 0;
            long units = 0;
            (LayerShape? shape, bool inputValid) = ReadInputShape(networkName, attributes, semanticModel, diagnostics, cancellationToken);
            valid &= inputValid;
            string source = "the input ([Input])";
            string arithmetic = shape?.Arithmetic ?? string.Empty;
            bool fromImage = shape is not null;

            foreach ((string kind, string fullName, AttributeData data, AttributeSyntax syntax) in attributes)
            {
                LocationInfo? at = LocationInfo.From(syntax.GetLocation());
                if (headSeen)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.HeadNotLast, at, headName!, kind));
                    valid = false;
                    continue;
                }

                if (fullName == LayerKinds.InputAttribute)
                {
                    continue; // read before the loop
                }

                if (LayerKinds.TryGetLayer(fullName, out LayerKind layerKind))
                {
                    int index = layers.Count;
                    LayerModel? previous = index > 0 ? layers[index - 1] : null;
                    layerSyntax.Add(syntax);
                    activationSet.Add(false);
                    double[]? arguments = ReadArguments(data, layerKind);
                    if (arguments is null)
                    {
                        ReportNonConstant(data, syntax, kind, layerKind.Parameters, layerKind.Integers, semanticModel, diagnostics, cancellationToken);
                        valid = false;
                        layers.Add(new UnreadModel(kind));
                        shape = null;
                        continue;
                    }

                    var reading = new LayerReading(kind, index, data, syntax, arguments, shape, source, fromImage, networkName, diagnostics) { IncomingArithmetic = arithmetic };
                    LayerModel model = layerKind.Read(reading);
                    valid &= reading.Valid;
                    valid &= CheckRecurrentOrder(model, index, previous, syntax, layerSyntax, diagnostics);
                    if (reading.Valid && reading.OutputKnown)
                    {
                        parameters += model.ParameterCount;
                        units += model.StoredValues(sequenceLength) + model.WorkingValues;
                    }

                    layers.Add(model);
                    source = reading.Name;
                    if (!reading.OutputKnown)
                    {
                        shape = null; // unknown: the layers after it are not checked against it (no cascade)
                        continue;
                    }

                    shape = model.OutputShape;
                    fromImage = model.OutputFromImage(fromImage);
                    arithmetic = model.OutputArithmetic;
                    continue;
                }

                bool sigmoidHead = kind == "Sigmoid" && ReferenceEquals(syntax, attributes[attributes.Count - 1].Syntax) && !attributes.Any(a => a.Name is "Softmax" or "Identity");
                if (LayerKinds.TryGetHead(fullName, out _) || sigmoidHead)
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

                if (!LayerKinds.TryGetActivation(fullName, out ActivationKind activation))
                {
                    throw new System.InvalidOperationException("Attribute " + fullName + " has no role in the parser's table.");
                }

                // An activation: applies to the Dense or Conv2D layer before it.
                if (layers.Count == 0 || layers[layers.Count - 1] is not IActivatedModel activated)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.ActivationWithoutDense, at, kind));
                    valid = false;
                    continue;
                }

                int last = layers.Count - 1;
                if (activationSet[last])
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.TwoActivations, at, Int(last), activated.Activation.ToString(), kind));
                    valid = false;
                    continue;
                }

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
                            ReportNonConstant(data, syntax, kind, new[] { "slope" }, integers: false, semanticModel, diagnostics, cancellationToken);
                            valid = false;
                        }
                    }
                    else if (data.AttributeConstructor is null || data.ConstructorArguments.Length > 1)
                    {
                        ReportNonConstant(data, syntax, kind, new[] { "slope" }, integers: false, semanticModel, diagnostics, cancellationToken);
                        valid = false;
                    }
                }

                layers[last] = activated.WithActivation(activation, slope);
                activationSet[last] = true;
                activationSyntax[last] = syntax;
            }

            if (layers.Count == 0)
            {
                if (diagnostics.Count == 0)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.NoLayers, LocationInfo.From(declaration.Identifier.GetLocation()), networkName));
                }

                return (layers, false);
            }

            valid &= CheckSequenceLength(networkName, layers, layerSyntax, sequenceLength, sequenceLengthAt, diagnostics);

            if (!headSeen && valid)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.MissingHead, LocationInfo.From(layerSyntax[layerSyntax.Count - 1].GetLocation()), networkName));
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

            if (valid && headName == "Softmax" && layers[layers.Count - 1] is DenseModel { Activation: ActivationKind.Relu or ActivationKind.LeakyRelu } lastDense)
            {
                // At the activation attribute: it is what to remove.
                AttributeSyntax at = activationSyntax.TryGetValue(layers.Count - 1, out AttributeSyntax? activationAt) ? activationAt : layerSyntax[layerSyntax.Count - 1];
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.ActivationBeforeSoftmax, LocationInfo.From(at.GetLocation()), Int(layers.Count - 1), lastDense.Activation.ToString()));
            }

            return (layers, valid);
        }

        /// <summary>
        /// Recurrent layers come first (a recurrent layer after a Dense layer is not supported), and a recurrent layer
        /// followed by another must return its whole sequence (ReturnSequences = true), as in Keras.
        /// </summary>
        private static bool CheckRecurrentOrder(LayerModel model, int index, LayerModel? previous, AttributeSyntax syntax, List<AttributeSyntax> layerSyntax, List<DiagnosticInfo> diagnostics)
        {
            if (model is not RecurrentModel || previous is null)
            {
                return true;
            }

            if (previous is not RecurrentModel before)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.UnsupportedLayerOrder, LocationInfo.From(syntax.GetLocation()), model.Kind, Int(index), previous.Kind, Int(index - 1)));
                return false;
            }

            if (!before.ReturnSequences)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.RecurrentWithoutSequences, LocationInfo.From(layerSyntax[index - 1].GetLocation()), before.Kind, Int(index - 1), model.Kind, Int(index)));
                return false;
            }

            return true;
        }

        /// <summary>A network with recurrent layers needs SequenceLength = T in 1..MaxSequenceLength; one without must not set it.</summary>
        private static bool CheckSequenceLength(string networkName, List<LayerModel> layers, List<AttributeSyntax> layerSyntax, int sequenceLength, LocationInfo? at, List<DiagnosticInfo> diagnostics)
        {
            int recurrent = layers.FindIndex(l => l is RecurrentModel);
            if (recurrent >= 0 && sequenceLength == 0)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.MissingSequenceLength, LocationInfo.From(layerSyntax[recurrent].GetLocation()), layers[recurrent].Kind, Int(recurrent)));
                return false;
            }

            if (sequenceLength < 0 || sequenceLength > MaxSequenceLength)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.InvalidSequenceLength, at, "SequenceLength = " + Int(sequenceLength), $"it must be between 1 and {Long(MaxSequenceLength)}"));
                return false;
            }

            if (recurrent < 0 && sequenceLength > 0)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.InvalidSequenceLength, at, "SequenceLength = " + Int(sequenceLength), $"network '{networkName}' has no recurrent layer ([Lstm], [Gru] or [Rnn]) to read a sequence"));
                return false;
            }

            return true;
        }

        /// <summary>[Input(channels, height, width)], if written: the shape of an example (null when absent or in error).</summary>
        private static (LayerShape? Shape, bool Valid) ReadInputShape(string networkName, List<AttributeEntry> attributes, SemanticModel semanticModel, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            foreach ((string kind, string fullName, AttributeData data, AttributeSyntax syntax) in attributes)
            {
                if (fullName != LayerKinds.InputAttribute)
                {
                    continue;
                }

                string[] names = LayerKinds.InputParameters;
                if (!TryGetInt(data, 0, out int channels) | !TryGetInt(data, 1, out int height) | !TryGetInt(data, 2, out int width))
                {
                    ReportNonConstant(data, syntax, kind, names, integers: true, semanticModel, diagnostics, cancellationToken);
                    return (null, false);
                }

                bool valid = true;
                int[] values = { channels, height, width };
                for (int i = 0; i < 3; i++)
                {
                    if (values[i] <= 0)
                    {
                        diagnostics.Add(Diagnostic(DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(syntax, i, data), kind, "0", names[i], Int(values[i])));
                        valid = false;
                    }
                }

                if (valid && (long)channels * height * width > MaxUnits)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.NetworkTooLarge, LocationInfo.From(syntax.GetLocation()), networkName, Long((long)channels * height * width), "input values", Long(MaxUnits)));
                    valid = false;
                }

                return valid ? (new LayerShape(channels, height, width), true) : (null, false);
            }

            return (null, true);
        }

        /// <summary>A layer attribute's constructor arguments, or null when one is missing or not a usable constant.</summary>
        private static double[]? ReadArguments(AttributeData data, LayerKind kind)
        {
            if (data.AttributeConstructor is null || data.ConstructorArguments.Length != kind.Parameters.Length)
            {
                return null;
            }

            double[] values = new double[kind.Parameters.Length];
            for (int i = 0; i < values.Length; i++)
            {
                TypedConstant argument = data.ConstructorArguments[i];
                if (argument.Kind == TypedConstantKind.Error)
                {
                    return null;
                }

                switch (argument.Value)
                {
                    case int v when kind.Integers:
                        values[i] = v;
                        break;
                    case double v when !kind.Integers:
                        values[i] = v;
                        break;
                    default:
                        return null;
                }
            }

            return values;
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
            string[] names,
            bool integers,
            SemanticModel semanticModel,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            SeparatedSyntaxList<AttributeArgumentSyntax> arguments = syntax.ArgumentList?.Arguments ?? default;
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

                if (!IsUsableConstant(argument.Expression, integers, semanticModel, cancellationToken))
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

        /// <summary>Whether an argument is a compile-time constant that converts to the parameter type (int for layer sizes, double for LeakyRelu).</summary>
        private static bool IsUsableConstant(ExpressionSyntax expression, bool integers, SemanticModel semanticModel, CancellationToken cancellationToken)
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

            return integers
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
    }
}
