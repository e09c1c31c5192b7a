using System;
using System.Collections.Generic;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Generated networks against <see cref="ReferenceNet"/> with the same weights: outputs, loss and gradient.</summary>
    public class ReferenceTests
    {
        public static IEnumerable<object[]> DoubleNetworks() => new[]
        {
            new object[] { (Func<IDoubleNet>)(() => new MnistNetDouble()), Topologies.Mnist },
            new object[] { (Func<IDoubleNet>)(() => new Linear4x3()), Topologies.Linear4x3 },
            new object[] { (Func<IDoubleNet>)(() => new Relu5x7x3()), Topologies.Relu5x7x3 },
            new object[] { (Func<IDoubleNet>)(() => new TanhSigmoid()), Topologies.TanhSigmoid },
            new object[] { (Func<IDoubleNet>)(() => new Deep4()), Topologies.Deep4 },
            new object[] { (Func<IDoubleNet>)(() => new EveryActivation()), Topologies.EveryActivation },
            new object[] { (Func<IDoubleNet>)(() => new Wide3x700x3()), Topologies.Wide3x700x3 },
        };

        [Theory]
        [MemberData(nameof(DoubleNetworks))]
        public void Double_network_matches_reference(Func<IDoubleNet> create, Layer[] topology)
        {
            IDoubleNet net = create();
            var reference = new ReferenceNet(topology);
            Assert.Equal(reference.ParameterCount, net.Parameters.Length);

            int inputs = topology[0].Inputs;
            int classes = topology[^1].Outputs;
            const int batch = 37; // double: two blocks of 16 through the broadcast-form forward kernel, then 5 more
            double[] p = net.Parameters.ToArray();
            double[] x = TestData.Doubles(batch * inputs, 3);
            int[] y = TestData.Labels(batch, classes, 4);
            double[][] rows = TestData.Rows(x, inputs);

            var output = new double[classes];
            for (int n = 0; n < batch; n++)
            {
                net.Predict(rows[n], output);
                double[] expected = reference.Probabilities(p, rows[n]);
                for (int j = 0; j < classes; j++)
                {
                    Assert.Equal(expected[j], output[j], 1e-12);
                }

                Assert.Equal(reference.Loss(p, rows[n], y[n]), net.Loss(rows[n], y[n]), 1e-10);
                Assert.Equal(Array.IndexOf(expected, Max(expected)), net.Classify(rows[n]));
            }

            var gradient = new double[p.Length];
            var expectedGradient = new double[p.Length];
            double loss = net.Gradient(x, y, gradient);
            double expectedLoss = reference.Gradient(p, rows, y, expectedGradient);
            Assert.Equal(expectedLoss, loss, 1e-10);
            for (int i = 0; i < p.Length; i++)
            {
                Assert.True(
                    Math.Abs(expectedGradient[i] - gradient[i]) <= 1e-10 * (1 + Math.Abs(expectedGradient[i])),
                    $"parameter {i}: expected {expectedGradient[i]:R}, got {gradient[i]:R}");
            }
        }

        [Fact]
        public void Float_networks_match_reference_within_float_precision()
        {
            Check(new MnistNet(), Topologies.Mnist, 2e-5);
            Check(new Odd17x33x9(), Topologies.Odd17x33x9, 2e-5);

            static void Check(IFloatNet net, Layer[] topology, double tolerance)
            {
                var reference = new ReferenceNet(topology);
                int inputs = topology[0].Inputs;
                int classes = topology[^1].Outputs;
                const int batch = 36; // float: one block of 32 through the broadcast-form forward kernel, then 4 more
                double[] p = Array.ConvertAll(net.Parameters.ToArray(), v => (double)v);
                float[] x = TestData.Floats(batch * inputs, 5);
                int[] y = TestData.Labels(batch, classes, 6);
                double[][] rows = TestData.Rows(Array.ConvertAll(x, v => (double)v), inputs);

                var output = new float[classes];
                for (int n = 0; n < batch; n++)
                {
                    net.Predict(x.AsSpan(n * inputs, inputs), output);
                    double[] expected = reference.Probabilities(p, rows[n]);
                    for (int j = 0; j < classes; j++)
                    {
                        Assert.Equal(expected[j], output[j], tolerance);
                    }
                }

                var gradient = new float[p.Length];
                var expectedGradient = new double[p.Length];
                float loss = net.Gradient(x, y, gradient);
                double expectedLoss = reference.Gradient(p, rows, y, expectedGradient);
                Assert.Equal(expectedLoss, loss, 1e-4);
                for (int i = 0; i < p.Length; i++)
                {
                    Assert.True(
                        Math.Abs(expectedGradient[i] - gradient[i]) <= tolerance * (1 + Math.Abs(expectedGradient[i])),
                        $"parameter {i}: expected {expectedGradient[i]:R}, got {gradient[i]:R}");
                }
            }
        }

        private static double Max(double[] values)
        {
            double max = double.NegativeInfinity;
            foreach (double v in values)
            {
                max = Math.Max(max, v);
            }

            return max;
        }
    }
}
