using System.Diagnostics;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Generator.Tests
{
    /// <summary>What the generator costs a build: 20 MNIST-sized networks, timed (printed, never asserted).</summary>
    public class GeneratorCostTests
    {
        private readonly ITestOutputHelper _output;

        public GeneratorCostTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Time_20_mnist_sized_networks()
        {
            const int networks = 20;
            const int runs = 10;
            var source = new StringBuilder("using NetGen;\nnamespace Bench;\n");
            for (int i = 0; i < networks; i++)
            {
                source.AppendLine($"[Network][Dense(784, 128)][Relu][Dense(128, 64)][Relu][Dense(64, 10)][Softmax] public partial class Mnist{i} {{ }}");
            }

            CSharpCompilation compilation = GeneratorHarness.Compilation(source.ToString());
            GeneratorDriver warm = GeneratorHarness.Driver().RunGenerators(compilation);
            Assert.Equal(networks * (1 + GeneratorHarness.Parts.Length), warm.GetRunResult().GeneratedTrees.Length);

            var stopwatch = Stopwatch.StartNew();
            for (int r = 0; r < runs; r++)
            {
                // A fresh driver each time: a full (not incremental) generation, as on a clean build.
                GeneratorDriverRunResult result = GeneratorHarness.Driver().RunGenerators(compilation).GetRunResult();
                Assert.Equal(networks * (1 + GeneratorHarness.Parts.Length), result.GeneratedTrees.Length);
            }

            double msPerRun = stopwatch.Elapsed.TotalMilliseconds / runs;
            _output.WriteLine($"{networks} networks 784-128-64-10: {msPerRun:F1} ms per full run, {msPerRun / networks:F2} ms per network (mean of {runs} runs after a warm-up)");
        }
    }
}
