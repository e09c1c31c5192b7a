using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Generator.Tests
{
    /// <summary>
    /// Sizes the parser derives are computed in 64 bits and checked: a declaration whose input, output, stored values or
    /// parameters would not fit is exactly one NG error at the network, never code whose int sizes wrapped (an
    /// out-of-bounds write, or CS errors inside generated code). Every stack buffer of the generated code is bounded.
    /// </summary>
    public class ExtremeSizeTests
    {
        private readonly ITestOutputHelper _output;

        public ExtremeSizeTests(ITestOutputHelper output) => _output = output;

        /// <summary>Found by an attacker: each compiled (or failed inside generated code) before, with wrapped sizes.</summary>
        [Theory]
        [InlineData("[Network(SequenceLength = 100000)][Rnn(43000, 1)][Dense(1, 2)][Softmax]", "4,300,000,000 input values")]
        [InlineData("[Network(SequenceLength = 100000)][Gru(1, 1, ReturnSequences = true)][Dense(1, 43000)][Identity]", "4,300,000,000 output values")]
        [InlineData("[Network(SequenceLength = 100000)][Rnn(21475, 1)][Dense(1, 2)][Softmax]", "2,147,500,000 input values")]
        [InlineData("[Network(SequenceLength = 1000)][Gru(1, 1, ReturnSequences = true)][Dense(1, 2000)][Identity]", "2,000,000 output values")]
        [InlineData("[Network(SequenceLength = 100000)][Lstm(1, 30, ReturnSequences = true)][Dense(30, 1)][Identity]", "units")]
        public void A_size_that_does_not_fit_is_one_error(string attributes, string expected)
        {
            GeneratorHarness.Result result = GeneratorHarness.Run($"using NetGen; {attributes} public partial class Net {{ }}");
            Diagnostic error = Assert.Single(result.GeneratorDiagnostics);
            Assert.Equal("NG0006", error.Id);
            Assert.Contains(expected, error.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        /// <summary>
        /// Networks of many layers generate about 13 KB of C# per layer: more than MaxLayers (512) is one NG0006 at the class,
        /// not tens of megabytes of code and minutes of compilation.
        /// </summary>
        [Fact]
        public void More_layers_than_the_limit_are_one_error()
        {
            string Layers(int count) => "[Network]" + string.Concat(Enumerable.Repeat("[Dense(8, 8)][Relu]", count)) + "[Dense(8, 2)][Softmax]";
            GeneratorHarness.Result result = GeneratorHarness.Run($"using NetGen; {Layers(600)} public partial class Net {{ }}");
            Diagnostic error = Assert.Single(result.GeneratorDiagnostics);
            Assert.Equal("NG0006", error.Id);
            Assert.Contains("would have 601 layers", error.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));

            CSharpCompilation input = GeneratorHarness.Compilation($"using NetGen; {Layers(511)} public partial class Net {{ }}");
            GeneratorHarness.Driver().RunGenerators(input).GetRunResult().Diagnostics.ToList().ForEach(d => Assert.Fail(d.ToString()));
        }

        /// <summary>
        /// Every stackalloc in the generated code has a constant size of at most 16,384 elements, however wide the layers:
        /// a wider buffer is rented instead (a convolution of 400,000 channels put 1.6 MB on a 1 MB stack).
        /// </summary>
        [Theory]
        [InlineData("[Network][Input(1, 1, 1)][Conv2D(1, 400000, 1)][Relu][Flatten][Dense(400000, 2)][Softmax]")]
        [InlineData("[Network][Input(1, 60, 60)][Conv2D(1, 90, 3, Padding = 1)][Relu][MaxPool2D(2)][Flatten][Dense(81000, 2)][Softmax]")]
        [InlineData("[Network][Dense(900000, 3)][Relu][Dense(3, 2)][Softmax]")]
        [InlineData("[Network][Dense(3, 900000)][Relu][Dense(900000, 2)][Softmax]")]
        [InlineData("[Network(Optimizer = Optimizer.Adam)][Dense(200000, 3)][Relu][Dense(3, 2)][Softmax]")]
        [InlineData("[Network(SequenceLength = 3)][Lstm(100000, 4)][Dense(4, 2)][Softmax]")]
        [InlineData("[Network][Dense(3, 100000)][BatchNorm1D(100000)][Relu][Dense(100000, 2)][Softmax]")]
        public void Every_stack_buffer_is_bounded(string attributes)
        {
            CSharpCompilation input = GeneratorHarness.Compilation($"using NetGen; {attributes} public partial class Net {{ }}");
            GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
            Assert.Empty(diagnostics);
            int buffers = 0;
            foreach (SyntaxTree tree in output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)))
            {
                SemanticModel model = output.GetSemanticModel(tree);
                foreach (StackAllocArrayCreationExpressionSyntax alloc in tree.GetRoot().DescendantNodes().OfType<StackAllocArrayCreationExpressionSyntax>())
                {
                    ExpressionSyntax size = Assert.Single(((ArrayTypeSyntax)alloc.Type).RankSpecifiers.Single().Sizes);
                    Optional<object?> value = model.GetConstantValue(size);
                    string where = $"{Path.GetFileName(tree.FilePath)}:{alloc.GetLocation().GetLineSpan().StartLinePosition.Line + 1}: {alloc}";
                    Assert.True(value.HasValue, "not a constant size: " + where);
                    Assert.True(Convert.ToInt64(value.Value, CultureInfo.InvariantCulture) <= 16_384, $"{value.Value} elements: {where}");
                    buffers++;
                }
            }

            _output.WriteLine($"{buffers} stack buffers, each of at most 16,384 elements");
        }

        /// <summary>
        /// Random declarations of extreme sizes (widths and sequence lengths from 1 to 10^6, log-uniform; recurrent,
        /// Dense and image layers): each either gives exactly one NG error and no other diagnostic, or builds with sizes
        /// equal to the ones computed here in 64 bits; the small enough of those are compiled, loaded and run, and their
        /// Predict gives probabilities that sum to 1.
        /// </summary>
        [Fact]
        public void Random_extreme_declarations_build_correctly_or_give_one_error()
        {
            var random = new Random(20261207);
            int errors = 0, built = 0, ran = 0;
            const int Cases = 60;
            for (int k = 0; k < Cases; k++)
            {
                Declaration d = RandomDeclaration(random);
                CSharpCompilation input = GeneratorHarness.Compilation($"using NetGen; {d.Attributes} public partial class Net {{ }}", Probe);
                GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
                Diagnostic[] compileErrors = output.GetDiagnostics().Where(e => e.Severity == DiagnosticSeverity.Error).ToArray();
                Assert.True(compileErrors.Length == 0, $"{d.Attributes}: {string.Join("; ", compileErrors.Take(3))}");
                if (diagnostics.Any(e => e.Severity == DiagnosticSeverity.Error))
                {
                    Assert.True(diagnostics.Length == 1, $"{d.Attributes}: {diagnostics.Length} generator diagnostics: {string.Join("; ", diagnostics)}");
                    errors++;
                    continue;
                }

                built++;
                if (d.Flops > 50_000_000 || d.Parameters > 2_000_000 || d.InputSize > 1_000_000)
                {
                    continue;
                }

                Run(output, d);
                ran++;
            }

            _output.WriteLine($"{Cases} declarations: {errors} with one NG error, {built} built, {ran} of them run");
            Assert.True(errors > 0 && ran > 0, $"the draw should give both outcomes: {errors} errors, {ran} run");
        }

        /// <summary>Compiled beside a built network: its sizes, and a Predict on a random input.</summary>
        private const string Probe = @"
public static class Probe
{
    public static long InputSize => Net.InputSize;
    public static long OutputSize => Net.OutputSize;
    public static float[] Predict(float[] x)
    {
        var y = new float[Net.OutputSize];
        new Net().Predict(x, y);
        return y;
    }
}";

        private static void Run(Compilation compilation, Declaration d)
        {
            using var image = new MemoryStream();
            var emitted = compilation.Emit(image);
            Assert.True(emitted.Success, d.Attributes + ": " + string.Join("; ", emitted.Diagnostics.Take(3)));
            var context = new AssemblyLoadContext("extreme", isCollectible: true);
            try
            {
                image.Position = 0;
                Type probe = context.LoadFromStream(image).GetType("Probe", throwOnError: true)!;
                Assert.Equal(d.InputSize, (long)probe.GetProperty("InputSize")!.GetValue(null)!);
                Assert.Equal(d.OutputSize, (long)probe.GetProperty("OutputSize")!.GetValue(null)!);
                var x = new float[d.InputSize];
                var random = new Random(3);
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (float)random.NextDouble();
                }

                var y = (float[])probe.GetMethod("Predict")!.Invoke(null, new object[] { x })!;
                Assert.True(y.All(float.IsFinite), d.Attributes + ": a non-finite output");
                Assert.InRange(y.Sum(), 0.999 * d.Rows, 1.001 * d.Rows);
            }
            finally
            {
                context.Unload();
            }
        }

        /// <summary>A declaration and the sizes it should have, computed in 64 bits: Rows softmax rows per example.</summary>
        private sealed record Declaration(string Attributes, long InputSize, long OutputSize, long Parameters, long Flops, long Rows);

        private static Declaration RandomDeclaration(Random random)
        {
            int Size(int max) => (int)Math.Min(max, Math.Max(1, Math.Round(Math.Exp(random.NextDouble() * Math.Log(max)))));
            int classes = 2 + random.Next(9);
            while (true)
            {
                switch (random.Next(3))
                {
                    case 0:
                    {
                        int inputs = Size(1_000_000), hidden = Size(1_000_000);
                        long parameters = ((long)inputs * hidden) + hidden + ((long)hidden * classes) + classes;
                        return new($"[Network][Dense({inputs}, {hidden})][Relu][Dense({hidden}, {classes})][Softmax]", inputs, classes, parameters, parameters, 1);
                    }

                    case 1:
                    {
                        int t = Size(100_000), inputs = Size(100_000), hidden = Size(3_000), kindIndex = random.Next(3);
                        string kind = new[] { "Rnn", "Gru", "Lstm" }[kindIndex];
                        int gates = new[] { 1, 3, 4 }[kindIndex];
                        bool sequences = random.Next(2) == 0;
                        long rows = sequences ? t : 1;
                        long parameters = ((long)gates * hidden * (inputs + hidden + 2)) + ((long)hidden * classes) + classes;
                        long flops = ((long)t * gates * hidden * (inputs + hidden)) + (rows * hidden * classes);
                        return new($"[Network(SequenceLength = {t})][{kind}({inputs}, {hidden}{(sequences ? ", ReturnSequences = true" : string.Empty)})][Dense({hidden}, {classes})][Softmax]",
                            (long)t * inputs, rows * classes, parameters, flops, rows);
                    }

                    default:
                    {
                        int c = Size(64), side = Size(1_000), outChannels = Size(100_000);
                        long flat = (long)outChannels * side * side;
                        if (flat > int.MaxValue)
                        {
                            continue; // not a C# int: the compiler's error, not NetGen's
                        }

                        long parameters = ((long)c * outChannels) + outChannels + (flat * classes) + classes;
                        long flops = ((long)side * side * c * outChannels) + (flat * classes);
                        return new($"[Network][Input({c}, {side}, {side})][Conv2D({c}, {outChannels}, 1)][Relu][Flatten][Dense({flat}, {classes})][Softmax]",
                            (long)c * side * side, classes, parameters, flops, 1);
                    }
                }
            }
        }
    }
}
