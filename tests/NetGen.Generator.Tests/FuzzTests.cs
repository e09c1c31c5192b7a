using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Generator.Tests
{
    /// <summary>
    /// Randomly built declarations (seeded, so failures reproduce): the generator never throws, and every
    /// compilation either gets clean generated code or a NetGen diagnostic explains why nothing was generated.
    /// </summary>
    public class FuzzTests
    {
        private const int Compilations = 220;
        private const int DeclarationsPerCompilation = 50;

        private static readonly string[] s_badSizes = { "0", "-1", "-2147483648", "2_000_000_000", "int.Parse(\"3\")", "Globals.S", "\"a\"", "1.5", "3L", "default" };
        private static readonly string[] s_activations = { "Relu", "LeakyRelu", "LeakyRelu(0.2)", "Sigmoid", "Tanh" };
        private static readonly string[] s_badSlopes = { "-1", "double.NaN", "double.PositiveInfinity", "\"x\"", "Globals.D", "1", "0.1f" };

        private readonly ITestOutputHelper _output;

        public FuzzTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public async System.Threading.Tasks.Task Generator_never_throws_and_never_emits_broken_code()
        {
            var random = new Random(20261126);
            var stopwatch = Stopwatch.StartNew();
            int declarations = 0;
            int generated = 0;
            int withNetGenDiagnostics = 0;
            for (int c = 0; c < Compilations; c++)
            {
                string source = BuildFile(random, c);
                declarations += DeclarationsPerCompilation;
                CSharpCompilation input = GeneratorHarness.Compilation(source);
                GeneratorDriver driver = GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
                GeneratorDriverRunResult run = driver.GetRunResult();

                if (run.Results.FirstOrDefault(r => r.Exception is not null) is { Exception: { } exception })
                {
                    Assert.Fail($"compilation {c}: the generator threw {exception}\n{source}");
                }

                Assert.DoesNotContain(generatorDiagnostics, d => d.Id is "NG0099" or "AD0001");
                generated += run.GeneratedTrees.Length;
                withNetGenDiagnostics += generatorDiagnostics.Count(d => d.Id.StartsWith("NG", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);

                if (run.GeneratedTrees.Length > 0)
                {
                    // Whatever the generated code adds is a bug: diagnostics in its own trees, or new declaration
                    // diagnostics in the user's (e.g. CS0111 for a member declared twice).
                    var before = input.GetDeclarationDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(Key).ToHashSet();
                    Diagnostic[] added = output.GetDeclarationDiagnostics()
                        .Where(d => d.Severity >= DiagnosticSeverity.Warning && !before.Contains(Key(d)))
                        .Concat(run.GeneratedTrees.SelectMany(t => output.GetSemanticModel(t).GetDiagnostics()).Where(d => d.Severity >= DiagnosticSeverity.Warning))
                        .ToArray();
                    Assert.True(added.Length == 0, $"compilation {c}: generated code caused {string.Join("\n", added.Take(5))}\n{source}");
                }

                if (c % 40 == 0)
                {
                    // The NG0015 analyzer over the same input: it must not fail either.
                    ImmutableArray<Diagnostic> analyzer = await input
                        .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LayersWithoutNetworkAnalyzer()))
                        .GetAllDiagnosticsAsync();
                    Assert.DoesNotContain(analyzer, d => d.Id == "AD0001");
                }
            }

            _output.WriteLine($"{declarations} declarations in {Compilations} compilations: {generated} networks generated, {withNetGenDiagnostics} NetGen errors, {stopwatch.Elapsed.TotalSeconds:F1} s");
            Assert.True(declarations >= 10_000);
            Assert.True(generated > 200, "too few valid networks: the fuzz would not test generated code");
            Assert.True(withNetGenDiagnostics > 1000, "too few invalid declarations");
        }

        private static (string, string, int, int) Key(Diagnostic d) =>
            (d.Id, d.Location.SourceTree?.FilePath ?? string.Empty, d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);

        private static string BuildFile(Random random, int file)
        {
            var text = new StringBuilder();
            text.AppendLine("using NetGen;");
            bool fileScoped = random.Next(5) == 0;
            if (fileScoped)
            {
                text.AppendLine($"namespace F{file};");
            }

            text.AppendLine("static class Globals { public static int S = 3; public static double D = 0.1; public static Precision P = Precision.Double; }");
            string? previousName = null;
            for (int i = 0; i < DeclarationsPerCompilation; i++)
            {
                // The same class name in two namespaces, now and then.
                string name = previousName is not null && !fileScoped && random.Next(10) == 0 ? previousName : $"C{i}";
                previousName = name;
                string declaration = Declaration(random, name, i);
                int where = fileScoped ? 0 : random.Next(3);
                text.AppendLine(where switch
                {
                    0 => declaration,
                    1 => $"namespace N{i} {{ {declaration} }}",
                    _ => $"namespace N{i}.Inner\n{{\n{declaration}\n}}",
                });
            }

            return text.ToString();
        }

        private static string Declaration(Random random, string name, int index)
        {
            var attributes = new List<string>();
            if (random.Next(100) < 88)
            {
                attributes.Add(random.Next(12) switch
                {
                    0 => "Network(Precision = Precision.Double)",
                    1 => "Network(Precision = Globals.P)",
                    2 => "Network(Precision = (Precision)5)",
                    _ => "Network",
                });
            }

            if (random.Next(4) == 0)
            {
                attributes.AddRange(ValidChain(random));
                if (random.Next(3) != 0)
                {
                    Mutate(random, attributes);
                }
            }
            else
            {
                attributes.AddRange(RandomSequence(random));
            }

            string attributeText = random.Next(3) == 0
                ? "[" + string.Join(", ", attributes) + "]"
                : string.Concat(attributes.Select(a => "[" + a + "]"));
            if (attributes.Count == 0)
            {
                attributeText = string.Empty;
            }

            string body = random.Next(20) switch
            {
                0 => $"public {name}() {{ }}",
                1 => "public int InputSize => 1;",
                2 => "public void Predict(float[] x) { }",
                3 => "public int Layer0Weights;",
                _ => string.Empty,
            };

            string head = random.Next(40) switch
            {
                0 => "public class",
                1 => "public static partial class",
                2 => "public partial record",
                3 => "public partial struct",
                4 => "public partial interface",
                5 => "public sealed partial class",
                6 => "file partial class",
                7 => "public abstract partial class",
                8 => "internal partial record class",
                _ => "public partial class",
            };

            string typeParameters = random.Next(30) == 0 ? "<T>" : string.Empty;
            string declaration = $"{attributeText} {head} {name}{typeParameters} {{ {body} }}";
            return random.Next(15) switch
            {
                0 => $"public partial class Outer{index} {{ {declaration} }}",
                1 => $"public class Outer{index} {{ {declaration} }}",
                2 => $"public partial class Outer{index}<U> {{ {declaration} }}",
                3 => $"public static partial class Outer{index} {{ {declaration} }}",
                _ => declaration,
            };
        }

        private static IEnumerable<string> ValidChain(Random random)
        {
            int layers = random.Next(1, 4);
            int inputs = random.Next(1, 9);
            for (int l = 0; l < layers; l++)
            {
                int outputs = random.Next(1, 9);
                yield return $"Dense({inputs}, {outputs})";
                if (l < layers - 1 || random.Next(6) == 0)
                {
                    if (random.Next(4) != 0)
                    {
                        yield return s_activations[random.Next(s_activations.Length)];
                    }
                }

                inputs = outputs;
            }

            yield return "Softmax";
        }

        private static void Mutate(Random random, List<string> attributes)
        {
            int dense = attributes.FindIndex(a => a.StartsWith("Dense", StringComparison.Ordinal));
            switch (random.Next(9))
            {
                case 0 when dense >= 0:
                    attributes[dense] = random.Next(3) switch
                    {
                        0 => $"Dense({s_badSizes[random.Next(s_badSizes.Length)]}, 2)",
                        1 => $"Dense(2, {s_badSizes[random.Next(s_badSizes.Length)]})",
                        _ => random.Next(2) == 0 ? "Dense(2)" : "Dense(2, 2, 2)",
                    };
                    break;
                case 1:
                    attributes.Add($"Dense(2, {random.Next(1, 4)})");
                    break;
                case 2:
                    attributes.Remove("Softmax");
                    break;
                case 3:
                    attributes.Add("Softmax");
                    break;
                case 4:
                    attributes.Insert(random.Next(attributes.Count + 1), s_activations[random.Next(s_activations.Length)]);
                    break;
                case 5:
                    attributes.Insert(random.Next(attributes.Count + 1), $"LeakyRelu({s_badSlopes[random.Next(s_badSlopes.Length)]})");
                    break;
                case 6:
                    attributes.Insert(attributes.Count - 1, random.Next(2) == 0 ? "Dense(100000, 2000)" : "Dense(2_000_000_000, 2_000_000_000)");
                    break;
                case 7:
                    attributes.Insert(random.Next(attributes.Count + 1), random.Next(2) == 0 ? "Relu(1)" : "Softmax(\"x\")");
                    break;
                default:
                    attributes.Reverse();
                    break;
            }
        }

        private static IEnumerable<string> RandomSequence(Random random)
        {
            int count = random.Next(0, 7);
            for (int i = 0; i < count; i++)
            {
                yield return random.Next(8) switch
                {
                    0 or 1 => $"Dense({random.Next(-1, 6)}, {random.Next(-1, 6)})",
                    2 => "Softmax",
                    3 => $"Dense({s_badSizes[random.Next(s_badSizes.Length)]}, {random.Next(1, 5)})",
                    4 => $"LeakyRelu({s_badSlopes[random.Next(s_badSlopes.Length)]})",
                    _ => s_activations[random.Next(s_activations.Length)],
                };
            }
        }
    }
}
