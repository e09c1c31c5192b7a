using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Emitting;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;

namespace NetGen.Generator
{
    /// <summary>
    /// The pipeline: [Network] declarations → <see cref="NetworkParser"/> (symbols → equatable model + diagnostics)
    /// → <see cref="NetworkEmitter"/> (model → C#), one source file per network. Diagnostics go out through their
    /// own output, so a model that compares equal (e.g. after an edit that only moved code) is not re-emitted.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NetworkGenerator : IIncrementalGenerator
    {
        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    NetworkParser.NetworkAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => SafeParse(ctx, ct))
                .WithTrackingName(TrackingNames.Parse);

            IncrementalValuesProvider<NetworkModel> models = parsed
                .Where(static r => r.Model is not null)
                .Select(static (r, _) => r.Model!)
                .WithTrackingName(TrackingNames.Models);

            IncrementalValuesProvider<StubModel> stubs = parsed
                .Where(static r => r.Stub is not null)
                .Select(static (r, _) => r.Stub!)
                .WithTrackingName(TrackingNames.Stubs);

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
                .Select(static (r, _) => r.Diagnostics)
                .Where(static d => d.Count > 0)
                .WithTrackingName(TrackingNames.Diagnostics);

            context.RegisterSourceOutput(models, static (spc, model) => spc.AddSource(model.HintName, SourceText.From(NetworkEmitter.Emit(model), System.Text.Encoding.UTF8)));

            context.RegisterSourceOutput(stubs, static (spc, stub) => spc.AddSource(stub.HintName, SourceText.From(StubEmitter.Emit(stub), System.Text.Encoding.UTF8)));

            context.RegisterSourceOutput(diagnostics, static (spc, list) =>
            {
                foreach (DiagnosticInfo info in list)
                {
                    spc.ReportDiagnostic(info.ToDiagnostic());
                }
            });
        }

        private static ParseResult SafeParse(GeneratorAttributeSyntaxContext context, System.Threading.CancellationToken cancellationToken)
        {
            try
            {
                return NetworkParser.Parse(context, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var info = new DiagnosticInfo(
                    Diagnostics.DiagnosticDescriptors.InternalError.Id,
                    LocationInfo.From(context.TargetNode.GetLocation()),
                    new EquatableArray<string>(new[] { ex.GetType().Name + ": " + ex.Message }));
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(new[] { info }));
            }
        }
    }
}
