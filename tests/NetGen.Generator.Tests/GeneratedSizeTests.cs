using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Generator.Tests
{
    /// <summary>
    /// The generated code grows with the number of layers, not with their widths: the widest networks the parser
    /// accepts (MaxUnits outputs, MaxUnits inputs) and a deep one generate, and compile, within a size and time bound.
    /// </summary>
    public class GeneratedSizeTests
    {
        private const int MaxSourceChars = 1_000_000;

        private const int MaxCharsPerLayer = 13_500;

        private readonly ITestOutputHelper _output;

        public GeneratedSizeTests(ITestOutputHelper output) => _output = output;

        [Theory]
        [InlineData("[Network][Dense(1, 1000000)][Softmax]")]
        [InlineData("[Network][Dense(1000000, 1)][Sigmoid]")]
        [InlineData("[Network(Precision = Precision.Double)][Dense(1, 1000000)][Softmax]")]
        [InlineData("[Network][Dense(1000000, 1)][Identity]")]
        [InlineData("[Network][Dense(1, 999999)][Relu][Dense(999999, 1)][Identity]", "Dense(999999, 1) after a wide odd layer")]
        [InlineData("[Network][Input(3, 64, 64)][Conv2D(3, 100, 7, Stride = 3, Padding = 3)][Relu][MaxPool2D(2)][Flatten][Dense(12100, 3)][Softmax]", "wide convolution and pool")]
        [InlineData("[Network][Input(50, 31, 31)][Conv2D(50, 500, 31)][Tanh][Flatten][Dropout(0.5)][Dense(500, 2)][Softmax]", "a kernel as large as its input")]
        public void Wide_networks_generate_code_of_bounded_size(string attributes, string? note = null)
        {
            _ = note;
            AssertBounded($"using NetGen;\nnamespace Wide;\n{attributes} public partial class Net {{ }}\n", MaxSourceChars);
        }

        [Fact]
        public void A_300_layer_network_generates_code_of_bounded_size()
        {
            var layers = new StringBuilder("[Network]");
            for (int i = 0; i < 300; i++)
            {
                layers.Append(i % 2 == 0 ? "[Dense(8, 8)][Relu]" : "[Dense(8, 8)][Tanh]");
            }

            layers.Append("[Dense(8, 3)][Softmax]");
            // Each Dense layer has its own forward, mini-batch, block, backward, deltas, fused-step, leftover-rows and update methods (about
            // 10 KB with their comments), its ONNX nodes, its lines of the header, the PyTorch twin and the summary (about 1 KB more); the
            // kernels are shared. So the bound is per layer, not per unit.
            AssertBounded($"using NetGen;\nnamespace Deep;\n{layers} public partial class Net {{ }}\n", 301 * MaxCharsPerLayer);
        }

        private void AssertBounded(string source, int maxChars)
        {
            // The size first, from the generator alone: an unbounded file must fail here, before the compiler sees it.
            var stopwatch = Stopwatch.StartNew();
            CSharpCompilation input = GeneratorHarness.Compilation(source);
            GeneratorDriverRunResult run = GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics).GetRunResult();
            double generateSeconds = stopwatch.Elapsed.TotalSeconds;
            Assert.All(run.Results, r => Assert.Null(r.Exception));
            Assert.Empty(generatorDiagnostics);
            int length = run.GeneratedTrees.Sum(t => t.Length);
            _output.WriteLine($"{length:N0} characters generated in {generateSeconds:F1} s");
            Assert.InRange(length, 1, maxChars);

            stopwatch.Restart();
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
            double compileSeconds = stopwatch.Elapsed.TotalSeconds;
            _output.WriteLine($"compiled in {compileSeconds:F1} s");
            Assert.InRange(generateSeconds, 0, 30);
            Assert.InRange(compileSeconds, 0, 120);
        }
    }
}
