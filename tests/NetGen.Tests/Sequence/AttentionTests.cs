using System;
using System.Linq;
using Xunit;

namespace NetGen.Tests.Sequence
{
    /// <summary>
    /// [MultiHeadAttention]: the backward pass against central differences of the mean loss (double), with and without the
    /// causal mask, first or after other layers, in a transformer block; the mask itself; the order of the steps; the
    /// memory stored per example; no allocation.
    /// </summary>
    public class AttentionTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Attention_with_an_output_per_step(int batch)
        {
            var net = new AttentionPerStep();
            double[] x = TestData.Doubles(batch * AttentionPerStep.InputSize, 111, 1.5);
            double[] t = TestData.Doubles(batch * AttentionPerStep.OutputSize, 113, 1.0);
            CentralDifferences.Check(nameof(AttentionPerStep), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        public void Causal_attention_and_the_mean(int batch)
        {
            var net = new CausalAttentionClassifier();
            double[] x = TestData.Doubles(batch * CausalAttentionClassifier.InputSize, 115, 1.5);
            int[] y = TestData.Labels(batch, 3, 117);
            CentralDifferences.Check(nameof(CausalAttentionClassifier), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Attention_as_the_first_layer(int batch)
        {
            var net = new AttentionFirst();
            double[] x = TestData.Doubles(batch * AttentionFirst.InputSize, 119, 1.5);
            double[] t = TestData.Doubles(batch * AttentionFirst.OutputSize, 121, 1.0);
            CentralDifferences.Check(nameof(AttentionFirst), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void A_transformer_block(int batch)
        {
            var net = new TinyTransformer();
            double[] x = TestData.Doubles(batch * TinyTransformer.InputSize, 123, 1.5);
            int[] y = TestData.Labels(batch * 5, 3, 125);
            CentralDifferences.Check(nameof(TinyTransformer), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void An_encoder_with_positions(int batch)
        {
            var net = new PositionedEncoder();
            double[] x = TestData.Doubles(batch * PositionedEncoder.InputSize, 135, 1.5);
            int[] y = TestData.Labels(batch, 3, 137);
            CentralDifferences.Check(nameof(PositionedEncoder), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void Positions_on_the_input(int batch)
        {
            var net = new PositionFirst();
            double[] x = TestData.Doubles(batch * PositionFirst.InputSize, 139, 1.5);
            double[] t = TestData.Doubles(batch * PositionFirst.OutputSize, 141, 1.0);
            CentralDifferences.Check(nameof(PositionFirst), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        /// <summary>The table is added at its own step: the same input at two steps gives the outputs its two rows of positions give.</summary>
        [Fact]
        public void Each_step_gets_its_own_row_of_positions()
        {
            var net = new PositionFirst();
            net.InitializeParameters(21);
            Assert.Equal(4 * 3, net.Layer0Positions.Length);
            double[] table = net.Layer0Positions.ToArray();
            Assert.Contains(table, v => v != 0);
            Assert.True(Math.Abs(table.Average()) < 0.05 && table.Max(Math.Abs) < 0.1, "N(0, 0.02²)");
            var x = new double[PositionFirst.InputSize];
            var y = new double[PositionFirst.OutputSize];
            net.Predict(x, y);
            var zeroTable = new PositionFirst();
            net.Parameters.CopyTo(zeroTable.Parameters);
            zeroTable.Layer0Positions.Clear();
            for (int t = 0; t < 4; t++)
            {
                var shifted = new double[PositionFirst.InputSize];
                Array.Copy(table, t * 3, shifted, t * 3, 3);
                var z = new double[PositionFirst.OutputSize];
                zeroTable.Predict(shifted, z);
                Assert.Equal(y[(t * 2)..((t + 1) * 2)], z[(t * 2)..((t + 1) * 2)]);
            }
        }

        /// <summary>Causal: changing step s changes no output before s. Not causal: it changes the outputs of every step.</summary>
        [Fact]
        public void The_causal_mask_hides_the_future_and_only_it()
        {
            var causal = new TinyTransformer();
            causal.InitializeParameters(17);
            var open = new AttentionPerStep();
            open.InitializeParameters(17);
            double[] x = TestData.Doubles(TinyTransformer.InputSize, 127, 1.5);
            var y = new double[TinyTransformer.OutputSize];
            causal.Predict(x, y);
            var u = new double[AttentionPerStep.OutputSize];
            open.Predict(x, u);
            for (int s = 0; s < 5; s++)
            {
                double[] changed = (double[])x.Clone();
                changed[(s * 3) + 2] += 1.0;
                var z = new double[TinyTransformer.OutputSize];
                causal.Predict(changed, z);
                Assert.Equal(y[..(s * 3)], z[..(s * 3)]);
                Assert.NotEqual(y[(s * 3)..((s + 1) * 3)], z[(s * 3)..((s + 1) * 3)]);
                var v = new double[AttentionPerStep.OutputSize];
                open.Predict(changed, v);
                Assert.NotEqual(u[0], v[0]);
            }
        }

        /// <summary>Without a mask or positions, attention is equivariant: permuting the steps permutes the outputs.</summary>
        [Fact]
        public void Attention_without_positions_permutes_with_the_steps()
        {
            var net = new AttentionPerStep();
            net.InitializeParameters(19);
            double[] x = TestData.Doubles(AttentionPerStep.InputSize, 129, 1.5);
            int[] order = { 3, 0, 4, 1, 2 };
            var permuted = new double[x.Length];
            for (int t = 0; t < 5; t++)
            {
                Array.Copy(x, order[t] * 3, permuted, t * 3, 3);
            }

            var y = new double[AttentionPerStep.OutputSize];
            var z = new double[AttentionPerStep.OutputSize];
            net.Predict(x, y);
            net.Predict(permuted, z);
            for (int t = 0; t < 5; t++)
            {
                for (int k = 0; k < 2; k++)
                {
                    Assert.Equal(y[(order[t] * 2) + k], z[(t * 2) + k], 12);
                }
            }
        }

        /// <summary>Training stores the heads' T × T probabilities: the count the header states.</summary>
        [Fact]
        public void Training_stores_the_probabilities_of_every_head()
        {
            // Dense(3, 8): 8 per step; attention: output, q, k, v and o (5 × 8) and 4 heads × 6 probabilities per step;
            // tanh is fused into the Dense layer; the mean: 8; Dense(8, 3): 3.
            long values = (6 * 8) + (6 * ((5 * 8) + (4 * 6))) + 8 + 3;
            Assert.Equal(CausalAttentionClassifier.ActivationBytesPerExample, values * sizeof(double));
        }

        [Fact]
        public void Predicting_and_training_allocate_nothing()
        {
            var net = new TinyTransformerFloat();
            net.InitializeParameters(3);
            float[] x = TestData.Floats(4 * TinyTransformerFloat.InputSize, 131, 1.5f);
            int[] labels = TestData.Labels(4 * 5, 3, 133);
            var y = new float[4 * TinyTransformerFloat.OutputSize];
            void Round()
            {
                net.PredictBatch(x, y);
                net.Train(x, labels, 0.01f);
            }

            Round();
            Allocations.AssertNone(Round, "PredictBatch and Train of a transformer block");
        }
    }
}
