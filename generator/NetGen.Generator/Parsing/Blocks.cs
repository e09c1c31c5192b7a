using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// [Block] classes: a list of layer and activation attributes that a [Residual] uses, read where it is used. What is
    /// wrong with a block whatever it reads (its arguments, a head or [Input] in it, no layers, a block that contains
    /// itself) is reported once, here, at the block; what depends on the value it reads is reported at each use.
    /// </summary>
    internal static class Blocks
    {
        public const string BlockAttribute = "NetGen.BlockAttribute";

        public static bool IsBlock(INamedTypeSymbol type) => BlockData(type) is not null;

        private static AttributeData? BlockData(INamedTypeSymbol type) =>
            type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == BlockAttribute);

        /// <summary>The declaration that carries [Block], whose attributes are the block's list.</summary>
        private static TypeDeclarationSyntax? Declaration(INamedTypeSymbol type, CancellationToken cancellationToken) =>
            BlockData(type)?.ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();

        /// <summary>The block's attributes in source order (layers spread over partial declarations are reported into <paramref name="diagnostics"/>).</summary>
        public static List<AttributeEntry>? Attributes(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken) =>
            Declaration(type, cancellationToken) is { } declaration ? NetworkParser.ReadLayerAttributes(type, declaration, diagnostics, cancellationToken) : null;

        /// <summary>Whether a block can be expanded: not a network too, at least one layer, no head or [Input].</summary>
        public static bool IsUsable(INamedTypeSymbol type, List<AttributeEntry> attributes) =>
            !type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NetworkParser.NetworkAttribute)
            && attributes.Any(a => LayerKinds.IsLayerOrResidual(a.FullName))
            && !attributes.Any(a => a.FullName == LayerKinds.InputAttribute || LayerKinds.TryGetHead(a.FullName, out _));

        /// <summary>The block's own check: every diagnostic that does not depend on where it is used.</summary>
        public static EquatableArray<DiagnosticInfo> Check(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration || context.Attributes.IsEmpty)
            {
                return EquatableArray<DiagnosticInfo>.Empty;
            }

            LocationInfo? at = LocationInfo.From(context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());
            if (type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NetworkParser.NetworkAttribute))
            {
                diagnostics.Add(Diagnostic(at, "'" + type.Name + "'", "is marked both [Block] and [Network]: a block is a part that [Residual] uses, not a network of its own; remove one of the two"));
                return new EquatableArray<DiagnosticInfo>(diagnostics);
            }

            List<AttributeEntry> attributes = NetworkParser.ReadLayerAttributes(type, declaration, diagnostics, cancellationToken);
            foreach (AttributeEntry entry in attributes)
            {
                if (entry.FullName == LayerKinds.InputAttribute || LayerKinds.TryGetHead(entry.FullName, out _))
                {
                    diagnostics.Add(Diagnostic(LocationInfo.From(entry.Syntax.GetLocation()), "[" + entry.Name + "]", $"cannot be used in block '{type.Name}': [Input] and output heads belong to the network"));
                }
            }

            if (!attributes.Any(a => LayerKinds.IsLayerOrResidual(a.FullName)))
            {
                diagnostics.Add(Diagnostic(LocationInfo.From(declaration.Identifier.GetLocation()), "Block '" + type.Name + "'", "has no layers; list them on it, e.g. [Block][Conv2D(16, 16, 3, Padding = 1)][BatchNorm2D(16)]"));
                return new EquatableArray<DiagnosticInfo>(diagnostics);
            }

            var builder = new GraphBuilder(type.Name, 0, context.SemanticModel.Compilation, diagnostics, cancellationToken);
            builder.ReadList(attributes, NodeModel.NetworkInput, new GraphBuilder.Scope(string.Empty, $" of block '{type.Name}'", GraphBuilder.Mode.Standalone, null, new[] { type }, false));
            CheckCycle(type, attributes, diagnostics, cancellationToken);
            return new EquatableArray<DiagnosticInfo>(diagnostics);
        }

        /// <summary>
        /// A block that reaches itself through [Residual]s: reported once, by the block of the cycle whose full name sorts
        /// first, at its attribute that starts the cycle.
        /// </summary>
        private static void CheckCycle(INamedTypeSymbol type, List<AttributeEntry> attributes, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            foreach (AttributeEntry entry in attributes.Where(a => a.FullName == LayerKinds.ResidualAttribute))
            {
                foreach (INamedTypeSymbol used in Used(entry))
                {
                    List<INamedTypeSymbol>? path = PathTo(used, type, new List<INamedTypeSymbol>(), cancellationToken);
                    if (path is null)
                    {
                        continue;
                    }

                    var cycle = new List<INamedTypeSymbol> { type };
                    cycle.AddRange(path);
                    string first = cycle.Select(FullName).OrderBy(n => n, System.StringComparer.Ordinal).First();
                    if (FullName(type) == first)
                    {
                        string through = string.Join(" → ", cycle.Select(c => c.Name).Append(type.Name));
                        diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.BlockCycle.Id, LocationInfo.From(entry.Syntax.GetLocation()), new EquatableArray<string>(new[] { type.Name, through })));
                    }

                    return;
                }
            }
        }

        /// <summary>The blocks on a path from <paramref name="from"/> to <paramref name="target"/> (from included), or null.</summary>
        private static List<INamedTypeSymbol>? PathTo(INamedTypeSymbol from, INamedTypeSymbol target, List<INamedTypeSymbol> seen, CancellationToken cancellationToken)
        {
            if (SymbolEqualityComparer.Default.Equals(from, target))
            {
                return new List<INamedTypeSymbol>();
            }

            if (seen.Contains(from, SymbolEqualityComparer.Default) || Attributes(from, new List<DiagnosticInfo>(), cancellationToken) is not { } attributes)
            {
                return null;
            }

            seen.Add(from);
            foreach (AttributeEntry entry in attributes.Where(a => a.FullName == LayerKinds.ResidualAttribute))
            {
                foreach (INamedTypeSymbol used in Used(entry))
                {
                    if (PathTo(used, target, seen, cancellationToken) is { } rest)
                    {
                        rest.Insert(0, from);
                        return rest;
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// What a layer or [Residual] as written does to streaming, for the stub of a broken declaration: a residual is what
        /// its blocks' layers are (to a few levels; a block that contains itself is reported apart).
        /// </summary>
        public static StreamRole StreamingOf(AttributeEntry entry, CancellationToken cancellationToken, int depth = 0)
        {
            if (entry.FullName != LayerKinds.ResidualAttribute)
            {
                return LayerKinds.TryGetLayer(entry.FullName, out LayerKind kind) ? kind.StreamingOf(entry.Data) : StreamRole.Stateless;
            }

            var roles = new List<StreamRole>();
            foreach (INamedTypeSymbol block in Used(entry))
            {
                List<AttributeEntry>? attributes = depth < 8 ? Attributes(block, new List<DiagnosticInfo>(), cancellationToken) : null;
                if (attributes is null)
                {
                    return StreamRole.Never;
                }

                roles.AddRange(attributes.Select(a => StreamingOf(a, cancellationToken, depth + 1)));
            }

            return roles.Contains(StreamRole.Never) ? StreamRole.Never : roles.Contains(StreamRole.Stateful) ? StreamRole.Stateful : StreamRole.Stateless;
        }

        /// <summary>The blocks a [Residual] names: its block and its shortcut.</summary>
        private static IEnumerable<INamedTypeSymbol> Used(AttributeEntry entry)
        {
            if (entry.Data.ConstructorArguments.Length == 1 && entry.Data.ConstructorArguments[0].Value is INamedTypeSymbol body && IsBlock(body))
            {
                yield return body;
            }

            foreach (KeyValuePair<string, TypedConstant> argument in entry.Data.NamedArguments)
            {
                if (argument.Key == "Shortcut" && argument.Value.Value is INamedTypeSymbol shortcut && IsBlock(shortcut))
                {
                    yield return shortcut;
                }
            }
        }

        private static string FullName(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        private static DiagnosticInfo Diagnostic(LocationInfo? at, string what, string problem) =>
            new(DiagnosticDescriptors.BlockMisuse.Id, at, new EquatableArray<string>(new[] { what, problem }));
    }
}
