using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Tests.Interop;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Tests.Recurrent
{
    /// <summary>
    /// The generated recurrent networks against the reference sequence network (plain double-precision BPTT), without
    /// Python: the loss, every parameter's gradient (to 1e-10 relative to each tensor's largest entry) and the
    /// predictions, for one example and for a mini-batch.
    /// </summary>
    public class GeneratedRecurrentReferenceTests
    {
        private const double Tolerance = 1e-10;
        private readonly ITestOutputHelper _output;

        public GeneratedRecurrentReferenceTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<object[]> Cases() => GeneratedSequenceNetworks.DoubleNamesAndBatches();

        [Theory]
        [MemberData(nameof(Cases))]
        public void Generated_gradients_equal_the_reference(string name, int batch)
        {
            GeneratedCase<IDoubleSequenceNet> c = GeneratedSequenceNetworks.DoubleCase(name);
            ReferenceSequenceNet twin = c.Twin;
            IDoubleSequenceNet net = GeneratedSequenceNetworks.DoubleNet(c);
            double[] p = net.Parameters.ToArray();
            (double[] x, int[] labels, double[] targets) = GeneratedSequenceNetworks.GradientData(twin, batch);

            var gradient = new double[p.Length];
            double loss = GeneratedSequenceNetworks.Gradient(net, x, labels, targets, gradient);
            (double expectedLoss, double[] expected) = SequenceNetworks.Gradient(twin, p, x, labels, targets, batch);
            double lossDiff = Math.Abs(loss - expectedLoss) / Math.Abs(expectedLoss);
            (double diff, string tensor) = RecurrentTorch.MaxRelative(twin, expected, gradient);

            double predictionDiff = 0;
            var y = new double[twin.OutputSize];
            for (int n = 0; n < batch; n++)
            {
                double[] example = x.AsSpan(n * twin.InputSize, twin.InputSize).ToArray();
                net.Predict(example, y);
                predictionDiff = Math.Max(predictionDiff, RecurrentTorch.MaxRelative(twin.Predict(p, example), y));
            }

            _output.WriteLine($"{name}, batch {batch}: predictions {predictionDiff:E2}, loss {lossDiff:E2}, gradient {diff:E2} (worst {tensor})");
            Assert.True(predictionDiff <= Tolerance, $"{name}: predictions differ by {predictionDiff:E2}");
            Assert.True(lossDiff <= Tolerance, $"{name}, batch {batch}: loss {loss:R} vs reference {expectedLoss:R}");
            Assert.True(diff <= Tolerance, $"{name}, batch {batch}: gradient of {tensor} differs by {diff:E2}");
            Assert.Contains(expected, v => Math.Abs(v) > 1e-3);
        }
    }
}
