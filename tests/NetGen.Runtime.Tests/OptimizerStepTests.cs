using System;
using NetGen.Runtime;
using Xunit;

namespace NetGen.Runtime.Tests
{
    /// <summary>
    /// The vectorized optimizer steps against the formulas written out one parameter at a time (torch.optim's), at every
    /// length up to a few vectors of each width, so the vector bodies and the scalar tails are both checked.
    /// </summary>
    public class OptimizerStepTests
    {
        public static TheoryData<int> Lengths()
        {
            var data = new TheoryData<int>();
            foreach (int n in new[] { 0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 129 })
            {
                data.Add(n);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Lengths))]
        public void Sgd_matches_the_formula(int n)
        {
            foreach (double decay in new[] { 0.0, 0.1 })
            {
                double[] theta = Values(n, 1), g = Values(n, 2);
                double[] expected = (double[])theta.Clone();
                for (int i = 0; i < n; i++)
                {
                    expected[i] -= 0.05 * (g[i] + (decay * expected[i]));
                }

                OptimizerSteps.Sgd(theta, g, 0.05, decay);
                AssertClose(expected, theta, 1e-15, "θ");
            }
        }

        [Theory]
        [MemberData(nameof(Lengths))]
        public void Momentum_and_Nesterov_match_the_formula_over_steps(int n)
        {
            foreach (bool nesterov in new[] { false, true })
            {
                double[] theta = Values(n, 3), b = new double[n];
                double[] expectedTheta = (double[])theta.Clone(), expectedB = new double[n];
                for (int step = 1; step <= 3; step++)
                {
                    double[] g = Values(n, 10 + step);
                    for (int i = 0; i < n; i++)
                    {
                        double gi = g[i] + (0.01 * expectedTheta[i]);
                        expectedB[i] = (0.9 * expectedB[i]) + gi;
                        expectedTheta[i] -= 0.1 * (nesterov ? gi + (0.9 * expectedB[i]) : expectedB[i]);
                    }

                    OptimizerSteps.Momentum(theta, b, g, 0.1, 0.9, 0.01, nesterov);
                    AssertClose(expectedB, b, 1e-15, $"b (nesterov {nesterov}, step {step})");
                    AssertClose(expectedTheta, theta, 1e-15, $"θ (nesterov {nesterov}, step {step})");
                }
            }
        }

        [Theory]
        [MemberData(nameof(Lengths))]
        public void Adam_and_AdamW_match_torch_optim_over_steps(int n)
        {
            foreach ((bool decoupled, double decay) in new[] { (false, 0.0), (false, 0.05), (true, 0.01) })
            {
                double[] theta = Values(n, 4), m = new double[n], v = new double[n];
                double[] expectedTheta = (double[])theta.Clone(), expectedM = new double[n], expectedV = new double[n];
                const double rate = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
                for (int step = 1; step <= 4; step++)
                {
                    double[] g = Values(n, 20 + step);
                    for (int i = 0; i < n; i++)
                    {
                        double gi = g[i];
                        if (decoupled)
                        {
                            expectedTheta[i] *= 1 - (rate * decay);
                        }
                        else
                        {
                            gi += decay * expectedTheta[i];
                        }

                        expectedM[i] = (beta1 * expectedM[i]) + ((1 - beta1) * gi);
                        expectedV[i] = (beta2 * expectedV[i]) + ((1 - beta2) * gi * gi);
                        double stepSize = rate / (1 - Math.Pow(beta1, step));
                        double denominator = (Math.Sqrt(expectedV[i]) / Math.Sqrt(1 - Math.Pow(beta2, step))) + eps;
                        expectedTheta[i] -= stepSize * expectedM[i] / denominator;
                    }

                    OptimizerSteps.Adam(theta, m, v, g, rate, beta1, beta2, eps, decay, decoupled, step);
                    AssertClose(expectedM, m, 1e-15, $"m (step {step})");
                    AssertClose(expectedV, v, 1e-15, $"v (step {step})");
                    AssertClose(expectedTheta, theta, 1e-13, $"θ (decoupled {decoupled}, λ {decay}, step {step})");
                }
            }
        }

        [Fact]
        public void Float_steps_match_the_double_formula_to_float_precision()
        {
            const int n = 77;
            float[] theta = Array.ConvertAll(Values(n, 5), x => (float)x), m = new float[n], v = new float[n];
            double[] reference = Array.ConvertAll(theta, x => (double)x), dm = new double[n], dv = new double[n];
            float[] g = Array.ConvertAll(Values(n, 6), x => (float)x);
            OptimizerSteps.Adam(theta, m, v, g, 0.01f, 0.9f, 0.999f, 1e-8f, 0f, decoupled: false, step: 1);
            OptimizerSteps.Adam(reference, dm, dv, Array.ConvertAll(g, x => (double)x), 0.01f, 0.9f, 0.999f, 1e-8f, 0, decoupled: false, step: 1);
            AssertClose(reference, Array.ConvertAll(theta, x => (double)x), 1e-6, "θ");
        }

        [Fact]
        public void A_step_applied_block_by_block_equals_the_step_applied_at_once()
        {
            const int n = 203;
            float[] g = Array.ConvertAll(Values(n, 7), x => (float)x);
            float[] whole = Array.ConvertAll(Values(n, 8), x => (float)x), blocks = (float[])whole.Clone();
            float[] state = new float[2 * n], blockState = new float[2 * n];
            OptimizerStep<float>.Adam(whole, state.AsSpan(0, n), state.AsSpan(n), 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, true, 3).Apply(0, g);
            var step = OptimizerStep<float>.Adam(blocks, blockState.AsSpan(0, n), blockState.AsSpan(n), 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, true, 3);
            foreach ((int from, int to) in new[] { (0, 64), (64, 71), (71, 200), (200, 203) })
            {
                step.Apply(from, g.AsSpan(from, to - from));
            }

            Assert.Equal(whole, blocks);
            Assert.Equal(state, blockState);
            int offset = 200;
            Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerStep<float>.Sgd(blocks, 0.1f, 0f).Apply(offset, new float[4]));
        }

        [Fact]
        public void Products_are_bounded_only_when_no_sum_of_them_can_overflow()
        {
            Assert.True(Guard.ProductsBounded(new[] { 1f, -2f }, new[] { 3f, 0f }, 32));
            Assert.True(Guard.ProductsBounded(new[] { 1e30f }, new[] { 0.5f }, 64)); // |x| below 1 counts as 1 (the bias)
            Assert.False(Guard.ProductsBounded(new[] { 1e30f }, new[] { 1e9f }, 64));
            Assert.False(Guard.ProductsBounded(new[] { 1f, float.NaN }, new[] { 1f }, 1));
            Assert.False(Guard.ProductsBounded(new[] { 1f }, new[] { float.NegativeInfinity }, 1));
            Assert.True(Guard.ProductsBounded(new[] { 1e150 }, new[] { 1e150 }, 64));
            Assert.False(Guard.ProductsBounded(new[] { 1e200 }, new[] { 1e200 }, 2));
            Assert.False(Guard.ProductsBounded(new[] { double.NaN }, new[] { 1.0 }, 2));
        }

        [Fact]
        public void Mismatched_lengths_and_step_zero_throw()
        {
            var ex = Assert.Throws<ArgumentException>(() => OptimizerSteps.Sgd(new float[4], new float[3], 0.1f, 0f));
            Assert.Contains("Expected 4 values", ex.Message);
            Assert.Equal("gradient", ex.ParamName);
            Assert.Throws<ArgumentException>(() => OptimizerSteps.Momentum(new double[4], new double[5], new double[4], 0.1, 0.9, 0, false));
            Assert.Throws<ArgumentException>(() => OptimizerSteps.Adam(new float[4], new float[4], new float[3], new float[4], 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerSteps.Adam(new float[4], new float[4], new float[4], new float[4], 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 0));
        }

        private static double[] Values(int n, int seed)
        {
            var random = new Random(seed);
            var values = new double[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = (random.NextDouble() * 2) - 1;
            }

            return values;
        }

        private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
