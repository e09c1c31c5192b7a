using System;
using Xunit;

namespace NetGen.Tests.Convolution
{
    /// <summary>
    /// The backward pass of every image layer (Conv2D with padding, stride 2 and several channels, MaxPool2D overlapping
    /// or not, Flatten, Dropout with its mask held fixed by the step) against central differences of the mean loss over
    /// every parameter, in double precision, at batch 1 and a larger batch.
    /// </summary>
    public class ConvolutionGradientTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void Odd_sizes_padding_overlapping_pool_and_stride_2(int batch)
        {
            var net = new ConvOdd();
            double[] x = TestData.Doubles(batch * ConvOdd.InputSize, 11, 1.5);
            int[] y = TestData.Labels(batch, ConvOdd.OutputSize, 13);
            Check(nameof(ConvOdd), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void Stride_2_with_padding_and_a_sigmoid_head(int batch)
        {
            var net = new ConvStride();
            double[] x = TestData.Doubles(batch * ConvStride.InputSize, 21, 1.5);
            double[] t = TestData.Doubles(batch * ConvStride.OutputSize, 23, 0.5);
            for (int i = 0; i < t.Length; i++)
            {
                t[i] = t[i] + 0.5;
            }

            Check(nameof(ConvStride), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Two_convolutions_to_one_pixel_regression(int batch)
        {
            var net = new ConvRegression();
            double[] x = TestData.Doubles(batch * ConvRegression.InputSize, 31, 1.5);
            double[] t = TestData.Doubles(batch * ConvRegression.OutputSize, 33, 1.0);
            Check(nameof(ConvRegression), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void Pool_as_the_first_layer_then_dropout_after_dense(int batch)
        {
            var net = new PoolFirst();
            double[] x = TestData.Doubles(batch * PoolFirst.InputSize, 41, 1.5);
            int[] y = TestData.Labels(batch, PoolFirst.OutputSize, 43);
            Check(nameof(PoolFirst), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        public void Dropout_on_an_image_and_on_a_dense_layer(int batch)
        {
            var net = new ConvDropout();
            double[] x = TestData.Doubles(batch * ConvDropout.InputSize, 51, 1.5);
            int[] y = TestData.Labels(batch, ConvDropout.OutputSize, 53);
            Check(nameof(ConvDropout), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Fact]
        public void LeNet5_first_and_last_parameters_of_every_tensor()
        {
            // All 61,706 parameters would take minutes; a sample of each tensor (its first and last values and a stride
            // through it) covers every layer's backward pass.
            var net = new LeNet5Double();
            double[] x = TestData.Doubles(2 * LeNet5Double.InputSize, 61, 1.0);
            int[] y = TestData.Labels(2, LeNet5Double.OutputSize, 63);
            Check(nameof(LeNet5Double), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g), stride: 97);
        }

        private static void Check(string name, Action<int> initialize, CentralDifferences.ParametersOf parameters, CentralDifferences.GradientOf gradient, int stride = 1) =>
            CentralDifferences.Check(name, initialize, parameters, gradient, stride);
    }
}
