using System;
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

            // No network code for a broken declaration, only the stub of its public surface: one precise error, not a cascade.
            Assert.Contains("This stub declares the public members", Assert.Single(result.Networks).Source, System.StringComparison.Ordinal);
            Assert.Empty(result.CompilationDiagnostics);
        }

        [Theory]
        [InlineData("[Network][Dense(784, 128)][Relu][Dense(64, 10)][Softmax]", "NG0004")]   // sizes that do not chain
        [InlineData("[Network][Dense(784, 0)][Relu][Dense(0, 10)][Softmax]", "NG0005")]      // a size that is not positive
        [InlineData("[Network][Dense(784, 10)]", "NG0010")]                                  // no head
        [InlineData("[Network(Optimizer = (Optimizer)99)][Dense(784, 10)][Softmax]", "NG0017")]          // an undefined optimizer
        public void A_declaration_error_is_the_only_error_in_a_consumer_program(string attributes, string id)
        {
            // A small program using the network the way the README does, and generic code through its interface.
            string source = $$"""
                using System;
                using NetGen;
                using NetGen.Data;
                using NetGen.Training;
                {{attributes}}
                public partial class Net { }

                public static class Program
                {
                    public static void Main()
                    {
                        var net = new Net();
                        var image = new float[Net.InputSize];
                        var probabilities = new float[Net.OutputSize];
                        float loss = net.Train(image, 3, 0.01f);
                        net.Predict(image, probabilities);
                        int digit = net.Classify(image);
                        Console.WriteLine($"{loss} {digit} {Net.ParameterCount} {net.StepCount} {Net.Summary}");
                        net.Save("mnist.safetensors");
                        TrainingResult result = Trainer.Fit(net, new Dataset(new float[Net.InputSize], new[] { 0 }, Net.InputSize, 1), new TrainerOptions());
                    }
                }
                """;
            GeneratorHarness.Result result = GeneratorHarness.Run(source);

            Assert.Equal(new[] { id }, result.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct());
            Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        [Theory]
        [InlineData(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3)]
        [InlineData(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp8)]
        public void A_language_version_too_old_for_the_generated_code_is_one_NG0022_per_network_and_nothing_else(Microsoft.CodeAnalysis.CSharp.LanguageVersion version)
        {
            const string source = """
                using NetGen;
                namespace Old
                {
                    [Network][Dense(784, 128)][Relu][Dense(128, 10)][Softmax] public partial class Mnist { }
                    [Network(Precision = Precision.Double, Optimizer = Optimizer.Adam)][Dense(3, 5)][Tanh][Dense(5, 2)][Sigmoid] public partial class Tags { }
                }
                """;
            GeneratorHarness.Result result = GeneratorHarness.Run(version, source);

            Assert.Equal(new[] { "NG0022", "NG0022" }, result.GeneratorDiagnostics.Select(d => d.Id));
            Assert.Empty(result.Networks);
            Assert.Empty(result.CompilationDiagnostics);
        }

        [Fact]
        public void CSharp_9_compiles_the_generated_code()
        {
            const string source = """
                using NetGen;
                namespace Nine
                {
                    [Network][Dense(784, 128)][Relu][Dense(128, 10)][Softmax] public partial class Mnist { }
                    [Network(Precision = Precision.Double, Optimizer = Optimizer.Adam)][Dense(3, 5)][LeakyRelu][Dense(5, 2)][Sigmoid] public partial class Tags { }
                    [Network(Optimizer = Optimizer.Nesterov)][Dense(3, 5)][Tanh][Dense(5, 2)][Identity] public partial class Fit { }
                    [Network(SequenceLength = 4)][Lstm(3, 8, ReturnSequences = true)][Gru(8, 4, ReturnSequences = true)][Rnn(4, 4)][Dense(4, 2)][Softmax] public partial class Seq { }
                }
                """;
            GeneratorHarness.Result result = GeneratorHarness.Run(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp9, source);

            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Equal(4, result.Networks.Length);
            Assert.Empty(result.CompilationDiagnostics);
        }
    }
}
