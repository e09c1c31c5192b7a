using System;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// Each optimizer's parameter trajectory against the update rule written out here (PyTorch's formulas),
    /// with gradients from the independent reference implementation.
    /// </summary>
    public class OptimizerTests
    {
        private static readonly Layer[] Topology = { new(4, 6, Act.Tanh), new(6, 3, Act.Identity) };

        private delegate double TrainStep(ReadOnlySpan<double> x, ReadOnlySpan<int> y, double rate);

        [Theory]
        [InlineData("Sgd", 0.0)]
        [InlineData("Sgd", 0.1)]
        [InlineData("Momentum", 0.0)]
        [InlineData("Momentum", 0.05)]
        [InlineData("Nesterov", 0.0)]
        [InlineData("Nesterov", 0.05)]
        [InlineData("Adam", 0.0)]
        [InlineData("Adam", 0.05)]
        [InlineData("AdamW", 0.01)]
        [InlineData("AdamW", 0.2)]
        public void Trajectory_matches_the_reference_update_rule(string optimizer, double weightDecay)
        {
            (double[] start, TrainStep train, Func<double[]> parameters, Func<long> steps) = Create(optimizer, weightDecay);
            var reference = new ReferenceNet(Topology);
            double[] theta = (double[])start.Clone();
            var b = new double[theta.Length];
            var m = new double[theta.Length];
            var v = new double[theta.Length];
            const double rate = 0.05, mu = 0.9, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;

            // Single examples and mini-batches: 1 and 4 take the step fused into the backward pass in one block of
            // examples, 20 in two (double blocks hold 16), 33 and 40 go through the gradient buffer (above StepBatch, 32).
            int[] batches = { 4, 1, 20, 1, 40, 33 };
            for (int step = 1; step <= 6; step++)
            {
                int batch = batches[step - 1];
                double[] x = TestData.Doubles(batch * 4, 100 + step, 2);
                int[] y = TestData.Labels(batch, 3, 200 + step);
                var g = new double[theta.Length];
                double expectedLoss = reference.Gradient(theta, TestData.Rows(x, 4), y, g);

                double loss = train(x, y, rate);
                Assert.Equal(expectedLoss, loss, 10);

                for (int i = 0; i < theta.Length; i++)
                {
                    double gi = g[i];
                    switch (optimizer)
                    {
                        case "Sgd":
                            theta[i] -= rate * (gi + (weightDecay * theta[i]));
                            break;
                        case "Momentum":
                        case "Nesterov":
                            gi += weightDecay * theta[i];
                            b[i] = (mu * b[i]) + gi;
                            theta[i] -= rate * (optimizer == "Nesterov" ? gi + (mu * b[i]) : b[i]);
                            break;
                        default:
                            if (optimizer == "AdamW")
                            {
                                theta[i] *= 1 - (rate * weightDecay);
                            }
                            else
                            {
                                gi += weightDecay * theta[i];
                            }

                            m[i] = (beta1 * m[i]) + ((1 - beta1) * gi);
                            v[i] = (beta2 * v[i]) + ((1 - beta2) * gi * gi);
                            double mHat = m[i] / (1 - Math.Pow(beta1, step));
                            double vHat = v[i] / (1 - Math.Pow(beta2, step));
                            theta[i] -= rate * mHat / (Math.Sqrt(vHat) + eps);
                            break;
                    }
                }

                double[] actual = parameters();
                for (int i = 0; i < theta.Length; i++)
                {
                    Assert.True(Math.Abs(theta[i] - actual[i]) <= 1e-10 * (1 + Math.Abs(theta[i])), $"{optimizer} step {step} parameter {i}: expected {theta[i]:R}, got {actual[i]:R}");
                }

                Assert.Equal(step, steps());
            }
        }

        [Fact]
        public void Optimizers_have_PyTorch_defaults_and_reset()
        {
            var adam = new OptAdam();
            Assert.Equal(0.9, adam.Beta1);
            Assert.Equal(0.999, adam.Beta2);
            Assert.Equal(1e-8, adam.Epsilon);
            Assert.Equal(0, adam.WeightDecay);
            Assert.Equal(0.01, new OptAdamW().WeightDecay);
            Assert.Equal(0.9, new OptMomentum().Momentum);
            Assert.Equal(0, new OptSgd().WeightDecay);

            double[] x = TestData.Doubles(4, 1);
            adam.Train(x, 1, 0.1);
            Assert.Equal(1, adam.StepCount);
            adam.ResetOptimizer();
            Assert.Equal(0, adam.StepCount);

            // After a reset the next step is a first step again: same move as a fresh optimizer from the same point.
            var fresh = new OptAdam();
            adam.Parameters.CopyTo(fresh.Parameters);
            adam.Train(x, 2, 0.1);
            fresh.Train(x, 2, 0.1);
            Assert.True(adam.Parameters.SequenceEqual(fresh.Parameters));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(32)]
        [InlineData(50)]
        [InlineData(100)]
        public void Fused_Adam_steps_equal_a_gradient_then_a_step(int batch)
        {
            // MNIST-sized float network with mostly-zero inputs (the first layer's sparse kernels): 32 examples take the
            // step fused into the backward pass in one block of examples, 50 in two, 100 go through the gradient buffer.
            var net = new MnistAdam();
            var reference = new MnistAdam();
            net.Parameters.CopyTo(reference.Parameters);
            var gradient = new float[MnistAdam.ParameterCount];
            float[] state = new float[MnistAdam.OptimizerStateSize];
            float[] theta = net.Parameters.ToArray();
            for (int step = 1; step <= 3; step++)
            {
                float[] x = TestData.Floats(batch * 784, 10 + step);
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = i % 784 < 300 || i % 7 == 0 ? 0 : x[i]; // whole columns of zeros, and scattered zeros
                }

                int[] y = TestData.Labels(batch, 10, 20 + step);
                float expectedLoss = reference.Gradient(x, y, gradient);
                global::NetGen.Runtime.OptimizerSteps.Adam(theta, state.AsSpan(0, theta.Length), state.AsSpan(theta.Length), gradient, 0.01f, 0.9f, 0.999f, 1e-8f, 0f, decoupled: false, step);
                theta.CopyTo(reference.Parameters);

                float loss = batch == 1 ? net.Train(x, y[0], 0.01f) : net.Train(x, y, 0.01f);
                Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5f * Math.Max(1, Math.Abs(expectedLoss)), $"step {step}: loss {loss} vs {expectedLoss}");
                float[] actual = net.Parameters.ToArray();
                double worst = 0;
                for (int i = 0; i < theta.Length; i++)
                {
                    worst = Math.Max(worst, Math.Abs(actual[i] - theta[i]));
                }

                // Adam moves each parameter by about the learning rate: 1e-5 is a thousandth of a step.
                Assert.True(worst <= 1e-5, $"step {step}: max difference {worst:E2}");
                Assert.True(net.OptimizerState.SequenceEqual(state) || MaxDifference(net.OptimizerState.ToArray(), state) <= 1e-6, $"step {step}: moments differ by {MaxDifference(net.OptimizerState.ToArray(), state):E2}");
            }
        }

        private static double MaxDifference(float[] a, float[] b)
        {
            double worst = 0;
            for (int i = 0; i < a.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
            }

            return worst;
        }

        [Fact]
        public void Adam_training_allocates_nothing_once_warm()
        {
            var net = new MnistAdam();
            float[] x = TestData.Floats(32 * 784, 1);
            int[] y = TestData.Labels(32, 10, 2);
            net.Train(x, y, 0.001f);
            net.Train(x.AsSpan(0, 784), y[0], 0.001f);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 3; i++)
            {
                net.Train(x, y, 0.001f);
                net.Train(x.AsSpan(0, 784), y[0], 0.001f);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        private static (double[] Start, TrainStep Train, Func<double[]> Parameters, Func<long> Steps) Create(string optimizer, double weightDecay)
        {
            switch (optimizer)
            {
                case "Sgd":
                    {
                        var n = new OptSgd { WeightDecay = weightDecay };
                        return (n.Parameters.ToArray(), Step(n.Train, n.Train), () => n.Parameters.ToArray(), () => n.StepCount);
                    }

                case "Momentum":
                    {
                        var n = new OptMomentum { WeightDecay = weightDecay };
                        return (n.Parameters.ToArray(), Step(n.Train, n.Train), () => n.Parameters.ToArray(), () => n.StepCount);
                    }

                case "Nesterov":
                    {
                        var n = new OptNesterov { WeightDecay = weightDecay };
                        return (n.Parameters.ToArray(), Step(n.Train, n.Train), () => n.Parameters.ToArray(), () => n.StepCount);
                    }

                case "Adam":
                    {
                        var n = new OptAdam { WeightDecay = weightDecay };
                        return (n.Parameters.ToArray(), Step(n.Train, n.Train), () => n.Parameters.ToArray(), () => n.StepCount);
                    }

                default:
                    {
                        var n = new OptAdamW { WeightDecay = weightDecay };
                        return (n.Parameters.ToArray(), Step(n.Train, n.Train), () => n.Parameters.ToArray(), () => n.StepCount);
                    }
            }
        }

        private delegate double Single(ReadOnlySpan<double> x, int y, double rate);

        private delegate double Batch(ReadOnlySpan<double> x, ReadOnlySpan<int> y, double rate);

        // Single examples go through the single-example overload (the fused path for plain SGD).
        private static TrainStep Step(Single single, Batch batch) =>
            (x, y, rate) => y.Length == 1 ? single(x, y[0], rate) : batch(x, y, rate);
    }
}
