using System;
using Xunit;

namespace NetGen.Tests.Sequence
{
    /// <summary>Sequences without recurrence: the backward pass against central differences of the mean loss (double), the same weights at every step, dropout per step.</summary>
    public class SequenceTests
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
            Array.Copy(x, 2 * 4, shifted, 0, 4);
            var z = new double[PerStepClassifier.OutputSize];
            net.Predict(shifted, z);
            Assert.Equal(y[6..9], z[0..3]);
            Assert.Equal(1.0, y[6] + y[7] + y[8], 12);
        }

        /// <summary>
        /// Dropout per step: Predict is evaluation mode (the network without it, same parameters), and Train learns a rule that
        /// holds at every step (label 1 where the step's first value is positive).
        /// </summary>
        [Fact]
        public void Dropout_at_every_step_is_off_in_predict_and_trains()
        {
            var net = new PerStepDropout();
            var plain = new PerStepNoDropout();
            net.InitializeParameters(1);
            net.Parameters.CopyTo(plain.Parameters);
            float[] x = TestData.Floats(PerStepDropout.InputSize, 53, 1.5f);
            var y = new float[PerStepDropout.OutputSize];
            var z = new float[PerStepDropout.OutputSize];
            net.Predict(x, y);
            plain.Predict(x, z);
            Assert.Equal(z, y);

            const int n = 256;
            float[] inputs = TestData.Floats(n * PerStepDropout.InputSize, 55, 1.5f);
            var labels = new int[n * 6];
            for (int i = 0; i < labels.Length; i++)
            {
                labels[i] = inputs[i * 3] > 0 ? 1 : 0;
            }

            float before = net.Loss(inputs.AsSpan(0, PerStepDropout.InputSize), labels.AsSpan(0, 6));
            for (int epoch = 0; epoch < 200; epoch++)
            {
                net.Train(inputs, labels, 0.1f);
            }

            var classes = new int[6];
            int correct = 0;
            for (int e = 0; e < n; e++)
            {
                net.Classify(inputs.AsSpan(e * PerStepDropout.InputSize, PerStepDropout.InputSize), classes);
                for (int t = 0; t < 6; t++)
                {
                    correct += classes[t] == labels[(e * 6) + t] ? 1 : 0;
                }
            }

            Assert.True(correct > 0.95 * n * 6, $"{correct} of {n * 6} steps right (loss of example 0 before: {before})");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void The_mean_over_the_steps(int batch)
        {
            var net = new MeanPooled();
            double[] x = TestData.Doubles(batch * MeanPooled.InputSize, 57, 1.5);
            int[] y = TestData.Labels(batch, 2, 59);
            CentralDifferences.Check(nameof(MeanPooled), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void The_mean_of_an_lstms_hidden_states(int batch)
        {
            var net = new LstmMeanPooled();
            double[] x = TestData.Doubles(batch * LstmMeanPooled.InputSize, 61, 1.5);
            int[] y = TestData.Labels(batch, 3, 63);
            CentralDifferences.Check(nameof(LstmMeanPooled), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        /// <summary>The mean does not depend on the order of the steps, and the output is one vector per example.</summary>
        [Fact]
        public void The_mean_ignores_the_order_of_the_steps()
        {
            Assert.Equal(2, MeanPooled.OutputSize);
            var net = new MeanPooled();
            net.InitializeParameters(5);
            double[] x = TestData.Doubles(MeanPooled.InputSize, 65, 1.5);
            double[] reversed = new double[x.Length];
            for (int t = 0; t < 4; t++)
            {
                Array.Copy(x, t * 3, reversed, (3 - t) * 3, 3);
            }

            var y = new double[2];
            var z = new double[2];
            net.Predict(x, y);
            net.Predict(reversed, z);
            Assert.Equal(y[0], z[0], 14);
            Assert.Equal(y[1], z[1], 14);
        }
    }
}
