using System;
using Xunit;

namespace NetGen.Tests.Graph
{
    /// <summary>
    /// The backward pass of the graph's kinds against central differences of the mean loss over every parameter, in
    /// double: residuals (identity and projected shortcuts, nested, a block used twice), batch normalization in training
    /// mode (the statistics are the mini-batch's, so the loss depends on them too), layer normalization, average pooling,
    /// global average pooling and an activation that is a layer of its own; at batch 1 where the network allows it and at
    /// larger batches.
    /// </summary>
    public class GraphGradientTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Residual_over_dense_layers(int batch)
        {
            var net = new ResidualDense();
            double[] x = TestData.Doubles(batch * ResidualDense.InputSize, 3, 1.5);
            int[] y = TestData.Labels(batch, ResidualDense.OutputSize, 5);
            CentralDifferences.Check(nameof(ResidualDense), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        [InlineData(40)] // 2 parts of 20 examples: their gradients are computed apart and added
        public void Small_resnet_with_batch_normalization_and_a_projected_shortcut(int batch)
        {
            var net = new TinyResNet();
            double[] x = TestData.Doubles(batch * TinyResNet.InputSize, 7, 1.5);
            int[] y = TestData.Labels(batch, TinyResNet.OutputSize, 9);
            CentralDifferences.Check(nameof(TinyResNet), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g), epsilon: 1e-7);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Nested_residuals_and_a_block_used_twice(int batch)
        {
            var net = new NestedResidual();
            double[] x = TestData.Doubles(batch * NestedResidual.InputSize, 11, 1.5);
            double[] t = TestData.Doubles(batch * NestedResidual.OutputSize, 13, 1.0);
            CentralDifferences.Check(nameof(NestedResidual), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        [Theory]
        [InlineData(2)]
        [InlineData(7)]
        public void Batch_normalization_of_features_then_layer_normalization(int batch)
        {
            var net = new Norms1D();
            double[] x = TestData.Doubles(batch * Norms1D.InputSize, 15, 1.5);
            double[] t = TestData.Doubles(batch * Norms1D.OutputSize, 17, 1.0);
            CentralDifferences.Check(nameof(Norms1D), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Layer_normalization_with_its_own_epsilon(int batch)
        {
            var net = new LayerNormNet();
            double[] x = TestData.Doubles(batch * LayerNormNet.InputSize, 19, 1.5);
            int[] y = TestData.Labels(batch, LayerNormNet.OutputSize, 21);
            CentralDifferences.Check(nameof(LayerNormNet), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Average_pools_and_an_activation_after_a_pool(int batch)
        {
            var net = new Pools();
            double[] x = TestData.Doubles(batch * Pools.InputSize, 23, 1.5);
            double[] t = TestData.Doubles(batch * Pools.OutputSize, 25, 0.5);
            for (int i = 0; i < t.Length; i++)
            {
                t[i] += 0.5;
            }

            CentralDifferences.Check(nameof(Pools), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Batch_normalization_of_the_input(int batch)
        {
            var net = new InputNorm();
            double[] x = TestData.Doubles(batch * InputNorm.InputSize, 27, 1.5);
            int[] y = TestData.Labels(batch, InputNorm.OutputSize, 29);
            CentralDifferences.Check(nameof(InputNorm), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Gelu_and_silu_after_a_dense_layer_and_a_residual(int batch)
        {
            var net = new SmoothNet();
            double[] x = TestData.Doubles(batch * SmoothNet.InputSize, 31, 1.5);
            int[] y = TestData.Labels(batch, SmoothNet.OutputSize, 33);
            CentralDifferences.Check(nameof(SmoothNet), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void Gelu_after_a_convolution(int batch)
        {
            var net = new SmoothConv();
            double[] x = TestData.Doubles(batch * SmoothConv.InputSize, 35, 1.5);
            int[] y = TestData.Labels(batch, SmoothConv.OutputSize, 37);
            CentralDifferences.Check(nameof(SmoothConv), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void Silu_at_every_step_of_a_sequence(int batch)
        {
            var net = new SmoothSequence();
            double[] x = TestData.Doubles(batch * SmoothSequence.InputSize, 39, 1.5);
            double[] t = TestData.Doubles(batch * SmoothSequence.OutputSize, 41, 1.0);
            CentralDifferences.Check(nameof(SmoothSequence), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }
    }
}
