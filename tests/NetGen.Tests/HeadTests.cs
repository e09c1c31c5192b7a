using System;
using System.Collections.Generic;
using Xunit;

namespace NetGen.Tests
{
    public class HeadTests
    {
        public static IEnumerable<object[]> Networks() => new[]
        {
            new object[] { "MultiLabel", (Func<IDoubleTargetNet>)(() => new MultiLabel()), 5, 4, true },
            new object[] { "Regression", (Func<IDoubleTargetNet>)(() => new Regression()), 3, 2, false },
        };

        [Theory]
        [MemberData(nameof(Networks))]
        public void Gradient_matches_central_differences(string name, Func<IDoubleTargetNet> create, int inputs, int outputs, bool binaryTargets)
        {
            IDoubleTargetNet net = create();
            net.InitializeParameters(3);
            Span<double> p = net.Parameters;
            double[] jitter = TestData.Doubles(p.Length, 4, 0.1);
            for (int i = 0; i < p.Length; i++)
            {
                p[i] += jitter[i];
            }

            const int batch = 3;
            double[] x = TestData.Doubles(batch * inputs, 5, 2);
            double[] t = TestData.Doubles(batch * outputs, 6);
            for (int i = 0; i < t.Length; i++)
            {
                t[i] = binaryTargets ? (t[i] > 0 ? 1 : 0) : t[i];
            }

            var analytic = new double[p.Length];
            double loss = net.Gradient(x, t, analytic);
            Assert.Equal(MeanLoss(net, x, t, inputs, outputs), loss, 12);

            for (int i = 0; i < p.Length; i++)
            {
                double original = net.Parameters[i];
                net.Parameters[i] = original + 1e-6;
                double plus = MeanLoss(net, x, t, inputs, outputs);
                net.Parameters[i] = original - 1e-6;
                double minus = MeanLoss(net, x, t, inputs, outputs);
                net.Parameters[i] = original;
                double numeric = (plus - minus) / 2e-6;
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-5 + (1e-3 * Math.Abs(numeric)), $"{name}: parameter {i}: analytic {analytic[i]:R}, numeric {numeric:R}");
            }
        }

        [Fact]
        public void Binary_cross_entropy_matches_its_definition_and_stays_finite_for_huge_logits()
        {
            var net = new MultiLabel();
            double[] x = TestData.Doubles(5, 1);
            double[] t = { 1, 0, 1, 0 };
            var probabilities = new double[4];
            net.Predict(x, probabilities);
            double expected = 0;
            for (int j = 0; j < 4; j++)
            {
                expected -= (t[j] * Math.Log(probabilities[j])) + ((1 - t[j]) * Math.Log(1 - probabilities[j]));
            }

            Assert.Equal(expected / 4, net.Loss(x, t), 12);

            net.Layer1Weights.Clear();
            net.Layer1Bias[0] = 1e4;
            net.Layer1Bias[1] = -1e4;
            net.Layer1Bias[2] = -1e4;
            net.Layer1Bias[3] = 1e4;
            Assert.Equal((0 + 0 + 1e4 + 1e4) / 4, net.Loss(x, t), 6);
            var g = new double[MultiLabel.ParameterCount];
            Assert.True(double.IsFinite(net.Gradient(x, t, g)));
            Assert.All(g, v => Assert.True(double.IsFinite(v)));
        }

        [Fact]
        public void Mean_squared_error_matches_its_definition()
        {
            var net = new Regression();
            double[] x = { 0.5, -1, 2 };
            double[] t = { 0.25, -0.75 };
            var y = new double[2];
            net.Predict(x, y);
            double expected = (((y[0] - t[0]) * (y[0] - t[0])) + ((y[1] - t[1]) * (y[1] - t[1]))) / 2;
            Assert.Equal(expected, net.Loss(x, t), 14);
        }

        [Fact]
        public void Regression_network_fits_a_sine()
        {
            const int count = 256;
            var x = new float[count];
            var y = new float[count];
            for (int i = 0; i < count; i++)
            {
                x[i] = -3f + (6f * i / (count - 1));
                y[i] = MathF.Sin(x[i]);
            }

            var net = new SineNet();
            float first = net.Train(x, y, 0f);
            var random = new Random(2);
            var order = new int[count];
            for (int i = 0; i < count; i++)
            {
                order[i] = i;
            }

            var bx = new float[16];
            var by = new float[16];
            for (int epoch = 0; epoch < 400; epoch++)
            {
                random.Shuffle(order);
                for (int start = 0; start < count; start += 16)
                {
                    for (int k = 0; k < 16; k++)
                    {
                        bx[k] = x[order[start + k]];
                        by[k] = y[order[start + k]];
                    }

                    net.Train(bx, by, 0.05f);
                }
            }

            float last = net.Train(x, y, 0f);
            Assert.True(last < 0.002f, $"mean squared error {first} → {last}");
            var prediction = new float[1];
            net.Predict(new[] { 1f }, prediction);
            Assert.Equal(MathF.Sin(1f), prediction[0], 0.1f);
        }

        [Fact]
        public void Float_target_overloads_check_lengths()
        {
            var net = new Regression();
            ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => net.Gradient(new double[6], new double[3], new double[Regression.ParameterCount]));
            Assert.Equal("targets", e.ParamName);
            Assert.Contains("4", e.Message, StringComparison.Ordinal);
            e = Assert.ThrowsAny<ArgumentException>(() => net.Gradient(new double[5], new double[4], new double[Regression.ParameterCount]));
            Assert.Equal("inputs", e.ParamName);
            e = Assert.ThrowsAny<ArgumentException>(() => net.Loss(new double[3], new double[1]));
            Assert.Equal("target", e.ParamName);
        }

        private static double MeanLoss(IDoubleTargetNet net, double[] x, double[] t, int inputs, int outputs)
        {
            double total = 0;
            int batch = x.Length / inputs;
            for (int n = 0; n < batch; n++)
            {
                total += net.Loss(x.AsSpan(n * inputs, inputs), t.AsSpan(n * outputs, outputs));
            }

            return total / batch;
        }
    }
}
