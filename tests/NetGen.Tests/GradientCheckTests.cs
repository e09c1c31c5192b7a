using System;
using System.Collections.Generic;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// The analytic gradient of every generated double-precision network against central differences
    /// (ε = 1e-6), over every parameter, as PyTorch's gradcheck does: |numeric − analytic| ≤ atol + rtol·|numeric|.
    /// </summary>
    public class GradientCheckTests
    {
        private const double Epsilon = 1e-6;
        private const double RelativeTolerance = 1e-3;
        private const double AbsoluteTolerance = 1e-5;

        public static IEnumerable<object[]> Networks() => new[]
        {
            new object[] { "Linear4x3", (Func<IDoubleNet>)(() => new Linear4x3()), 4, 3 },
            new object[] { "Relu5x7x3", (Func<IDoubleNet>)(() => new Relu5x7x3()), 5, 3 },
            new object[] { "TanhSigmoid", (Func<IDoubleNet>)(() => new TanhSigmoid()), 6, 4 },
            new object[] { "Deep4", (Func<IDoubleNet>)(() => new Deep4()), 3, 2 },
            new object[] { "EveryActivation", (Func<IDoubleNet>)(() => new EveryActivation()), 17, 3 },
        };

        [Theory]
        [MemberData(nameof(Networks))]
        public void Gradient_matches_central_differences_for_every_parameter(string name, Func<IDoubleNet> create, int inputs, int classes)
        {
            // 3 examples take the 4×4 dot-block path of the mini-batch forward pass; 19 one block of 16 (the broadcast-form
            // kernel, two Vector512s of doubles) and 3 more.
            foreach (int batch in new[] { 3, 19 })
            {
                Check(name, create, inputs, classes, batch);
            }
        }

        private static void Check(string name, Func<IDoubleNet> create, int inputs, int classes, int batch)
        {
            IDoubleNet net = create();
            net.InitializeParameters(7);
            double[] x = TestData.Doubles(batch * inputs, 11, 2.0);
            int[] y = TestData.Labels(batch, classes, 13);

            // Non-zero biases so that no unit sits exactly at a kink or in a symmetric state.
            Span<double> p = net.Parameters;
            double[] jitter = TestData.Doubles(p.Length, 17, 0.1);
            for (int i = 0; i < p.Length; i++)
            {
                p[i] += jitter[i];
            }

            var analytic = new double[p.Length];
            net.Gradient(x, y, analytic);

            int checkedCount = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double original = net.Parameters[i];
                net.Parameters[i] = original + Epsilon;
                double plus = MeanLoss(net, x, y, inputs);
                net.Parameters[i] = original - Epsilon;
                double minus = MeanLoss(net, x, y, inputs);
                net.Parameters[i] = original;

                double numeric = (plus - minus) / (2 * Epsilon);
                double error = Math.Abs(numeric - analytic[i]);
                Assert.True(
                    error <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric)),
                    $"{name}, batch {batch}: parameter {i}: analytic {analytic[i]:R}, numeric {numeric:R}");
                checkedCount++;
            }

            Assert.Equal(p.Length, checkedCount);
        }

        [Fact]
        public void Gradient_check_can_fail_on_a_wrong_gradient()
        {
            // The check above must be able to fire: perturb one analytic entry and it must be caught.
            var net = new Relu5x7x3();
            double[] x = TestData.Doubles(5, 1);
            int[] y = { 2 };
            var analytic = new double[Relu5x7x3.ParameterCount];
            net.Gradient(x, y, analytic);
            analytic[3] += 1e-2;

            double original = net.Parameters[3];
            net.Parameters[3] = original + Epsilon;
            double plus = net.Loss(x, 2);
            net.Parameters[3] = original - Epsilon;
            double minus = net.Loss(x, 2);
            net.Parameters[3] = original;
            double numeric = (plus - minus) / (2 * Epsilon);
            Assert.False(Math.Abs(numeric - analytic[3]) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric)));
        }

        private static double MeanLoss(IDoubleNet net, double[] x, int[] y, int inputs)
        {
            double total = 0;
            for (int n = 0; n < y.Length; n++)
            {
                total += net.Loss(x.AsSpan(n * inputs, inputs), y[n]);
            }

            return total / y.Length;
        }
    }
}
