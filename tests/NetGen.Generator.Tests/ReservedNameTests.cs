using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>
    /// Every member the emitter writes is known to the parser's conflict check (NG0016): a user member of the same
    /// name gets one NG0016 error instead of CS0102/CS0111 in generated code. Catches the emitter and the reserved
    /// names drifting apart.
    /// </summary>
    public class ReservedNameTests
    {
        private const string Layers = "[Dense(3, 4)][Relu][Dense(4, 2)]";

        public static IEnumerable<object[]> Declarations() => new[]
        {
            new object[] { $"[Network]{Layers}[Softmax]" },
            new object[] { $"[Network(Optimizer = Optimizer.Adam)]{Layers}[Sigmoid]" },
            new object[] { $"[Network(Precision = Precision.Double, Optimizer = Optimizer.Nesterov)]{Layers}[Identity]" },
            new object[] { "[Network][Dense(3, 4)][LeakyRelu(0.2)][Dense(4, 5)][Tanh][Dense(5, 6)][Sigmoid][Dense(6, 2)][Softmax]" }, // every activation's kernels
            new object[] { "[Network][Dense(64, 8)][Relu][Dense(8, 2)][Softmax]" }, // the kernels of a first layer that skips zero inputs
            new object[] { "[Network][Dense(3, 4)][BatchNorm1D(4)][Relu][Residual(typeof(B))][Tanh][Dense(4, 5)][LayerNorm(5)][Dense(5, 2)][Softmax]" }, // buffers, statistics, a residual's join, layer norms' rows
        };

        /// <summary>The block the residual declaration uses (unused by the others).</summary>
        private const string Block = "[Block][Dense(4, 4)][Relu][Dense(4, 4)] public class B { }";

        [Theory]
        [MemberData(nameof(Declarations))]
        public void A_user_member_named_like_any_generated_member_is_reported_as_NG0016(string attributes)
        {
            GeneratorHarness.Result clean = GeneratorHarness.Run($"using NetGen; {attributes} public partial class Net {{ }} {Block}");
            Assert.Empty(clean.CompilationDiagnostics);
            // Every file of the network's code: the partial declarations of Net, their members together.
            var generated = clean.Sources.SelectMany(s => CSharpSyntaxTree.ParseText(s.Source).GetRoot()
                .DescendantNodes().OfType<ClassDeclarationSyntax>().Where(c => c.Identifier.ValueText == "Net")).ToList();
            Assert.Equal(1 + GeneratorHarness.Parts.Length, generated.Count);
            string[] names = generated.SelectMany(c => c.Members)
                .Select(m => m switch
                {
                    MethodDeclarationSyntax method => method.Identifier.ValueText,
                    PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property => property.Identifier.ValueText, // an explicit interface implementation cannot clash
                    FieldDeclarationSyntax field => field.Declaration.Variables.First().Identifier.ValueText,
                    TypeDeclarationSyntax nested => nested.Identifier.ValueText, // the kernels' class
                    _ => null,
                })
                .Where(n => n is not null)
                .Distinct()
                .ToArray()!;
            Assert.True(names.Length > 40, $"only {names.Length} generated members found");

            var missed = new List<string>();
            foreach (string name in names)
            {
                GeneratorHarness.Result result = GeneratorHarness.Run($"using NetGen; {attributes} public partial class Net {{ private static int {name}; }} {Block}");
                bool reported = result.GeneratorDiagnostics.Any(d => d.Id == "NG0016");
                bool brokenGeneratedCode = result.CompilationDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true);
                if (!reported || brokenGeneratedCode)
                {
                    missed.Add(name);
                }
            }

            Assert.Empty(missed);

            // And the check is specific: a name the generator does not use is fine.
            GeneratorHarness.Result unrelated = GeneratorHarness.Run($"using NetGen; {attributes} public partial class Net {{ private static int Unrelated; }}");
            Assert.DoesNotContain(unrelated.GeneratorDiagnostics, d => d.Id == "NG0016");
            Assert.Single(unrelated.Networks);
        }

        [Theory]
        [InlineData("public void Predict(System.ReadOnlySpan<float> input, System.Span<float> output) { }")]
        [InlineData("public virtual void Predict(System.ReadOnlySpan<float> input, System.Span<float> output) { }")]
        [InlineData("public int InputSize => 1;")]
        [InlineData("protected int Parameters;")]
        [InlineData("protected internal static void InputSize() { }")]
        [InlineData("public int Layer0Forward;")]
        [InlineData("public float Train(System.ReadOnlySpan<float> input, int label, float learningRate) => 0;")]
        public void A_member_inherited_from_a_base_class_is_reported_as_NG0016(string member)
        {
            foreach (string source in new[]
            {
                $"using NetGen; public class Base {{ {member} }} [Network][Dense(3, 2)][Softmax] public partial class Net : Base {{ }}",
                $"using NetGen; public class Root {{ {member} }} public class Base : Root {{ }} [Network][Dense(3, 2)][Softmax] public partial class Net : Base {{ }}",
            })
            {
                GeneratorHarness.Result result = GeneratorHarness.Run(source);
                Diagnostic reported = Assert.Single(result.GeneratorDiagnostics, d => d.Id == "NG0016");
                Assert.Contains("inherits", reported.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
                Assert.Empty(result.Networks);
                Assert.Empty(result.CompilationDiagnostics);
            }
        }

        [Theory]
        [InlineData("private int InputSize = 1; public int Size() => InputSize;")]
        [InlineData("private void Predict(System.ReadOnlySpan<float> input, System.Span<float> output) { }")]
        [InlineData("public void Predict(float[] input) { }")]
        [InlineData("public void Forward(int steps) { }")]
        [InlineData("public int Unrelated;")]
        public void An_inaccessible_or_overloading_base_member_is_no_conflict(string member)
        {
            GeneratorHarness.Result result = GeneratorHarness.Run($"using NetGen; public class Base {{ {member} }} [Network][Dense(3, 2)][Softmax] public partial class Net : Base {{ }}");
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Single(result.Networks);
            Assert.Empty(result.CompilationDiagnostics);
        }
    }
}
