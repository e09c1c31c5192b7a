using System;
using System.Collections.Generic;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// The first layer skips the parts of its input that are all zero (vector-sized chunks in Predict and the batch-1
    /// update, inputs that are zero in a whole block of examples in the batched forward pass). These tests feed inputs
    /// shaped like images (a region of ink on a zero background), and the edge cases of that skipping, against
    /// <see cref="ReferenceNet"/> and against the dense kernels.
    /// </summary>
    public class SparseInputTests
    {
        private const int Inputs = 784;
        private const int Classes = 10;

        /// <summary>
        /// Examples whose zeros fall on chunk boundaries in every way that matters: ink in a random rectangle (like a
        /// digit), no ink at all, one value in the first, an odd-numbered and the last (partial for no width) chunk,
        /// negative zeros only, and a dense example (which takes the dense loop).
        /// </summary>
        internal static double[] ImageLike(int count, int seed)
        {
            var random = new Random(seed);
            var x = new double[count * Inputs];
            for (int n = 0; n < count; n++)
            {
                Span<double> row = x.AsSpan(n * Inputs, Inputs);
                switch (n)
                {
                    case 0:
                        break; // all zero
                    case 1:
                        row[0] = 0.75;
                        break;
                    case 2:
                        row[16] = -0.5; // the second 16-value chunk (odd-numbered for Vector512)
                        break;
                    case 3:
                        row[Inputs - 1] = 1.0;
                        break;
                    case 4:
                        for (int i = 200; i < 260; i++)
                        {
                            row[i] = -0.0;
                        }

                        break;
                    case 5:
                        for (int i = 0; i < Inputs; i++)
                        {
                            row[i] = random.NextDouble();
                        }

                        break;
                    default:
                        int top = random.Next(2, 10), bottom = random.Next(18, 27);
                        int left = random.Next(2, 10), right = random.Next(18, 27);
                        for (int r = top; r < bottom; r++)
                        {
                            for (int c = left; c < right; c++)
                            {
                                row[(r * 28) + c] = random.NextDouble() < 0.6 ? random.NextDouble() : 0.0;
                            }
                        }

                        break;
                }
            }

            return x;
        }

        public static IEnumerable<object[]> Sizes() => new[] { new object[] { 1 }, new object[] { 40 }, new object[] { 70 } };

        [Theory]
        [MemberData(nameof(Sizes))]
        public void Double_network_matches_reference_on_image_like_inputs(int batch)
        {
            var net = new MnistNetDouble();
            net.InitializeParameters(7);
            var reference = new ReferenceNet(Topologies.Mnist);
            double[] p = net.Parameters.ToArray();
            double[] x = ImageLike(Math.Max(batch, 8), 11).AsSpan(0, batch * Inputs).ToArray();
            int[] y = TestData.Labels(batch, Classes, 12);
            double[][] rows = TestData.Rows(x, Inputs);

            var output = new double[Classes];
            var outputs = new double[batch * Classes];
            net.PredictBatch(x, outputs);
            for (int n = 0; n < batch; n++)
            {
                net.Predict(rows[n], output);
                double[] expected = reference.Probabilities(p, rows[n]);
                for (int j = 0; j < Classes; j++)
                {
                    Assert.Equal(expected[j], output[j], 1e-12);
                    Assert.Equal(expected[j], outputs[(n * Classes) + j], 1e-12);
                }
            }

            var gradient = new double[p.Length];
            var expectedGradient = new double[p.Length];
            Assert.Equal(reference.Gradient(p, rows, y, expectedGradient), net.Gradient(x, y, gradient), 1e-10);
            AssertClose(expectedGradient, gradient, 1e-10, "gradient");
        }

        [Fact]
        public void Float_network_matches_reference_on_image_like_inputs()
        {
            var net = new MnistNet();
            net.InitializeParameters(7);
            var reference = new ReferenceNet(Topologies.Mnist);
            const int batch = 70; // two blocks of 32 through the broadcast-form kernel, then 6 more
            double[] p = Array.ConvertAll(net.Parameters.ToArray(), v => (double)v);
            float[] x = Array.ConvertAll(ImageLike(batch, 21), v => (float)v);
            int[] y = TestData.Labels(batch, Classes, 22);
            double[][] rows = TestData.Rows(Array.ConvertAll(x, v => (double)v), Inputs);

            var output = new float[Classes];
            var outputs = new float[batch * Classes];
            net.PredictBatch(x, outputs);
            for (int n = 0; n < batch; n++)
            {
                net.Predict(x.AsSpan(n * Inputs, Inputs), output);
                double[] expected = reference.Probabilities(p, rows[n]);
                for (int j = 0; j < Classes; j++)
                {
                    Assert.Equal(expected[j], output[j], 2e-5);
                    Assert.Equal(expected[j], outputs[(n * Classes) + j], 2e-5);
                }
            }

            var gradient = new float[p.Length];
            var expectedGradient = new double[p.Length];
            Assert.Equal(reference.Gradient(p, rows, y, expectedGradient), net.Gradient(x, y, gradient), 1e-4);
            AssertClose(expectedGradient, Array.ConvertAll(gradient, v => (double)v), 2e-5, "gradient");
        }

        [Fact]
        public void Batch1_training_matches_reference_sgd_steps_on_image_like_inputs()
        {
            var net = new MnistNetDouble();
            net.InitializeParameters(3);
            var reference = new ReferenceNet(Topologies.Mnist);
            const int steps = 12;
            const double rate = 0.05;
            double[] x = ImageLike(steps, 31);
            int[] y = TestData.Labels(steps, Classes, 32);
            double[] p = net.Parameters.ToArray();
            var gradient = new double[p.Length];
            for (int n = 0; n < steps; n++)
            {
                double[] row = x.AsSpan(n * Inputs, Inputs).ToArray();
                double expectedLoss = reference.Gradient(p, new[] { row }, new[] { y[n] }, gradient);
                for (int i = 0; i < p.Length; i++)
                {
                    p[i] -= rate * gradient[i];
                }

                Assert.Equal(expectedLoss, net.Train(row, y[n], rate), 1e-10);
                AssertClose(p, net.Parameters.ToArray(), 1e-12, $"parameters after step {n + 1}");
            }
        }

        [Fact]
        public void Example_gives_bit_identical_outputs_in_a_sparse_and_in_a_dense_block()
        {
            // A block's examples lie along the vectors, each in its own lane: example 0's outputs do not depend on the
            // others, only on whether the block takes the sparse kernel (the others are image-like too, so most inputs
            // are zero in all of them) or the dense one (the others are dense).
            var net = new MnistNet();
            net.InitializeParameters(5);
            const int block = 32;
            float[] sparse = Array.ConvertAll(ImageLike(block + 6, 41), v => (float)v).AsSpan(6 * Inputs).ToArray();
            float[] dense = TestData.Floats(block * Inputs, 42);
            sparse.AsSpan(0, Inputs).CopyTo(dense);

            var fromSparse = new float[block * Classes];
            var fromDense = new float[block * Classes];
            net.PredictBatch(sparse, fromSparse);
            net.PredictBatch(dense, fromDense);
            for (int j = 0; j < Classes; j++)
            {
                Assert.True(
                    BitConverter.SingleToInt32Bits(fromDense[j]) == BitConverter.SingleToInt32Bits(fromSparse[j]),
                    $"output {j}: {fromDense[j]:R} in the dense block, {fromSparse[j]:R} in the sparse one");
            }
        }

        [Fact]
        public void A_NaN_in_an_otherwise_zero_input_is_not_skipped()
        {
            // A visited NaN makes every z0 NaN, and ReLU keeps NaN, so every output is NaN; a skipped one would give the
            // finite outputs of an all-zero input.
            var net = new MnistNet();
            net.InitializeParameters(1);
            net.Layer0Bias.Fill(1f);
            var output = new float[Classes];
            net.Predict(new float[Inputs], output);
            Assert.All(output, v => Assert.True(float.IsFinite(v)));

            var x = new float[Inputs];
            x[300] = float.NaN;
            net.Predict(x, output);
            Assert.All(output, v => Assert.True(float.IsNaN(v)));

            // In a block whose other examples are all zero, the NaN's input is the only one visited. (A block sums in
            // another order than Predict, so the expected outputs of the others come from a block too.)
            var block = new float[32 * Inputs];
            var outputs = new float[32 * Classes];
            net.PredictBatch(block, outputs);
            float[] zeroInBlock = outputs.AsSpan(0, Classes).ToArray();
            block[(5 * Inputs) + 300] = float.NaN;
            net.PredictBatch(block, outputs);
            for (int n = 0; n < 32; n++)
            {
                float[] row = outputs.AsSpan(n * Classes, Classes).ToArray();
                if (n == 5)
                {
                    Assert.All(row, v => Assert.True(float.IsNaN(v)));
                }
                else
                {
                    Assert.Equal(zeroInBlock, row);
                }
            }
        }

        private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(
                    Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                    $"{what}, parameter {i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
