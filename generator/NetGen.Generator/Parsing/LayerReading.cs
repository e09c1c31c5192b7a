using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// One layer attribute being read: its constructor arguments (already checked to be constants), where it sits in the
    /// chain, the shape it receives, and how to report what is wrong with it. A kind's reader (in <see cref="LayerKinds"/>)
    /// checks its own arguments and the shape it reads, and returns its model.
    /// </summary>
    internal sealed class LayerReading
    {
        private readonly List<DiagnosticInfo> _diagnostics;

        public LayerReading(
            string kind,
            int index,
            string label,
            bool readsNetworkInput,
            AttributeData data,
            AttributeSyntax syntax,
            double[] arguments,
            LayerShape? incoming,
            string source,
            bool incomingFromImage,
            string networkName,
            List<DiagnosticInfo> diagnostics)
        {
            Kind = kind;
            Index = index;
            Label = label;
            ReadsNetworkInput = readsNetworkInput;
            Data = data;
            Syntax = syntax;
            Arguments = arguments;
            Incoming = incoming;
            Source = source;
            IncomingFromImage = incomingFromImage;
            NetworkName = networkName;
            _diagnostics = diagnostics;
        }

        public string Kind { get; }

        /// <summary>The layer's position among the layers of its list (the network's, or a block's).</summary>
        public int Index { get; }

        /// <summary>How messages number the layer: "2", or "1 of block 'Basic'" inside a block.</summary>
        public string Label { get; }

        /// <summary>Whether the layer reads the network's input (the first of the network's list, or of a block that starts it).</summary>
        public bool ReadsNetworkInput { get; }

        public AttributeData Data { get; }

        public AttributeSyntax Syntax { get; }

        /// <summary>The constructor's arguments in order (integers as exact doubles).</summary>
        public double[] Arguments { get; }

        /// <summary>The shape this layer reads: the layer before it's output, or [Input]'s shape; null when unknown (no [Input] before the first layer, or after a layer in error).</summary>
        public LayerShape? Incoming { get; }

        /// <summary>Who produces <see cref="Incoming"/>: "Conv2D layer 1", "the input ([Input])".</summary>
        public string Source { get; }

        /// <summary>Whether <see cref="Incoming"/> holds an image's values, even when flat (after [Flatten]).</summary>
        public bool IncomingFromImage { get; }

        public string NetworkName { get; }

        /// <summary>False once an error was reported for this layer.</summary>
        public bool Valid { get; private set; } = true;

        /// <summary>Whether the layer's output shape is known (for the checks of the layers after it); false avoids cascades.</summary>
        public bool OutputKnown { get; set; } = true;

        /// <summary>"Conv2D layer 2".</summary>
        public string Name => Kind + " layer " + Label;

        public int Int(int argument) => (int)Arguments[argument];

        public void Error(DiagnosticDescriptor descriptor, LocationInfo? at, params string[] arguments)
        {
            _diagnostics.Add(new DiagnosticInfo(descriptor.Id, at, new EquatableArray<string>(arguments)));
            Valid = false;
        }

        /// <summary>The location of constructor argument <paramref name="parameter"/> (the whole attribute when it is not written).</summary>
        public LocationInfo? At(int parameter)
        {
            SeparatedSyntaxList<AttributeArgumentSyntax> arguments = Syntax.ArgumentList?.Arguments ?? default;
            string[] names = Data.AttributeConstructor?.Parameters.Select(p => p.Name).ToArray() ?? System.Array.Empty<string>();
            int position = 0;
            for (int i = 0; i < arguments.Count; i++)
            {
                AttributeArgumentSyntax argument = arguments[i];
                if (argument.NameEquals is not null)
                {
                    continue;
                }

                int bound = argument.NameColon is { } colon ? System.Array.IndexOf(names, colon.Name.Identifier.ValueText) : position;
                position++;
                if (bound == parameter)
                {
                    return LocationInfo.From(argument.GetLocation());
                }
            }

            return LocationInfo.From(Syntax.GetLocation());
        }

        /// <summary>The location of the named argument <paramref name="name"/> (Stride = 2), or the whole attribute.</summary>
        public LocationInfo? AtNamed(string name)
        {
            AttributeArgumentSyntax? written = Syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
            return LocationInfo.From((written ?? (SyntaxNode)Syntax).GetLocation());
        }

        /// <summary>An integer named argument (Stride, Padding), or <paramref name="fallback"/> when it is not written.</summary>
        public int NamedInt(string name, int fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in Data.NamedArguments)
            {
                if (argument.Key == name)
                {
                    if (argument.Value.Kind != TypedConstantKind.Error && argument.Value.Value is int value)
                    {
                        return value;
                    }

                    Error(DiagnosticDescriptors.NonConstantArgument, AtNamed(name), name, Kind);
                    return fallback;
                }
            }

            return fallback;
        }

        /// <summary>A double named argument (Epsilon, Momentum), or <paramref name="fallback"/> when it is not written.</summary>
        public double NamedDouble(string name, double fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in Data.NamedArguments)
            {
                if (argument.Key == name)
                {
                    if (argument.Value.Kind != TypedConstantKind.Error && argument.Value.Value is double value)
                    {
                        return value;
                    }

                    Error(DiagnosticDescriptors.NonConstantArgument, AtNamed(name), name, Kind);
                    return fallback;
                }
            }

            return fallback;
        }

        /// <summary>A bool named argument (ReturnSequences, Bias), or <paramref name="fallback"/> when it is not written.</summary>
        public bool NamedBool(string name, bool fallback = false)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in Data.NamedArguments)
            {
                if (argument.Key == name && argument.Value.Value is bool value)
                {
                    return value;
                }
            }

            return fallback;
        }

        /// <summary>Reports NG0005 when constructor argument <paramref name="argument"/> is below 1.</summary>
        public bool Positive(int argument, string name)
        {
            int value = Int(argument);
            if (value > 0)
            {
                return true;
            }

            Error(DiagnosticDescriptors.NonPositiveSize, At(argument), Kind, Label, name, Text(value));
            return false;
        }

        /// <summary>
        /// For the layers that read a vector (Dense, recurrent): reports an image before it (NG0035) or a length that
        /// differs from <paramref name="inputs"/> (NG0004, or NG0031 with the image's arithmetic after [Flatten]).
        /// </summary>
        public void ExpectVector(int inputs)
        {
            if (Incoming is not { } shape)
            {
                return;
            }

            if (shape.IsSpatial)
            {
                Error(DiagnosticDescriptors.FlattenRequired, LocationInfo.From(Syntax.GetLocation()), Kind, Label, Source, shape.ToString());
                return;
            }

            if (inputs > 0 && shape.Values != inputs)
            {
                if (IncomingFromImage)
                {
                    Error(DiagnosticDescriptors.ShapeMismatch, At(0), Source, IncomingArithmetic, Kind, Label, Text(inputs));
                }
                else
                {
                    Error(DiagnosticDescriptors.SizeMismatch, At(0), Kind, Label, Text(inputs), shape.Values.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        /// <summary>Rows of the value this layer reads per example: 1, or T for a sequence.</summary>
        public int IncomingRows { get; set; } = 1;

        /// <summary>The network's SequenceLength T (0 when not set: a layer that reads steps leaves that to NG0018).</summary>
        public int SequenceLength { get; set; }

        /// <summary>"16×5×5 = 400 values": the values this layer reads, with the image's arithmetic where they come from one.</summary>
        public string IncomingArithmetic { get; set; } = string.Empty;

        /// <summary>
        /// For the layers that read an image (Conv2D, MaxPool2D, Flatten): the image, or null when it is unknown or is a
        /// vector (NG0030 for a first layer without [Input], NG0037 after a vector layer).
        /// </summary>
        public LayerShape? ExpectImage()
        {
            if (Incoming is not { } shape)
            {
                if (ReadsNetworkInput)
                {
                    Error(DiagnosticDescriptors.MissingInputShape, LocationInfo.From(Syntax.GetLocation()), Kind, Label, NetworkName, "reads a C×H×W image", "add [Input(channels, height, width)], e.g. [Input(1, 28, 28)]");
                }

                OutputKnown = false;
                return null;
            }

            if (!shape.IsSpatial)
            {
                Error(DiagnosticDescriptors.ImageLayerOnVector, LocationInfo.From(Syntax.GetLocation()), Kind, Label, Source, shape.Values.ToString(CultureInfo.InvariantCulture));
                OutputKnown = false;
                return null;
            }

            return shape;
        }

        /// <summary>
        /// The windows of a convolution or pooling over <paramref name="image"/>: each must fit the (padded) input
        /// (NG0032), and together they must read every row and column of it (NG0033; PyTorch would silently drop the rest).
        /// </summary>
        public bool CheckWindows(LayerShape image, int size, int stride, int padding, LocationInfo? at)
        {
            string padded = padding > 0 ? string.Format(CultureInfo.InvariantCulture, " ({0}×{1} with padding {2})", image.Height + (2 * padding), image.Width + (2 * padding), padding) : string.Empty;
            string input = string.Format(CultureInfo.InvariantCulture, "{0}×{1}", image.Height, image.Width);
            if (size > image.Height + (2 * padding) || size > image.Width + (2 * padding))
            {
                Error(DiagnosticDescriptors.WindowTooLarge, at, Kind, Label, Text(size), input, padded);
                OutputKnown = false;
                return false;
            }

            // Windows further apart than they are wide skip values between them by design (a 1×1 convolution with stride 2, the
            // projection of a residual network): the tail is one more such gap, not an oversight.
            int rows = Unread(image.Height, size, stride, padding);
            int columns = Unread(image.Width, size, stride, padding);
            if ((rows > 0 || columns > 0) && stride <= size)
            {
                string what = rows > 0 && columns > 0
                    ? string.Format(CultureInfo.InvariantCulture, "{0} row(s) and {1} column(s)", rows, columns)
                    : rows > 0 ? Text(rows) + " row(s)" : Text(columns) + " column(s)";
                Error(DiagnosticDescriptors.UnreadInput, at, Kind, Label, Text(size), Text(stride), what, input);
                return false;
            }

            return true;
        }

        /// <summary>Real input rows after the last window's end: (padding + n) − ((out − 1)·stride + size), when positive.</summary>
        private static int Unread(int n, int size, int stride, int padding)
        {
            int outputs = ((n + (2 * padding) - size) / stride) + 1;
            int end = ((outputs - 1) * stride) + size;
            return System.Math.Max(0, padding + n - end);
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
