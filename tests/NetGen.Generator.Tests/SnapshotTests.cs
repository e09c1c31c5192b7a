using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>The generated source for representative declarations, reviewed and committed; each must also compile cleanly.</summary>
    public class SnapshotTests
    {
        public static TheoryData<string, string> Declarations() => new()
        {
            {
                "MnistNet",
                """
                using NetGen;
                namespace Samples;

                [Network]
                [Dense(784, 128)][Relu]
                [Dense(128, 64)][Relu]
                [Dense(64, 10)][Softmax]
                public partial class MnistNet { }
                """
            },
            {
                "DoublePrecision",
                """
                using NetGen;
                namespace Samples
                {
                    [Network(Precision = Precision.Double)]
                    [Dense(4, 16)][Tanh]
                    [Dense(16, 3)][Softmax]
                    internal partial class DoubleNet { }
                }
                """
            },
            {
                "EveryActivation",
                """
                using NetGen;

                [Network]
                [Dense(8, 16)][Relu]
                [Dense(16, 16)][LeakyRelu]
                [Dense(16, 12)][LeakyRelu(0.2)]
                [Dense(12, 8)][Sigmoid]
                [Dense(8, 4)][Tanh]
                [Dense(4, 3)][Softmax]
                public partial class EveryActivation { }
                """
            },
            {
                "RowLstm",
                """
                using NetGen;
                namespace Samples;

                [Network(SequenceLength = 28)]
                [Lstm(28, 128)]
                [Dense(128, 10)][Softmax]
                public partial class RowLstm { }
                """
            },
            {
                "StackedSequences",
                """
                using NetGen;
                namespace Samples;

                [Network(SequenceLength = 10, Precision = Precision.Double, Checkpointing = true)]
                [Gru(3, 8, ReturnSequences = true)]
                [Rnn(8, 6, ReturnSequences = true)]
                [Dense(6, 2)][Identity]
                public partial class StackedSequences { }
                """
            },
            {
                "LeNet5",
                """
                using NetGen;
                namespace Samples;

                [Network(Optimizer = Optimizer.Adam)]
                [Input(1, 28, 28)]
                [Conv2D(1, 6, 5, Padding = 2)][Relu][MaxPool2D(2)]
                [Conv2D(6, 16, 5)][Relu][MaxPool2D(2)]
                [Flatten]
                [Dense(400, 120)][Relu][Dropout(0.5)]
                [Dense(120, 84)][Relu]
                [Dense(84, 10)][Softmax]
                public partial class LeNet5 { }
                """
            },
            {
                "Odd3x5x2",
                """
                using NetGen;
                namespace Odd;
                [Network, Dense(3, 5), Relu, Dense(5, 2), Softmax]
                public partial class Net352 { }
                """
            },
            {
                "Odd1x1x1",
                """
                using NetGen;
                namespace Odd;
                [Network][Dense(1, 1)][Sigmoid][Dense(1, 1)][Softmax]
                public partial class Net111 { }
                """
            },
            {
                "Odd17x33x9Nested",
                """
                using NetGen;
                namespace Odd;
                public static partial class Container
                {
                    [Network]
                    [Dense(17, 33)][Tanh]
                    [Dense(33, 9)][Softmax]
                    internal sealed partial class Net17 { }
                }
                """
            },
            {
                "SmallResNet",
                """
                using NetGen;
                namespace Samples;

                [Block]
                [Conv2D(8, 8, 3, Padding = 1, Bias = false)][BatchNorm2D(8)][Relu]
                [Conv2D(8, 8, 3, Padding = 1, Bias = false)][BatchNorm2D(8)]
                public sealed class Basic { }

                [Block]
                [Conv2D(8, 16, 1, Stride = 2, Bias = false)][BatchNorm2D(16)]
                public sealed class Projection { }

                [Block]
                [Conv2D(8, 16, 3, Stride = 2, Padding = 1, Bias = false)][BatchNorm2D(16)][Relu]
                [Conv2D(16, 16, 3, Padding = 1, Bias = false)][BatchNorm2D(16)]
                public sealed class Down { }

                [Network(Optimizer = Optimizer.Momentum)]
                [Input(1, 12, 12)]
                [Conv2D(1, 8, 3, Padding = 1, Bias = false)][BatchNorm2D(8)][Relu]
                [Residual(typeof(Basic))][Relu]
                [Residual(typeof(Down), Shortcut = typeof(Projection))][Relu]
                [AvgPool2D(2)]
                [GlobalAvgPool2D]
                [Dense(16, 10)][Softmax]
                public partial class SmallResNet { }
                """
            },
            {
                "Norms",
                """
                using NetGen;
                namespace Samples;

                [Block]
                [LayerNorm(12)][Dense(12, 12)][Tanh]
                public sealed class PreNorm { }

                [Network(Precision = Precision.Double, Optimizer = Optimizer.AdamW)]
                [Dense(6, 12)][BatchNorm1D(12)][Relu]
                [Residual(typeof(PreNorm))]
                [Dense(12, 3)][Identity]
                public partial class Norms { }
                """
            },
            {
                "CausalConvolutions",
                """
                using NetGen;
                namespace Samples;

                [Network(SequenceLength = 16)]
                [Conv1D(2, 8, 3, Causal = true)][Relu]
                [Conv1D(8, 8, 3, Causal = true, Dilation = 2)][Tanh]
                [Conv1D(8, 6, 1)][Relu]
                [Dense(6, 4)][Softmax]
                public partial class CausalConvolutions { }
                """
            },
        };

        [Theory]
        [MemberData(nameof(Declarations))]
        public void Generated_source_matches_snapshot_and_compiles_cleanly(string name, string source)
        {
            GeneratorHarness.Result result = GeneratorHarness.Run(source);
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Empty(result.CompilationDiagnostics);
            // One file per part of the code, each with its own snapshot: the main one (the lecture) carries the attribute.
            (string main, _) = Assert.Single(result.Networks);
            Assert.Equal(1 + GeneratorHarness.Parts.Length, result.Sources.Length);
            foreach ((string hint, string generated) in result.Sources)
            {
                Assert.EndsWith(".g.cs", hint);
                Assert.StartsWith("// <auto-generated/>", generated.TrimStart('\uFEFF'));
                Assert.Contains("#nullable enable", generated);
                Assert.Equal(hint == main, generated.Contains("[global::System.CodeDom.Compiler.GeneratedCode(\"NetGen.Generator\"", StringComparison.Ordinal));
                string part = hint == main ? string.Empty : "." + hint.Substring(main.Length - ".g.cs".Length + 1, hint.Length - main.Length - 1);
                Snapshot.Verify(generated, "SnapshotTests." + name + part);
            }

            // And again, with a file added that the network does not read: every step and output comes from the cache.
            GeneratorHarness.AssertCachedOnRerun(source);
        }

        [Fact]
        public void Output_is_identical_across_runs_and_cultures()
        {
            string source = Declarations().Select(row => (string)row[1]).Skip(2).First();
            CultureInfo original = Thread.CurrentThread.CurrentCulture;
            try
            {
                Thread.CurrentThread.CurrentCulture = CultureInfo.InvariantCulture;
                string first = GeneratorHarness.Run(source).Networks.Single().Source;
                Thread.CurrentThread.CurrentCulture = new CultureInfo("de-DE");
                string second = GeneratorHarness.Run(source).Networks.Single().Source;
                Thread.CurrentThread.CurrentCulture = new CultureInfo("ar-SA");
                string third = GeneratorHarness.Run(source).Networks.Single().Source;
                Assert.Equal(first, second);
                Assert.Equal(first, third);
                Assert.Contains("0.2f", first); // the LeakyReLU slope as an invariant literal
            }
            finally
            {
                Thread.CurrentThread.CurrentCulture = original;
            }
        }

        [Fact]
        public void Several_networks_in_one_file_and_same_name_in_two_namespaces_get_one_file_each()
        {
            GeneratorHarness.Result result = GeneratorHarness.Run(
                """
                using NetGen;
                namespace A { [Network][Dense(2, 3)][Softmax] public partial class Net { } }
                namespace B { [Network][Dense(4, 2)][Softmax] public partial class Net { } [Network][Dense(4, 2)][Relu][Dense(2, 2)][Softmax] partial class Other { } }
                [Network][Dense(5, 2)][Softmax] partial class GlobalNet { }
                """);
            Assert.Empty(result.CompilationDiagnostics);
            Assert.Equal(new[] { "A.Net.g.cs", "B.Net.g.cs", "B.Other.g.cs", "GlobalNet.g.cs" }, result.Networks.Select(s => s.HintName).OrderBy(s => s, System.StringComparer.Ordinal));
        }
    }
}
