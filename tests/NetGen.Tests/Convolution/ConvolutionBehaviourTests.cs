using System;
using Xunit;

namespace NetGen.Tests.Convolution
{
    /// <summary>What image networks promise besides their gradients: shapes, dropout's contract, NaN, allocations.</summary>
    public class ConvolutionBehaviourTests
    {
        [Fact]
        public void Sizes_come_from_the_declared_shapes()
        {
            Assert.Equal(784, LeNet5.InputSize);
            Assert.Equal(10, LeNet5.OutputSize);
            // PyTorch's LeNet-5 (Conv2d(1, 6, 5, padding=2), Conv2d(6, 16, 5), Linear 400-120-84-10): 61,706 parameters.
            Assert.Equal(61_706, LeNet5.ParameterCount);
            Assert.Equal(2 * 7 * 9, ConvOdd.InputSize);
        }

        [Fact]
        public void Dropout_with_p_0_trains_exactly_like_no_dropout()
        {
            var with = new ConvDropoutZero();
            var without = new ConvNoDropout();
            with.InitializeParameters(3);
            without.InitializeParameters(3);
            Assert.Equal(without.Parameters.ToArray(), with.Parameters.ToArray());
            for (int step = 0; step < 5; step++)
            {
                double[] x = TestData.Doubles(4 * ConvNoDropout.InputSize, 100 + step, 1.0);
                int[] y = TestData.Labels(4, 3, 200 + step);
                Assert.Equal(without.Train(x, y, 0.1), with.Train(x, y, 0.1));
            }

            Assert.Equal(without.Parameters.ToArray(), with.Parameters.ToArray());
        }

        [Fact]
        public void Dropout_is_off_in_predict_and_loss_and_on_in_training()
        {
            var net = new ConvDropout();
            net.InitializeParameters(5);
            double[] x = TestData.Doubles(ConvDropout.InputSize, 7, 1.0);
            var first = new double[3];
            var second = new double[3];
            net.Predict(x, first);
            net.Predict(x, second);
            Assert.Equal(first, second);

            var twin = new ConvNoDropout();
            twin.InitializeParameters(5);
            Assert.Equal(twin.Parameters.ToArray(), net.Parameters.ToArray());
            var expected = new double[3];
            twin.Predict(x, expected);
            Assert.Equal(expected, first);
            Assert.Equal(twin.Loss(x, 1), net.Loss(x, 1));

            // In training the masks drop units: the gradient differs from the network without dropout.
            var g = new double[ConvDropout.ParameterCount];
            var h = new double[ConvNoDropout.ParameterCount];
            net.Gradient(x, new[] { 1 }, g);
            twin.Gradient(x, new[] { 1 }, h);
            Assert.NotEqual(h, g);
        }

        [Fact]
        public void Dropout_masks_are_reproducible_and_change_with_the_step_and_the_seed()
        {
            double[] x = TestData.Doubles(8 * ConvDropout.InputSize, 9, 1.0);
            int[] y = TestData.Labels(8, 3, 10);
            double[] Run(int seed, int threads)
            {
                var net = new ConvDropout { TrainingThreads = threads };
                net.InitializeParameters(1);
                net.InitializeParameters(seed); // the seed keys the masks
                for (int step = 0; step < 3; step++)
                {
                    net.Train(x, y, 0.05);
                }

                return net.Parameters.ToArray();
            }

            Assert.Equal(Run(4, 1), Run(4, 1));
            Assert.NotEqual(Run(4, 1), Run(5, 1)); // a different seed: different initial weights and masks

            var net = new ConvDropout();
            net.InitializeParameters(4);
            var before = new double[ConvDropout.ParameterCount];
            var after = new double[ConvDropout.ParameterCount];
            net.Gradient(x, y, before);
            net.Gradient(x, y, after);
            Assert.Equal(before, after); // the same step: the same masks
            net.Train(x, y, 0.0);        // a step with η = 0 changes only StepCount
            net.Gradient(x, y, after);
            Assert.NotEqual(before, after);
        }

        [Fact]
        public void Dropout_masks_do_not_depend_on_the_threads()
        {
            // The masks are keyed by the example's index in the whole batch, so a split batch draws the same masks: the
            // gradients agree to rounding (the sums are grouped differently), far closer than with other masks.
            double[] x = TestData.Doubles(32 * ConvDropout.InputSize, 19, 1.0);
            int[] y = TestData.Labels(32, 3, 20);
            var one = new ConvDropout();
            var two = new ConvDropout { TrainingThreads = 2 };
            one.InitializeParameters(2);
            two.InitializeParameters(2);
            one.Train(x, y, 0.1);
            two.Train(x, y, 0.1);
            double[] a = one.Parameters.ToArray();
            double[] b = two.Parameters.ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-12, $"parameter {i}: {a[i]:R} with 1 thread, {b[i]:R} with 2");
            }
        }

        [Fact]
        public void A_NaN_pixel_gives_NaN_outputs_and_no_class()
        {
            var net = new LeNet5();
            float[] x = TestData.Floats(LeNet5.InputSize, 3, 1.0f);
            x[300] = float.NaN;
            var output = new float[10];
            net.Predict(x, output);
            Assert.All(output, v => Assert.True(float.IsNaN(v)));
            Assert.Equal(-1, net.Classify(x));
        }

        [Fact]
        public void Max_pooling_keeps_a_NaN_in_its_window()
        {
            // A NaN after the first value of a window: a plain "value > best" would skip it.
            var net = new PoolFirst();
            double[] x = new double[PoolFirst.InputSize];
            x[1] = double.NaN;
            var output = new double[3];
            net.Predict(x, output);
            Assert.All(output, v => Assert.True(double.IsNaN(v)));
        }

        [Fact]
        public void Training_and_prediction_allocate_nothing_once_warm()
        {
            var net = new LeNet5();
            float[] x = TestData.Floats(32 * LeNet5.InputSize, 4, 1.0f);
            int[] y = TestData.Labels(32, 10, 5);
            var outputs = new float[32 * 10];
            net.Train(x, y, 0.001f);
            net.Train(x.AsSpan(0, LeNet5.InputSize), y[0], 0.001f);
            net.PredictBatch(x, outputs);
            net.Predict(x.AsSpan(0, LeNet5.InputSize), outputs.AsSpan(0, 10));
            Allocations.AssertNone(
                () =>
                {
                    net.Train(x, y, 0.001f);
                    net.Train(x.AsSpan(0, LeNet5.InputSize), y[0], 0.001f);
                    net.PredictBatch(x, outputs);
                    net.Predict(x.AsSpan(0, LeNet5.InputSize), outputs.AsSpan(0, 10));
                },
                "Train, Train, PredictBatch and Predict");
        }

        [Fact]
        public void LeNet5_learns_a_small_problem()
        {
            // Two classes: a bright square in the left or the right half of the image.
            var net = new LeNet5();
            var random = new Random(1);
            float[] x = new float[64 * 784];
            int[] y = new int[64];
            for (int n = 0; n < 64; n++)
            {
                y[n] = n % 2;
                int left = y[n] == 0 ? 2 + random.Next(8) : 16 + random.Next(8);
                int top = 4 + random.Next(16);
                for (int i = 0; i < 6; i++)
                {
                    for (int j = 0; j < 6; j++)
                    {
                        x[(n * 784) + ((top + i) * 28) + left + j] = 1f;
                    }
                }
            }

            float first = net.Train(x, y, 0.05f);
            float last = first;
            for (int step = 0; step < 60; step++)
            {
                last = net.Train(x, y, 0.05f);
            }

            Assert.True(last < first / 4, $"loss {first} → {last}");
            int correct = 0;
            for (int n = 0; n < 64; n++)
            {
                correct += net.Classify(x.AsSpan(n * 784, 784)) == y[n] ? 1 : 0;
            }

            Assert.Equal(64, correct);
        }
    }
}
