using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetGen.Generator.Tests
{
    /// <summary>Runs the generator in memory over a source text, against .NET 10 reference assemblies and the NetGen runtime.</summary>
    internal static class GeneratorHarness
    {
        private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest);

        public static readonly ImmutableArray<MetadataReference> References = Basic.Reference.Assemblies.Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(NetGen.NetworkAttribute).Assembly.Location))
            .ToImmutableArray();

        public static CSharpCompilation Compilation(params string[] sources) => Compilation(LanguageVersion.Latest, sources);

        /// <summary>The consumer's sources parsed as the given C# version (nullable annotations on from C# 8).</summary>
        public static CSharpCompilation Compilation(LanguageVersion version, params string[] sources) => CSharpCompilation.Create(
            "Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Options(version), path: $"Input{i}.cs")),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                allowUnsafe: false,
                nullableContextOptions: Options(version).LanguageVersion >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable));

        public static GeneratorDriver Driver(bool trackSteps = false) => Driver(LanguageVersion.Latest, trackSteps);

        public static GeneratorDriver Driver(LanguageVersion version, bool trackSteps = false) => Driver(version, ImmutableArray<AdditionalText>.Empty, trackSteps);

        /// <summary>A driver that sees <paramref name="additionalTexts"/> as the project's AdditionalFiles.</summary>
        public static GeneratorDriver Driver(LanguageVersion version, ImmutableArray<AdditionalText> additionalTexts, bool trackSteps = false) => CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts: additionalTexts,
            parseOptions: Options(version),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

        /// <summary><see cref="Run(string[])"/> with AdditionalFiles.</summary>
        public static Result Run(ImmutableArray<AdditionalText> additionalTexts, params string[] sources)
        {
            CSharpCompilation input = Compilation(LanguageVersion.Latest, sources);
            GeneratorDriver driver = Driver(LanguageVersion.Latest, additionalTexts).RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
            GeneratorDriverRunResult run = driver.GetRunResult();
            if (run.Results.Any(r => r.Exception is not null))
            {
                throw new InvalidOperationException("The generator threw: " + string.Join("; ", run.Results.Select(r => r.Exception)));
            }

            return new Result(
                run.GeneratedTrees.Select(t => (System.IO.Path.GetFileName(t.FilePath), t.GetText().ToString())).ToImmutableArray(),
                generatorDiagnostics,
                output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray());
        }

        /// <summary>Generates, then compiles the result: returns the generated sources, the generator's diagnostics and the output compilation's diagnostics.</summary>
        public static Result Run(params string[] sources) => Run(LanguageVersion.Latest, sources);

        /// <summary><see cref="Run(string[])"/> for a consumer on the given C# version.</summary>
        public static Result Run(LanguageVersion version, params string[] sources)
        {
            CSharpCompilation input = Compilation(version, sources);
            GeneratorDriver driver = Driver(version).RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
            GeneratorDriverRunResult run = driver.GetRunResult();
            if (run.Results.Any(r => r.Exception is not null))
            {
                throw new InvalidOperationException("The generator threw: " + string.Join("; ", run.Results.Select(r => r.Exception)));
            }

            return new Result(
                run.GeneratedTrees.Select(t => (System.IO.Path.GetFileName(t.FilePath), t.GetText().ToString())).ToImmutableArray(),
                generatorDiagnostics,
                output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray());
        }

        /// <summary>
        /// Runs the generator on <paramref name="source"/>, then again after adding an unrelated file: every tracked step must be
        /// cached or unchanged, and every source output cached (NetEscapades' check: the models compare by value).
        /// </summary>
        public static void AssertCachedOnRerun(string source)
        {
            CSharpCompilation compilation = Compilation(source);
            GeneratorDriver driver = Driver(trackSteps: true).RunGenerators(compilation);
            CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Unrelated { class Other { int X => 1; } }", s_parseOptions, path: "Other.cs"));
            GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();
            foreach (string step in new[] { TrackingNames.Parse, TrackingNames.Weights, TrackingNames.Models, TrackingNames.Stubs, TrackingNames.Diagnostics, TrackingNames.Blocks })
            {
                if (second.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> steps))
                {
                    Xunit.Assert.All(steps.SelectMany(s => s.Outputs), o => Xunit.Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + o.Reason));
                }
            }

            Xunit.Assert.All(second.TrackedOutputSteps["SourceOutput"].SelectMany(s => s.Outputs), o => Xunit.Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        /// <summary>The generator's diagnostics plus those of NetGen's analyzers (NG0015), for one source text.</summary>
        public static ImmutableArray<Diagnostic> GeneratorAndAnalyzerDiagnostics(params string[] sources) => GeneratorAndAnalyzerDiagnostics(LanguageVersion.Latest, sources);

        public static ImmutableArray<Diagnostic> GeneratorAndAnalyzerDiagnostics(LanguageVersion version, params string[] sources)
        {
            CSharpCompilation input = Compilation(version, sources);
            GeneratorDriver driver = Driver(version).RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
            if (driver.GetRunResult().Results.Any(r => r.Exception is not null))
            {
                throw new InvalidOperationException("The generator threw");
            }

            ImmutableArray<Diagnostic> analyzerDiagnostics = input
                .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LayersWithoutNetworkAnalyzer()))
                .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            return generatorDiagnostics.AddRange(analyzerDiagnostics);
        }

        private static CSharpParseOptions Options(LanguageVersion version) => version == LanguageVersion.Latest ? s_parseOptions : new CSharpParseOptions(version);

        /// <summary>The parts of a network's generated code after its main file, in the generator's order.</summary>
        internal static readonly string[] Parts = { "State", "Training", "Files", "Layers", "Kernels" };

        internal sealed record Result(
            ImmutableArray<(string HintName, string Source)> Sources,
            ImmutableArray<Diagnostic> GeneratorDiagnostics,
            ImmutableArray<Diagnostic> CompilationDiagnostics)
        {
            /// <summary>Each network's code (or stub) as one text: its main file ("N.g.cs") then its parts ("N.Training.g.cs", …), under the main hint.</summary>
            public ImmutableArray<(string HintName, string Source)> Networks => Sources
                .GroupBy(s => MainHint(s.HintName))
                .Select(g => (g.Key, string.Join("\n", g.OrderBy(s => PartIndex(s.HintName)).Select(s => s.Source))))
                .ToImmutableArray();

            /// <summary>The hint of the main file a generated file belongs to.</summary>
            public static string MainHint(string hint)
            {
                foreach (string part in Parts)
                {
                    if (hint.EndsWith("." + part + ".g.cs", StringComparison.Ordinal))
                    {
                        return hint.Substring(0, hint.Length - part.Length - ".g.cs".Length - 1) + ".g.cs";
                    }
                }

                return hint;
            }

            private static int PartIndex(string hint)
            {
                for (int i = 0; i < Parts.Length; i++)
                {
                    if (hint.EndsWith("." + Parts[i] + ".g.cs", StringComparison.Ordinal))
                    {
                        return i + 1;
                    }
                }

                return 0;
            }
        }
    }
}
