using System.Linq;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>GELU and SiLU in float run on the vectorized float kernels; in double, on the runtime's scalar functions.</summary>
    public class SmoothActivationKernelTests
    {
        [Theory]
        [InlineData("Gelu")]
        [InlineData("Silu")]
        public void Float_networks_vectorize_gelu_and_silu_on_the_float_exp(string activation)
        {
            string source = Generate(activation, "");
            Assert.Contains($"internal static Vector512<float> {activation}F(Vector512<float> z)", source);
            Assert.Contains($"internal static Vector512<float> {activation}BackwardF(Vector512<float> d, Vector512<float> z)", source);
            Assert.Contains($"{activation}F(z).StoreUnsafe(ref y, i", source);
            Assert.DoesNotContain($"SmoothActivations.{activation}", source);
        }

        [Theory]
        [InlineData("Gelu")]
        [InlineData("Silu")]
        public void Double_networks_call_the_runtime(string activation)
        {
            string source = Generate(activation, "(Precision = Precision.Double)");
            Assert.Contains($"global::NetGen.Runtime.SmoothActivations.{activation}(z)", source);
            Assert.DoesNotContain($"{activation}F(", source);
        }

        [Fact]
        public void A_streamed_activation_computes_one_step_not_the_whole_sequence()
        {
            GeneratorHarness.Result result = GeneratorHarness.Run(
                "using NetGen; [Network(SequenceLength = 50)][Conv1D(3, 40, 2, Causal = true)][Gelu][Dense(40, 2)][Softmax] public partial class Net { }");
            Assert.Empty(result.CompilationDiagnostics);
            string source = result.Networks.Single().Source;
            Assert.Contains("Layer1ForwardRow(ref p, ref x1, ref", source);
            Assert.Contains("Kernels.GeluApply40(ref x, ref a);", source);
            Assert.DoesNotContain("Layer1Forward(ref p, ref x1", source);
        }

        private static string Generate(string activation, string options)
        {
            GeneratorHarness.Result result = GeneratorHarness.Run(
                $"using NetGen; [Network{options}][Dense(45, 45)][{activation}][Dense(45, 3)][Softmax] public partial class Net {{ }}");
            Assert.Empty(result.CompilationDiagnostics);
            return result.Networks.Single().Source;
        }
    }
}
