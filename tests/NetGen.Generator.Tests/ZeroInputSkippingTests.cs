using System.Linq;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>Which first layers skip the zero parts of their input: 64 to 4,096 inputs (the lists live on the stack).</summary>
    public class ZeroInputSkippingTests
    {
        [Theory]
        [InlineData(63, false)]
        [InlineData(64, true)]
        [InlineData(4096, true)]
        [InlineData(4097, false)]
        public void The_first_layer_skips_zero_inputs_from_64_to_4096_inputs(int inputs, bool skips)
        {
            GeneratorHarness.Result result = GeneratorHarness.Run(
                $"using NetGen; [Network][Dense({inputs}, 8)][Relu][Dense(8, 128)][Relu][Dense(128, 2)][Softmax] public partial class Net {{ }}");
            Assert.Empty(result.CompilationDiagnostics);
            string source = result.Networks.Single().Source;
            Assert.Equal(skips, source.Contains($"DotRowsSparse{inputs}(ref w, ref x, ref a, 8);"));
            Assert.Equal(skips, source.Contains($"NonzeroRows{inputs}("));
            Assert.Equal(skips, source.Contains($"AxpyChunks{inputs}("));
            Assert.Equal(skips, source.Contains($"GemmSparse8x{inputs}("));
            Assert.Equal(skips, source.Contains($"NonzeroColumns{inputs}("));

            // Never a later layer, even one as wide (its input is the previous layer's output).
            Assert.DoesNotContain("DotRowsSparse128", source);
        }
    }
}
