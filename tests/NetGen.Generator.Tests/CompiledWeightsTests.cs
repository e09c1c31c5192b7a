using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>
    /// [Network(Weights = "…")]: the file is found among the AdditionalFiles, validated against the topology at build time
    /// (one NG0023 at the argument naming the tensor and expected vs actual), compiled in without its values in the source,
    /// and a changed file regenerates only the network that uses it.
    /// </summary>
    public class CompiledWeightsTests
    {
        private const string Tiny = """
            using NetGen;
            namespace W;
            [Network(Weights = "models/tiny.safetensors")][Dense(4, 8)][Relu][Dense(8, 3)][Softmax]
            public partial class Tiny { }
            """;

        private static byte[] TinyFile(int seed = 1) => WeightsFiles.SafeTensors(WeightsFiles.Dense(seed, true, 4, 8, 3));

        private static GeneratorHarness.Result Run(string source, params AdditionalText[] texts) =>
            GeneratorHarness.Run(texts.ToImmutableArray(), source);

        [Fact]
        public void A_valid_file_is_compiled_in_and_the_constructor_copies_it()
        {
            GeneratorHarness.Result result = Run(Tiny, WeightsFiles.Converted("models/tiny.safetensors", TinyFile()));
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Empty(result.CompilationDiagnostics);
            string source = result.Networks.Single().Source;
            Assert.Contains("CopyCompiledWeights();", source, StringComparison.Ordinal);
            Assert.DoesNotContain("InitializeParameters(0);", source, StringComparison.Ordinal);
            Assert.Contains("public const string CompiledWeightsResource = \"NetGen.Weights/models/tiny.safetensors\";", source, StringComparison.Ordinal);
            Assert.Contains("// Compiled-in weights: models/tiny.safetensors (", source, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("models/tiny.safetensors")]
        [InlineData("./models/tiny.safetensors")]
        [InlineData("models\\\\tiny.safetensors")]
        [InlineData("models/../models/tiny.safetensors")]
        [InlineData("Models/Tiny.safetensors")]
        public void The_path_matches_across_separators_dot_segments_and_case(string written)
        {
            GeneratorHarness.Result result = Run(Tiny.Replace("models/tiny.safetensors", written, StringComparison.Ordinal), WeightsFiles.Converted("models/tiny.safetensors", TinyFile()));
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Single(result.Networks);
        }

        [Fact]
        public void The_generated_source_does_not_grow_with_the_weights()
        {
            const string Mnist = """
                using NetGen;
                [Network(Weights = "mnist.safetensors")][Dense(784, 128)][Relu][Dense(128, 64)][Relu][Dense(64, 10)][Softmax]
                public partial class MnistNet { }
                """;
            byte[] file = WeightsFiles.SafeTensors(WeightsFiles.Dense(3, true, 784, 128, 64, 10));
            string with = Run(Mnist, WeightsFiles.Converted("mnist.safetensors", file)).Networks.Single().Source;
            string without = Run(Mnist.Replace("(Weights = \"mnist.safetensors\")", string.Empty, StringComparison.Ordinal)).Networks.Single().Source;
            Assert.True(file.Length > 400_000);
            Assert.True(with.Length - without.Length < 4000, $"{with.Length - without.Length} more characters with compiled-in weights");
        }

        public static TheoryData<string, string> Mistakes()
        {
            byte[] good = TinyFile();
            var nan = WeightsFiles.Dense(1, true, 4, 8, 3);
            BitConverter.GetBytes(float.NaN).CopyTo(nan[2].Data, 4 * 5);
            var wrongShape = WeightsFiles.Dense(1, true, 4, 8, 3);
            wrongShape[0] = ("0.weight", "F32", new long[] { 4, 8 }, wrongShape[0].Data);
            var wrongDType = WeightsFiles.Dense(1, true, 4, 8, 3);
            wrongDType[1] = ("0.bias", "F64", new long[] { 4 }, wrongDType[1].Data);
            var renamed = WeightsFiles.Dense(1, false, 4, 8, 3);
            var extra = WeightsFiles.Dense(1, true, 4, 8, 3);
            extra.Add(("3.weight", "F32", new long[] { 1 }, new byte[4]));
            byte[] liar = (byte[])good.Clone();
            BitConverter.GetBytes(ulong.MaxValue - 7).CopyTo(liar, 0);
            byte[] truncated = good.Take(good.Length - 4).ToArray();
            return new TheoryData<string, string>
            {
                { Convert.ToBase64String(WeightsFiles.SafeTensors(nan)), "tensor '2.weight' element 5 is NaN; compiled-in weights must be finite" },
                { Convert.ToBase64String(WeightsFiles.SafeTensors(wrongShape)), "tensor '0.weight' has shape [4, 8]; expected [8, 4]" },
                { Convert.ToBase64String(WeightsFiles.SafeTensors(wrongDType)), "tensor '0.bias' has dtype F64; expected F32 (the network's precision is Single)" },
                { Convert.ToBase64String(WeightsFiles.SafeTensors(renamed)), "tensor '2.weight' is missing; expected F32 [3, 8]" },
                { Convert.ToBase64String(WeightsFiles.SafeTensors(extra)), "tensor '3.weight' (F32 [1]) is not a parameter of this network; expected exactly 0.weight, 0.bias, 2.weight, 2.bias" },
                { Convert.ToBase64String(liar), "the header length at offset 0 is 18446744073709551608 bytes, but at most " },
                { Convert.ToBase64String(truncated), "tensor '2.bias' has data_offsets [" },
                { Convert.ToBase64String(new byte[] { 1, 2, 3 }), "the file is 3 bytes long; a safetensors file starts with an 8-byte header length" },
                { "error=the file does not exist (looked for /project/models/tiny.safetensors)", "the file does not exist (looked for /project/models/tiny.safetensors)" },
            };
        }

        [Theory]
        [MemberData(nameof(Mistakes))]
        public void A_file_that_does_not_fit_is_one_NG0023_at_the_argument(string base64OrError, string message)
        {
            AdditionalText text = base64OrError.StartsWith("error=", StringComparison.Ordinal)
                ? WeightsFiles.Converted("models/tiny.safetensors", null, base64OrError.Substring(6))
                : WeightsFiles.Converted("models/tiny.safetensors", Convert.FromBase64String(base64OrError));
            AssertOneError(Tiny, Run(Tiny, text), message);
        }

        [Fact]
        public void A_file_not_among_the_AdditionalFiles_is_NG0023()
        {
            AssertOneError(Tiny, Run(Tiny, WeightsFiles.Converted("models/other.safetensors", TinyFile())), "it is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"models/tiny.safetensors\" /> to the project");
        }

        [Fact]
        public void A_listed_file_the_build_targets_did_not_convert_is_NG0023()
        {
            AssertOneError(Tiny, Run(Tiny, WeightsFiles.Raw("/project/models/tiny.safetensors", TinyFile())), "it is listed in AdditionalFiles, but NetGen's build targets did not convert it");
        }

        /// <summary>A network whose weights do not fit gets the stub of its whole surface: code using it adds no error to NG0023.</summary>
        [Fact]
        public void Code_using_a_network_whose_weights_do_not_fit_compiles_against_its_stub()
        {
            string source = Tiny + """

                public static class Use
                {
                    public static int Run(W.Tiny net)
                    {
                        net.CopyCompiledWeights();
                        net.SaveOnnx("tiny.onnx");
                        _ = W.Tiny.CompiledWeightsSha256;
                        return net.Classify(new float[W.Tiny.InputSize]);
                    }
                }
                """;
            GeneratorHarness.Result result = Run(source, WeightsFiles.Converted("models/other.safetensors", TinyFile()));
            Assert.Equal("NG0023", Assert.Single(result.GeneratorDiagnostics).Id);
            Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            Assert.Contains("This stub declares the public members", Assert.Single(result.Sources).Source, StringComparison.Ordinal);
        }

        [Fact]
        public void A_double_network_takes_F64_and_rejects_F32()
        {
            string source = Tiny.Replace("[Network(Weights", "[Network(Precision = Precision.Double, Weights", StringComparison.Ordinal);
            AssertOneError(source, Run(source, WeightsFiles.Converted("models/tiny.safetensors", TinyFile())), "tensor '0.weight' has dtype F32; expected F64 (the network's precision is Double)");
            var doubles = WeightsFiles.Dense(1, true, 4, 8, 3)
                .Select(t => (t.Name, "F64", t.Shape, Enumerable.Range(0, t.Data.Length / 4).SelectMany(i => BitConverter.GetBytes((double)BitConverter.ToSingle(t.Data, i * 4))).ToArray()));
            GeneratorHarness.Result ok = Run(source, WeightsFiles.Converted("models/tiny.safetensors", WeightsFiles.SafeTensors(doubles)));
            Assert.Empty(ok.GeneratorDiagnostics);
            Assert.Empty(ok.CompilationDiagnostics);
        }

        [Fact]
        public void Random_corruptions_of_the_header_never_throw_and_end_in_one_NG0023_or_a_valid_model()
        {
            byte[] good = TinyFile();
            var random = new Random(5);
            for (int trial = 0; trial < 300; trial++)
            {
                byte[] bad = (byte[])good.Clone();
                int at = random.Next(Math.Min(bad.Length, 8 + 400));
                bad[at] = (byte)random.Next(256);
                GeneratorHarness.Result result = Run(Tiny, WeightsFiles.Converted("models/tiny.safetensors", bad));
                Assert.All(result.GeneratorDiagnostics, d => Assert.Equal("NG0023", d.Id));
                Assert.True(result.GeneratorDiagnostics.Length == 1 || result.Networks.Length == 1);
            }
        }

        [Fact]
        public void Changing_a_weights_file_regenerates_only_the_network_that_uses_it()
        {
            const string Two = """
                using NetGen;
                namespace W;
                [Network(Weights = "a.safetensors")][Dense(4, 8)][Relu][Dense(8, 3)][Softmax]
                public partial class First { }
                [Network(Weights = "b.safetensors")][Dense(4, 8)][Relu][Dense(8, 3)][Softmax]
                public partial class Second { }
                [Network][Dense(2, 2)][Softmax]
                public partial class Third { }
                """;
            CSharpCompilation compilation = GeneratorHarness.Compilation(Two);
            AdditionalText a = WeightsFiles.Converted("a.safetensors", TinyFile(1));
            AdditionalText b = WeightsFiles.Converted("b.safetensors", TinyFile(2));
            GeneratorDriver driver = GeneratorHarness.Driver(LanguageVersion.Latest, ImmutableArray.Create(a, b), trackSteps: true).RunGenerators(compilation);
            GeneratorRunResult first = driver.GetRunResult().Results.Single();
            Assert.Equal(3 * (1 + GeneratorHarness.Parts.Length), first.GeneratedSources.Length);
            string before = first.GeneratedSources.Single(s => s.HintName.EndsWith("First.g.cs", StringComparison.Ordinal)).SourceText.ToString();

            AdditionalText a2 = WeightsFiles.Converted("a.safetensors", TinyFile(3));
            GeneratorDriver after = driver.ReplaceAdditionalText(a, a2).RunGenerators(compilation);
            GeneratorRunResult second = after.GetRunResult().Results.Single();

            Assert.All(second.TrackedSteps[TrackingNames.Parse].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
            var files = second.TrackedSteps[TrackingNames.WeightsFiles].SelectMany(s => s.Outputs).ToArray();
            Assert.Equal(1, files.Count(o => o.Reason == IncrementalStepRunReason.Modified));
            var models = second.TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs).ToArray();
            Assert.Single(models, o => o.Reason == IncrementalStepRunReason.Modified && o.Value.ToString()!.Contains("First", StringComparison.Ordinal));
            Assert.Equal(2, models.Count(o => o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
            var outputs = second.TrackedOutputSteps["SourceOutput"].SelectMany(s => s.Outputs).ToArray();
            Assert.Equal(1, outputs.Count(o => o.Reason == IncrementalStepRunReason.Modified));
            string changed = second.GeneratedSources.Single(s => s.HintName.EndsWith("First.g.cs", StringComparison.Ordinal)).SourceText.ToString();
            Assert.NotEqual(before, changed);

            // The same bytes again: every output is reused.
            GeneratorRunResult third = after.ReplaceAdditionalText(a2, WeightsFiles.Converted("a.safetensors", TinyFile(3))).RunGenerators(compilation).GetRunResult().Results.Single();
            Assert.All(third.TrackedOutputSteps["SourceOutput"].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        /// <summary>
        /// The compiler embeds the weights file after the generator validated it; a file that changed in between (the same
        /// length, other values: a training run's Save finishing mid-build) is an exception naming both hashes when the
        /// network is made, and the validated bytes give the file's values.
        /// </summary>
        [Fact]
        public void The_embedded_bytes_must_be_the_validated_ones()
        {
            byte[] validated = TinyFile(1), changed = TinyFile(2);
            Assert.Equal(validated.Length, changed.Length);
            const string Probe = "public static class Probe { public static float[] Parameters() => new W.Tiny().Parameters.ToArray(); }";
            CSharpCompilation input = GeneratorHarness.Compilation(Tiny, "using System.Linq; " + Probe);
            GeneratorHarness.Driver(LanguageVersion.Latest, ImmutableArray.Create(WeightsFiles.Converted("models/tiny.safetensors", validated)))
                .RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
            Assert.Empty(diagnostics);

            float[] parameters = RunProbe(output, validated);
            Assert.Equal(WeightsFiles.Dense(1, true, 4, 8, 3).SelectMany(t => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.Data).ToArray()), parameters);

            var e = Assert.Throws<System.Reflection.TargetInvocationException>(() => RunProbe(output, changed));
            var inner = Assert.IsType<InvalidOperationException>(e.InnerException?.InnerException ?? e.InnerException);
            string Hash(byte[] bytes) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();
            Assert.Contains("'NetGen.Weights/models/tiny.safetensors' has SHA-256 " + Hash(changed) + ", but the build validated " + Hash(validated), inner.Message, StringComparison.Ordinal);
        }

        private static float[] RunProbe(Compilation compilation, byte[] resource)
        {
            using var image = new System.IO.MemoryStream();
            var description = new ResourceDescription("NetGen.Weights/models/tiny.safetensors", () => new System.IO.MemoryStream(resource), isPublic: true);
            Microsoft.CodeAnalysis.Emit.EmitResult emitted = compilation.Emit(image, manifestResources: new[] { description });
            Assert.True(emitted.Success, string.Join("; ", emitted.Diagnostics.Take(3)));
            var context = new System.Runtime.Loader.AssemblyLoadContext("weights", isCollectible: true);
            try
            {
                image.Position = 0;
                return (float[])context.LoadFromStream(image).GetType("Probe", throwOnError: true)!.GetMethod("Parameters")!.Invoke(null, null)!;
            }
            finally
            {
                context.Unload();
            }
        }

        private static void AssertOneError(string source, GeneratorHarness.Result result, string message)
        {
            Diagnostic diagnostic = Assert.Single(result.GeneratorDiagnostics);
            Assert.Equal("NG0023", diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            string text = diagnostic.GetMessage(CultureInfo.InvariantCulture);
            Assert.StartsWith("Weights file '", text, StringComparison.Ordinal);
            Assert.Contains(message, text, StringComparison.Ordinal);
            Assert.Contains("This stub declares the public members", Assert.Single(result.Sources).Source, StringComparison.Ordinal); // no network code: its stub
            string argument = source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
            Assert.StartsWith("Weights = ", argument, StringComparison.Ordinal);
        }
    }
}
