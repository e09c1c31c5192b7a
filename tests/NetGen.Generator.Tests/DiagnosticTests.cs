using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetGen.Generator.Tests
{
    public class DiagnosticTests
    {
        [Fact]
        public void Mismatched_consecutive_sizes_are_a_compile_error_on_the_second_attributes_first_argument()
        {
            const string source = """
                using NetGen;
                [Network]
                [Dense(784, 128)][Relu]
                [Dense(64, 10)][Softmax]
                public partial class Broken { }
                """;
            GeneratorHarness.Result result = GeneratorHarness.Run(source);

            Diagnostic diagnostic = Assert.Single(result.GeneratorDiagnostics);
            Assert.Equal("NG0004", diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal("64", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
            Assert.Equal(3, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
            Assert.Equal("Dense layer 1 takes 64 inputs, but the layer before it produces 128 outputs", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

            // No code for a broken declaration: one precise error, not a cascade.
            Assert.Empty(result.Sources);
        }
    }
}
