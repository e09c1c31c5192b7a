using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Parsing;

namespace NetGen.Generator
{
    /// <summary>
    /// NG0015: layer attributes on a type without [Network] do nothing. The generator only looks at [Network]
    /// declarations, so this check is a small analyzer of its own.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LayersWithoutNetworkAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.LayersWithoutNetwork);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        }

        private static void AnalyzeType(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            ImmutableArray<AttributeData> attributes = type.GetAttributes();
            foreach (AttributeData attribute in attributes)
            {
                if (attribute.AttributeClass?.ToDisplayString() is NetworkParser.NetworkAttribute or Blocks.BlockAttribute)
                {
                    return; // a network's list, or a block's (read where a [Residual] uses it)
                }
            }

            foreach (AttributeData attribute in attributes)
            {
                string? name = attribute.AttributeClass?.ToDisplayString();
                if (name is not null && NetworkParser.IsLayerAttribute(name) && attribute.ApplicationSyntaxReference is { } reference)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.LayersWithoutNetwork,
                        Location.Create(reference.SyntaxTree, reference.Span),
                        attribute.AttributeClass!.Name.Substring(0, attribute.AttributeClass.Name.Length - "Attribute".Length),
                        type.Name));
                }
            }
        }
    }
}
