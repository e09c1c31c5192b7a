using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>[Residual(typeof(B), Shortcut = typeof(S))]: the block's nodes, the shortcut's, and their sum.</summary>
    internal sealed partial class GraphBuilder
    {
        private int ReadResidual(AttributeEntry entry, int input, string path, string label, Scope scope)
        {
            var found = new List<DiagnosticInfo>();
            var reading = new ResidualArguments(entry);
            INamedTypeSymbol? body = reading.Body;
            INamedTypeSymbol? shortcut = reading.Shortcut;
            if (body is null || !Blocks.IsBlock(body))
            {
                found.Add(NotABlock(reading.BodyAt, body, "its block"));
            }

            if (reading.HasShortcut && (shortcut is null || !Blocks.IsBlock(shortcut)))
            {
                found.Add(NotABlock(reading.ShortcutAt, shortcut, "its Shortcut"));
            }

            Value incoming = ValueOf(input);
            if (found.Count > 0 || scope.Mode == Mode.Standalone
                || scope.Blocks.Contains(body!, SymbolEqualityComparer.Default)
                || (shortcut is not null && scope.Blocks.Contains(shortcut, SymbolEqualityComparer.Default)))
            {
                // A list that is not a block, or a block read on its own (its uses expand it), or a block inside itself
                // (reported once by the block's own check): nothing to expand.
                Report(found, scope);
                if (scope.Mode != Mode.Standalone)
                {
                    Valid = false;
                }

                return Unknown(new AddModel(LayerShape.Flat(0), body?.Name ?? "?", shortcut?.Name), new[] { input, input }, path, incoming.Rows, "Residual layer " + label, entry.Syntax);
            }

            LocationInfo? useSite = scope.Mode == Mode.Network ? LocationInfo.From(entry.Syntax.GetLocation()) : scope.UseSite;
            int bodyOut = Expand(body!, input, path + ".body.", useSite, scope);
            int shortcutOut = shortcut is null ? input : Expand(shortcut, input, path + ".shortcut.", useSite, scope);
            if (bodyOut == int.MinValue || shortcutOut == int.MinValue)
            {
                Valid = false;
                return Unknown(new AddModel(LayerShape.Flat(0), body!.Name, shortcut?.Name), new[] { input, input }, path, incoming.Rows, "Residual layer " + label, entry.Syntax);
            }

            Value sum = ValueOf(bodyOut);
            Value other = ValueOf(shortcutOut);
            string name = "Residual layer " + label;
            if (sum.Shape is not { } shape || other.Shape is not { } otherShape)
            {
                return Unknown(new AddModel(LayerShape.Flat(0), body!.Name, shortcut?.Name), new[] { bodyOut, shortcutOut }, path, sum.Rows, name, entry.Syntax);
            }

            if (shape != otherShape || sum.Rows != other.Rows)
            {
                string what = shortcut is null ? "its input is" : $"its shortcut '{shortcut.Name}' produces";
                found.Add(Diagnostic(
                    DiagnosticDescriptors.ResidualShapeMismatch,
                    shortcut is null ? reading.BodyAt : reading.ShortcutAt,
                    name,
                    body!.Name,
                    Rowed(sum),
                    what,
                    Rowed(other),
                    shortcut is null ? "add a Shortcut that changes the input's shape the same way, e.g. a [Conv2D] with kernel 1 and the same Stride" : "make the two blocks produce the same shape"));
                Report(found, scope);
                return Unknown(new AddModel(shape, body.Name, shortcut?.Name), new[] { bodyOut, shortcutOut }, path, sum.Rows, name, entry.Syntax);
            }

            var model = new AddModel(shape, body!.Name, shortcut?.Name);
            return Add(model, new[] { bodyOut, shortcutOut }, path, sum.Rows, new Value(shape, sum.Rows, sum.FromImage, name, sum.Arithmetic, label), entry.Syntax);
        }

        /// <summary>"16×14×14" or "[28, 64]" for a sequence.</summary>
        private static string Rowed(Value value) => value.Rows > 1
            ? string.Format(CultureInfo.InvariantCulture, "{0} steps × {1}", value.Rows, value.Shape)
            : value.Shape.ToString()!;

        /// <summary>The block's list read after <paramref name="input"/>; int.MinValue when it cannot be (reported by the block's own check).</summary>
        private int Expand(INamedTypeSymbol block, int input, string prefix, LocationInfo? useSite, Scope scope)
        {
            List<AttributeEntry>? attributes = Blocks.Attributes(block, new List<DiagnosticInfo>(), _cancellationToken);
            if (attributes is null || !Blocks.IsUsable(block, attributes))
            {
                return int.MinValue;
            }

            var inner = new Scope(
                prefix,
                $" of block '{block.Name}'",
                Mode.Use,
                useSite,
                scope.Blocks.Append(block).ToArray(),
                scope.ReadsNetworkInput && input == NodeModel.NetworkInput);
            return ReadList(attributes, input, inner);
        }

        private int Unknown(LayerModel model, int[] inputs, string path, int rows, string name, AttributeSyntax syntax) =>
            Add(model, inputs, path, rows, new Value(null, rows, false, name, string.Empty, name), syntax);

        private static DiagnosticInfo NotABlock(LocationInfo? at, INamedTypeSymbol? type, string what) =>
            Diagnostic(
                DiagnosticDescriptors.BlockMisuse,
                at,
                type is null ? "[Residual]" : "'" + type.Name + "'",
                type is null ? $"needs a class marked [Block] as {what}" : $"is given to [Residual] as {what} but is not marked [Block]; mark it [Block] and list its layers on it");

        /// <summary>[Residual]'s arguments and where they are written.</summary>
        private sealed class ResidualArguments
        {
            public ResidualArguments(AttributeEntry entry)
            {
                AttributeData data = entry.Data;
                Body = data.ConstructorArguments.Length == 1 ? data.ConstructorArguments[0].Value as INamedTypeSymbol : null;
                SeparatedSyntaxList<AttributeArgumentSyntax> arguments = entry.Syntax.ArgumentList?.Arguments ?? default;
                AttributeArgumentSyntax? positional = arguments.FirstOrDefault(a => a.NameEquals is null);
                BodyAt = LocationInfo.From((positional ?? (SyntaxNode)entry.Syntax).GetLocation());
                AttributeArgumentSyntax? named = arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Shortcut");
                HasShortcut = named is not null;
                ShortcutAt = LocationInfo.From((named ?? (SyntaxNode)entry.Syntax).GetLocation());
                foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
                {
                    if (argument.Key == "Shortcut")
                    {
                        Shortcut = argument.Value.Value as INamedTypeSymbol;
                    }
                }
            }

            public INamedTypeSymbol? Body { get; }

            public INamedTypeSymbol? Shortcut { get; }

            public bool HasShortcut { get; }

            public LocationInfo? BodyAt { get; }

            public LocationInfo? ShortcutAt { get; }
        }
    }
}
