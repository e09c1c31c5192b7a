using Xunit;

namespace NetGen.Tests.Sequence
{
    /// <summary>Sequences without recurrence: the backward pass against central differences of the mean loss, in double.</summary>
    public class SequenceGradientTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void Dense_gelu_and_layer_normalization_at_every_step(int batch)
        {
            var net = new PerStepDense();
            double[] x = TestData.Doubles(batch * PerStepDense.InputSize, 43, 1.5);
            double[] t = TestData.Doubles(batch * PerStepDense.OutputSize, 45, 1.0);
            CentralDifferences.Check(nameof(PerStepDense), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void A_label_per_step(int batch)
        {
            var net = new PerStepClassifier();
            double[] x = TestData.Doubles(batch * PerStepClassifier.InputSize, 47, 1.5);
            int[] y = TestData.Labels(batch * 5, 3, 49);
            CentralDifferences.Check(nameof(PerStepClassifier), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        /// <summary>The input is T steps of F values, row-major; every step is read by the same Dense weights.</summary>
        [Fact]
        public void Each_step_is_predicted_with_the_same_weights()
        {
            Assert.Equal(5 * 4, PerStepClassifier.InputSize);
            Assert.Equal(5 * 3, PerStepClassifier.OutputSize);
            var net = new PerStepClassifier();
            net.InitializeParameters(3);
            double[] x = TestData.Doubles(PerStepClassifier.InputSize, 51, 1.5);
            var y = new double[PerStepClassifier.OutputSize];
            net.Predict(x, y);

            // Step 2 alone, placed at step 0 of another example, gives the same probabilities.
            var shifted = new double[PerStepClassifier.InputSize];
            System.Array.Copy(x, 2 * 4, shifted, 0, 4);
            var z = new double[PerStepClassifier.OutputSize];
            net.Predict(shifted, z);
            Assert.Equal(y[6..9], z[0..3]);
            Assert.Equal(1.0, y[6] + y[7] + y[8], 12);
        }
    }
}
