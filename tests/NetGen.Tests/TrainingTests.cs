using System;
using Xunit;

namespace NetGen.Tests
{
    public class TrainingTests
    {
        [Fact]
        public void Batch_train_moves_parameters_by_minus_learning_rate_times_gradient()
        {
            var net = new MnistNet();
            float[] x = TestData.Floats(8 * MnistNet.InputSize, 1);
            int[] y = TestData.Labels(8, 10, 2);
            float[] before = net.Parameters.ToArray();
            var gradient = new float[MnistNet.ParameterCount];
            float gradientLoss = net.Gradient(x, y, gradient);

            const float rate = 0.1f;
            float trainLoss = net.Train(x, y, rate);

            Assert.Equal(gradientLoss, trainLoss);
            float[] after = net.Parameters.ToArray();
            int moved = 0;
            for (int i = 0; i < before.Length; i++)
            {
                float expected = before[i] - (rate * gradient[i]);
                Assert.True(Math.Abs(after[i] - expected) <= 1e-7f + (1e-6f * Math.Abs(expected)), $"parameter {i}: expected {expected:R}, got {after[i]:R}");
                moved += after[i] != before[i] ? 1 : 0;
            }

            Assert.True(moved > 1000, $"only {moved} parameters moved");
        }

        [Theory]
        [InlineData(3)]
        [InlineData(5)]
        [InlineData(255)]
        [InlineData(600)]
        public void Gradient_of_a_batch_is_the_weighted_mean_of_the_gradients_of_its_parts(int count)
        {
            // 600 is more than the kernels' chunk (256 for this network), 3 and 5 leave partial blocks of 4.
            var net = new MnistNetDouble();
            double[] x = TestData.Doubles(count * 784, 40);
            int[] y = TestData.Labels(count, 10, 41);
            var whole = new double[MnistNetDouble.ParameterCount];
            double loss = net.Gradient(x, y, whole);

            var expected = new double[whole.Length];
            var part = new double[whole.Length];
            double expectedLoss = 0;
            for (int start = 0; start < count; start += 2)
            {
                int m = Math.Min(2, count - start);
                expectedLoss += net.Gradient(x.AsSpan(start * 784, m * 784), y.AsSpan(start, m), part) * m / count;
                for (int i = 0; i < part.Length; i++)
                {
                    expected[i] += part[i] * m / count;
                }
            }

            Assert.Equal(expectedLoss, loss, 10);
            for (int i = 0; i < whole.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - whole[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"parameter {i}: expected {expected[i]:R}, got {whole[i]:R}");
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        [InlineData(300)]
        public void Fused_mini_batch_step_equals_gradient_then_step(int count)
        {
            // Plain SGD fuses the step into the backward pass up to the chunk size, and goes through the gradient
            // buffer above it: both must equal θ − η·∇ computed separately.
            var fused = new MnistNetDouble();
            var reference = new MnistNetDouble();
            double[] x = TestData.Doubles(count * 784, 50);
            int[] y = TestData.Labels(count, 10, 51);
            var g = new double[MnistNetDouble.ParameterCount];
            double expectedLoss = reference.Gradient(x, y, g);
            Span<double> p = reference.Parameters;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] -= 0.1 * g[i];
            }

            Assert.Equal(expectedLoss, fused.Train(x, y, 0.1), 12);
            double[] a = fused.Parameters.ToArray();
            double[] b = reference.Parameters.ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-13 * (1 + Math.Abs(b[i])), $"parameter {i}: expected {b[i]:R}, got {a[i]:R}");
            }

            Assert.Equal(1, fused.StepCount);
        }

        // Batched prediction runs full blocks of examples (32 floats, 16 doubles) through the transposed kernels and the
        // rest through the mini-batch forward pass; either must give what Predict gives, for every depth, width and head.
        [Fact]
        public void Batched_prediction_equals_single_predictions_in_float()
        {
            Check(new MnistNet(), 784, 10);
            Check(new Odd17x33x9(), 17, 9);
            Check(new SpiralNet(), 2, 2);

            static void Check(IFloatNet net, int inputs, int outputs)
            {
                net.InitializeParameters(3);
                foreach (int count in new[] { 1, 3, 4, 9, 32, 37, 65 })
                {
                    float[] x = TestData.Floats(count * inputs, count);
                    var batched = new float[count * outputs];
                    net.PredictBatch(x, batched);
                    var single = new float[outputs];
                    for (int n = 0; n < count; n++)
                    {
                        net.Predict(x.AsSpan(n * inputs, inputs), single);
                        for (int j = 0; j < outputs; j++)
                        {
                            Assert.True(Math.Abs(single[j] - batched[(n * outputs) + j]) <= 5e-6f, $"{net.GetType().Name}, {count} examples: example {n}, output {j}: {single[j]:R} vs {batched[(n * outputs) + j]:R}");
                        }
                    }
                }
            }
        }

        [Fact]
        public void Batched_prediction_equals_single_predictions_in_double()
        {
            var linear = new Linear4x3();
            Check(linear.Predict, linear.PredictBatch, 4, 3);
            var deep = new Deep4();
            Check(deep.Predict, deep.PredictBatch, 3, 2);
            var every = new EveryActivation();
            Check(every.Predict, every.PredictBatch, 17, 3);
            var mnist = new MnistNetDouble();
            Check(mnist.Predict, mnist.PredictBatch, 784, 10);
            var multiLabel = new MultiLabel();
            Check(multiLabel.Predict, multiLabel.PredictBatch, 5, 4);
            var regression = new Regression();
            Check(regression.Predict, regression.PredictBatch, 3, 2);

            static void Check(Predictor predict, Predictor predictBatch, int inputs, int outputs)
            {
                foreach (int count in new[] { 1, 5, 16, 21, 33 })
                {
                    double[] x = TestData.Doubles(count * inputs, count);
                    var batched = new double[count * outputs];
                    predictBatch(x, batched);
                    var single = new double[outputs];
                    for (int n = 0; n < count; n++)
                    {
                        predict(x.AsSpan(n * inputs, inputs), single);
                        for (int j = 0; j < outputs; j++)
                        {
                            double expected = single[j];
                            double actual = batched[(n * outputs) + j];
                            Assert.True(Math.Abs(expected - actual) <= 1e-12 * (1 + Math.Abs(expected)), $"{inputs}→{outputs}, {count} examples: example {n}, output {j}: {expected:R} vs {actual:R}");
                        }
                    }
                }
            }
        }

        private delegate void Predictor(ReadOnlySpan<double> input, Span<double> output);

        [Fact]
        public void Single_example_train_equals_a_gradient_step_in_double()
        {
            // The fused batch-1 path against Gradient + explicit step; in double precision they agree to rounding.
            var fused = new EveryActivation();
            var stepped = new EveryActivation();
            double[] x = TestData.Doubles(17, 8);
            const double rate = 0.05;
            for (int step = 0; step < 5; step++)
            {
                int label = step % 3;
                var gradient = new double[EveryActivation.ParameterCount];
                double expectedLoss = stepped.Gradient(x, new[] { label }, gradient);
                Span<double> p = stepped.Parameters;
                for (int i = 0; i < p.Length; i++)
                {
                    p[i] -= rate * gradient[i];
                }

                double loss = fused.Train(x, label, rate);
                Assert.Equal(expectedLoss, loss, 1e-12);
            }

            double[] a = fused.Parameters.ToArray();
            double[] b = stepped.Parameters.ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                Assert.Equal(b[i], a[i], 1e-12);
            }
        }

        [Fact]
        public void Train_returns_loss_before_the_step_and_repeated_steps_reduce_it()
        {
            var net = new MnistNet();
            float[] x = TestData.Floats(MnistNet.InputSize, 3);
            float before = net.Loss(x, 4);
            float first = net.Train(x, 4, 0.01f);
            Assert.Equal(before, first);
            float second = net.Train(x, 4, 0.01f);
            Assert.True(second < first, $"{second} !< {first}");
        }

        [Fact]
        public void Two_spirals_are_learned_to_at_least_95_percent()
        {
            (float[] x, int[] y) = Spirals(400, seed: 1);
            var net = new SpiralNet();
            net.InitializeParameters(3);
            float firstLoss = MeanLoss(net, x, y);
            var order = new int[y.Length];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            var random = new Random(5);
            var batchX = new float[16 * 2];
            var batchY = new int[16];
            for (int epoch = 0; epoch < 1500; epoch++)
            {
                random.Shuffle(order);
                for (int start = 0; start + 16 <= order.Length; start += 16)
                {
                    for (int k = 0; k < 16; k++)
                    {
                        batchX[2 * k] = x[2 * order[start + k]];
                        batchX[(2 * k) + 1] = x[(2 * order[start + k]) + 1];
                        batchY[k] = y[order[start + k]];
                    }

                    net.Train(batchX, batchY, epoch < 1000 ? 0.3f : 0.1f);
                }
            }

            float lastLoss = MeanLoss(net, x, y);
            int correct = 0;
            for (int i = 0; i < y.Length; i++)
            {
                correct += net.Classify(x.AsSpan(2 * i, 2)) == y[i] ? 1 : 0;
            }

            double accuracy = (double)correct / y.Length;
            Assert.True(lastLoss < firstLoss / 4, $"loss {firstLoss} → {lastLoss}");
            Assert.True(accuracy >= 0.95, $"accuracy {accuracy:P1}");
        }

        [Fact]
        public void Cross_entropy_stays_finite_for_logits_of_plus_minus_1e4()
        {
            var net = new Linear4x3();
            net.Parameters.Clear();
            Span<double> bias = net.Layer0Bias;
            bias[0] = 1e4;
            bias[1] = -1e4;
            bias[2] = 0;
            double[] x = { 0, 0, 0, 0 };

            Assert.Equal(0, net.Loss(x, 0), 12);
            Assert.Equal(2e4, net.Loss(x, 1), 6);
            Assert.Equal(1e4, net.Loss(x, 2), 6);

            var p = new double[3];
            net.Predict(x, p);
            Assert.Equal(1.0, p[0]);
            Assert.Equal(0.0, p[1]);

            var gradient = new double[Linear4x3.ParameterCount];
            double loss = net.Gradient(x, new[] { 1 }, gradient);
            Assert.True(double.IsFinite(loss));
            Assert.All(gradient, g => Assert.True(double.IsFinite(g)));

            var single = new MnistNet();
            single.Layer2Weights.Clear();
            single.Layer2Bias[3] = 1e4f;
            single.Layer2Bias[7] = -1e4f;
            float[] image = new float[MnistNet.InputSize];
            Assert.Equal(2e4f, single.Loss(image, 7), 1f);
            Assert.True(float.IsFinite(single.Train(image, 7, 0.01f)));
        }

        [Fact]
        public void Initialization_is_deterministic_per_seed_and_within_He_and_Glorot_bounds()
        {
            var a = new MnistNet();
            var b = new MnistNet();
            Assert.True(a.Parameters.SequenceEqual(b.Parameters));

            b.InitializeParameters(0);
            Assert.True(a.Parameters.SequenceEqual(b.Parameters));

            b.InitializeParameters(1);
            Assert.False(a.Parameters.SequenceEqual(b.Parameters));

            float he0 = (float)Math.Sqrt(6.0 / 784);
            float glorot2 = (float)Math.Sqrt(6.0 / (64 + 10));
            Assert.All(a.Layer0Weights.ToArray(), w => Assert.InRange(w, -he0, he0));
            Assert.All(a.Layer2Weights.ToArray(), w => Assert.InRange(w, -glorot2, glorot2));
            Assert.All(a.Layer0Bias.ToArray(), w => Assert.Equal(0f, w));

            // The spread uses the bound: the largest |w| is close to it (a uniform sample of 100k values).
            float max = 0;
            foreach (float w in a.Layer0Weights)
            {
                max = Math.Max(max, Math.Abs(w));
            }

            Assert.InRange(max, he0 * 0.99f, he0);

            var tanh = new TanhSigmoid();
            double glorot0 = Math.Sqrt(6.0 / (6 + 33));
            Assert.All(tanh.Layer0Weights.ToArray(), w => Assert.InRange(w, -glorot0, glorot0));
        }

        [Fact]
        public void Parameter_views_are_slices_of_one_buffer_in_layer_order()
        {
            var net = new MnistNet();
            Span<float> p = net.Parameters;
            Assert.Equal(109_386, MnistNet.ParameterCount);
            Assert.Equal(MnistNet.ParameterCount, p.Length);
            Assert.Equal(784, MnistNet.InputSize);
            Assert.Equal(10, MnistNet.OutputSize);

            net.Layer0Weights[784 + 2] = 42f; // row 1, column 2
            Assert.Equal(42f, p[786]);
            net.Layer0Bias[5] = 43f;
            Assert.Equal(43f, p[(128 * 784) + 5]);
            net.Layer1Weights[0] = 44f;
            Assert.Equal(44f, p[(128 * 784) + 128]);
            net.Layer2Bias[9] = 45f;
            Assert.Equal(45f, p[^1]);

            unsafe
            {
                fixed (float* first = p)
                {
                    Assert.Equal(0, (long)first % 64);
                }
            }
        }

        private static float MeanLoss(SpiralNet net, float[] x, int[] y)
        {
            float total = 0;
            for (int i = 0; i < y.Length; i++)
            {
                total += net.Loss(x.AsSpan(2 * i, 2), y[i]);
            }

            return total / y.Length;
        }

        internal static (float[] X, int[] Y) Spirals(int count, int seed)
        {
            var random = new Random(seed);
            var x = new float[count * 2];
            var y = new int[count];
            for (int i = 0; i < count; i++)
            {
                int label = i % 2;
                double t = random.NextDouble();
                double angle = (t * 3 * Math.PI) + (label * Math.PI);
                double radius = 0.1 + (t * 0.9);
                x[2 * i] = (float)((radius * Math.Cos(angle)) + (random.NextDouble() * 0.02));
                x[(2 * i) + 1] = (float)((radius * Math.Sin(angle)) + (random.NextDouble() * 0.02));
                y[i] = label;
            }

            return (x, y);
        }
    }
}
