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
    /// The network-level checks on the attribute list: the head last, the sequence length and the size limits; the graph
    /// itself (each kind's arguments, shapes that chain, the recurrent order, blocks) is read by <see cref="GraphBuilder"/>.
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

        /// <summary>
        /// The network's graph: the attributes before the head read by <see cref="GraphBuilder"/>, then the network-level
        /// checks (a head, last; the sequence length; the size limits; an activation on the logits).
        /// </summary>
        private static (List<NodeModel> Nodes, bool Valid) BuildGraph(
            string networkName,
            List<AttributeEntry> attributes,
            TypeDeclarationSyntax declaration,
            int sequenceLength,
            LocationInfo? sequenceLengthAt,
            SemanticModel semanticModel,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            bool valid = true;
            (LayerShape? shape, bool inputValid) = ReadInputShape(networkName, attributes, semanticModel, diagnostics, cancellationToken);
            valid &= inputValid;

            // The head ends the list: what follows it is misplaced; a [Sigmoid] that is the very last attribute (and no other
            // head is written) is the binary cross-entropy head.
            int head = attributes.FindIndex(a => LayerKinds.TryGetHead(a.FullName, out _));
            if (head < 0 && attributes.Count > 0 && attributes[attributes.Count - 1].Name == "Sigmoid" && !attributes.Any(a => a.Name is "Softmax" or "Identity"))
            {
                head = attributes.Count - 1;
            }

            string? headName = head >= 0 ? attributes[head].Name : null;
            for (int i = head + 1; head >= 0 && i < attributes.Count; i++)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.HeadNotLast, LocationInfo.From(attributes[i].Syntax.GetLocation()), headName!, attributes[i].Name));
                valid = false;
            }

            List<AttributeEntry> list = head >= 0 ? attributes.GetRange(0, head) : attributes;
            var builder = new GraphBuilder(networkName, sequenceLength, semanticModel.Compilation, diagnostics, cancellationToken);
            builder.SetInput(shape, System.Math.Max(1, sequenceLength), declaredInvalid: !inputValid);
            int output = builder.ReadList(list, NodeModel.NetworkInput, GraphBuilder.Scope.Network);
            valid &= builder.Valid;
            List<NodeModel> nodes = builder.Nodes;
            int layers = nodes.Count(n => n.Layer is not ActivationModel);
            if (head >= 0 && layers == 0)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.ActivationWithoutDense, LocationInfo.From(attributes[head].Syntax.GetLocation()), headName!));
                valid = false;
            }

            if (layers == 0)
            {
                if (diagnostics.Count == 0)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.NoLayers, LocationInfo.From(declaration.Identifier.GetLocation()), networkName));
                }

                return (nodes, false);
            }

            valid &= CheckSequenceLength(networkName, builder, sequenceLength, sequenceLengthAt, diagnostics);

            if (head < 0 && valid)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.MissingHead, LocationInfo.From(builder.SyntaxOf(nodes.Count - 1).GetLocation()), networkName));
                valid = false;
            }

            if (valid && builder.Parameters > MaxParameters)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NetworkTooLarge, LocationInfo.From(declaration.Identifier.GetLocation()), networkName, Long(builder.Parameters), "parameters", Long(MaxParameters)));
                valid = false;
            }
            else if (valid && Graph.EmittedLayerCount(nodes) is int emitted && emitted > MaxLayers)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NetworkTooLarge, LocationInfo.From(declaration.Identifier.GetLocation()), networkName, Long(emitted), "layers (activations that run in the layer before them not counted)", Long(MaxLayers)));
                valid = false;
            }
            else if (valid && Graph.InputValues(nodes, System.Math.Max(1, sequenceLength)) is long inputs && inputs > MaxUnits)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NetworkTooLarge, LocationInfo.From(declaration.Identifier.GetLocation()), networkName, Long(inputs), "input values", Long(MaxUnits)));
                valid = false;
            }
            else if (valid && Graph.OutputValues(nodes, output) is long outputs && outputs > MaxUnits)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NetworkTooLarge, LocationInfo.From(declaration.Identifier.GetLocation()), networkName, Long(outputs), "output values", Long(MaxUnits)));
                valid = false;
            }
            else if (valid && Graph.StoredValues(nodes, sequenceLength) is long units && units > MaxUnits)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.NetworkTooLarge, LocationInfo.From(declaration.Identifier.GetLocation()), networkName, Long(units), "units", Long(MaxUnits)));
                valid = false;
            }

            if (valid && headName == "Softmax" && nodes[output].Layer is ActivationModel { Activation: ActivationKind.Relu or ActivationKind.LeakyRelu } logits
                && nodes[output].Inputs[0] is int producer and >= 0 && nodes[producer].Layer is DenseModel)
            {
                // At the activation attribute: it is what to remove.
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.ActivationBeforeSoftmax, LocationInfo.From(builder.SyntaxOf(output).GetLocation()), "Dense layer " + Int(layers - 1), logits.Activation.ToString()));
            }

            return (nodes, valid);
        }

        /// <summary>A network with layers that read a sequence (recurrent, Conv1D) needs SequenceLength = T in 1..MaxSequenceLength.</summary>
        private static bool CheckSequenceLength(string networkName, GraphBuilder builder, int sequenceLength, LocationInfo? at, List<DiagnosticInfo> diagnostics)
        {
            List<NodeModel> nodes = builder.Nodes;
            int recurrent = nodes.FindIndex(n => n.Layer.ReadsSequence);
            if (recurrent >= 0 && sequenceLength == 0 && builder.HasErrorAt(recurrent))
            {
                return false; // e.g. a [Conv1D] on an image: that is the mistake, already reported
            }

            if (recurrent >= 0 && sequenceLength == 0)
            {
                int index = nodes.Take(recurrent).Count(n => n.Layer is not ActivationModel);
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.MissingSequenceLength, LocationInfo.From(builder.SyntaxOf(recurrent).GetLocation()), nodes[recurrent].Layer.Kind, Int(index)));
                return false;
            }

            if (sequenceLength < 0 || sequenceLength > MaxSequenceLength)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.InvalidSequenceLength, at, "SequenceLength = " + Int(sequenceLength), $"it must be between 1 and {Long(MaxSequenceLength)}"));
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
        internal static double[]? ReadArguments(AttributeData data, LayerKind kind)
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

        internal static void ReportNonConstant(
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

        internal static LocationInfo? ArgumentLocation(AttributeSyntax syntax, int parameter, AttributeData data)
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
