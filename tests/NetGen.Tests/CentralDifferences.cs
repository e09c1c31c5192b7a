using System;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>
    /// The backward pass of a double network against central differences of its mean loss, parameter by parameter:
    /// (L(θ + ε) − L(θ − ε)) / 2ε, with ε = 1e-6 by default, to 1e-5 relative (plus 1e-8 absolute). Where a batch
    /// normalization spreads a parameter's change over every value of a channel, a ReLU after it sees more units near
    /// its kink, and a smaller ε keeps the difference from straddling one.
    /// </summary>
    internal static class CentralDifferences
    {
        private const double DefaultEpsilon = 1e-6;
        private const double RelativeTolerance = 1e-5;
        private const double AbsoluteTolerance = 1e-8;

        public delegate Span<double> ParametersOf();

        public delegate double GradientOf(double[] gradient);

        /// <summary>
        /// Initializes the network from seed 7, takes its analytic gradient, and checks every <paramref name="stride"/>-th
        /// parameter (and the last) against central differences of the loss <paramref name="gradient"/> returns.
        /// </summary>
        public static void Check(string name, Action<int> initialize, ParametersOf parameters, GradientOf gradient, int stride = 1, double epsilon = DefaultEpsilon)
        {
            initialize(7);
            Span<double> p = parameters();
            var analytic = new double[p.Length];
            gradient(analytic);
            double largest = 0;
            foreach (double g in analytic)
            {
                largest = Math.Max(largest, Math.Abs(g));
            }

            Assert.True(largest > 1e-6, $"{name}: the gradient is all zero");
            var ignored = new double[p.Length];
            for (int i = 0; i < p.Length; i = i == p.Length - 1 ? p.Length : Math.Min(i + stride, p.Length - 1))
            {
                double original = parameters()[i];
                parameters()[i] = original + epsilon;
                double plus = gradient(ignored);
                parameters()[i] = original - epsilon;
                double minus = gradient(ignored);
                parameters()[i] = original;
                double numeric = (plus - minus) / (2 * epsilon);
                double error = Math.Abs(numeric - analytic[i]);
                Assert.True(
                    error <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric)),
                    $"{name}: parameter {i} of {p.Length}: analytic {analytic[i]:R}, numeric {numeric:R}");
            }
        }
    }
}
