using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emitting;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Weights;
using System.Linq;

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

            // The weights files among the AdditionalFiles, each summarized once (hash, header, non-finite scan) independently of
            // any network; a network asking for one is validated against it. Only summaries flow on (no data), so a changed file
            // changes the model of the networks that use it and no other.
            IncrementalValuesProvider<WeightsFileSummary> weightsFiles = context.AdditionalTextsProvider
                .Where(static t => WeightsFiles.IsCandidate(t.Path))
                .Select(static (t, ct) => WeightsFiles.Read(t, ct))
                .WithTrackingName(TrackingNames.WeightsFiles);

            IncrementalValuesProvider<ParseResult> resolved = parsed
                .Combine(weightsFiles.Collect())
                .Select(static (pair, _) => SafeResolve(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.Weights);

            IncrementalValuesProvider<NetworkModel> models = resolved
                .Where(static r => r.Model is not null)
                .Select(static (r, _) => r.Model!)
                .WithTrackingName(TrackingNames.Models);

            IncrementalValuesProvider<StubModel> stubs = resolved
                .Where(static r => r.Stub is not null)
                .Select(static (r, _) => r.Stub!)
                .WithTrackingName(TrackingNames.Stubs);

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = resolved
                .Select(static (r, _) => r.Diagnostics)
                .Where(static d => d.Count > 0)
                .WithTrackingName(TrackingNames.Diagnostics);

            context.RegisterSourceOutput(models, static (spc, model) =>
            {
                foreach ((string part, string source) in NetworkEmitter.Emit(model))
                {
                    spc.AddSource(PartHint(model.HintName, part), SourceText.From(source, System.Text.Encoding.UTF8));
                }
            });

            context.RegisterSourceOutput(stubs, static (spc, stub) => spc.AddSource(stub.HintName, SourceText.From(StubEmitter.Emit(stub), System.Text.Encoding.UTF8)));

            // [Block] classes, each checked once on its own (what is wrong with a block whatever it reads), whether or not a
            // network uses it: the uses report only what depends on where the block is used.
            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> blockDiagnostics = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    Blocks.BlockAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => SafeCheckBlock(ctx, ct))
                .Where(static d => d.Count > 0)
                .WithTrackingName(TrackingNames.Blocks);

            context.RegisterSourceOutput(blockDiagnostics, static (spc, list) => Report(spc, list));
            context.RegisterSourceOutput(diagnostics, static (spc, list) => Report(spc, list));
        }

        /// <summary>
        /// Reports a declaration's diagnostics, unless one of them is NG0012: that marks an argument the compiler already
        /// rejected (CS0182, CS1503, CS7036), and what NetGen would say besides follows from the value it could not read. The
        /// network is not generated (its stub is), and the compiler's error stays the only one.
        /// </summary>
        private static void Report(SourceProductionContext context, EquatableArray<DiagnosticInfo> list)
        {
            foreach (DiagnosticInfo info in list)
            {
                if (info.Id == DiagnosticDescriptors.NonConstantArgument.Id)
                {
                    return;
                }
            }

            foreach (DiagnosticInfo info in list)
            {
                context.ReportDiagnostic(info.ToDiagnostic());
            }
        }

        /// <summary>The hint of a part of a network's code: "Samples.MnistNet.g.cs", "Samples.MnistNet.Training.g.cs", ….</summary>
        internal static string PartHint(string hint, string part) =>
            part.Length == 0 ? hint : hint.Substring(0, hint.Length - ".g.cs".Length) + "." + part + ".g.cs";

        private static ParseResult SafeResolve(ParseResult parsed, System.Collections.Immutable.ImmutableArray<WeightsFileSummary> files)
        {
            try
            {
                return CompiledWeightsResolver.Resolve(parsed, files);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var info = new DiagnosticInfo(
                    Diagnostics.DiagnosticDescriptors.InternalError.Id,
                    parsed.Weights?.At,
                    new EquatableArray<string>(new[] { ex.GetType().Name + ": " + ex.Message }));
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(parsed.Diagnostics.Append(info)), parsed.Stub, parsed.Weights);
            }
        }

        private static EquatableArray<DiagnosticInfo> SafeCheckBlock(GeneratorAttributeSyntaxContext context, System.Threading.CancellationToken cancellationToken)
        {
            try
            {
                return Blocks.Check(context, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new EquatableArray<DiagnosticInfo>(new[]
                {
                    new DiagnosticInfo(Diagnostics.DiagnosticDescriptors.InternalError.Id, LocationInfo.From(context.TargetNode.GetLocation()), new EquatableArray<string>(new[] { ex.GetType().Name + ": " + ex.Message })),
                });
            }
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
