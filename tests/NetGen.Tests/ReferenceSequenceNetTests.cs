using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Tests
{
    /// <summary>Small sequence networks for the reference's own tests and the PyTorch interop tests.</summary>
    public static class SequenceNetworks
    {
        public static readonly string[] Names =
        {
            "RnnToOne", "RnnToMany", "LstmToOne", "LstmToMany", "GruToOne", "GruToMany", "LstmGruDense", "GruRnnLstmToMany", "LstmAlone",
        };

        public static ReferenceSequenceNet Create(string name) => name switch
        {
            "RnnToOne" => new(4, SequenceHead.Softmax, SequenceLayer.Rnn(3, 4), SequenceLayer.Dense(4, 3)),
            "RnnToMany" => new(3, SequenceHead.Identity, SequenceLayer.Rnn(2, 3, true), SequenceLayer.Dense(3, 2, Act.Tanh)),
            "LstmToOne" => new(5, SequenceHead.Sigmoid, SequenceLayer.Lstm(3, 4), SequenceLayer.Dense(4, 3)),
            "LstmToMany" => new(4, SequenceHead.Softmax, SequenceLayer.Lstm(2, 5, true), SequenceLayer.Dense(5, 3)),
            "GruToOne" => new(4, SequenceHead.Identity, SequenceLayer.Gru(3, 5), SequenceLayer.Dense(5, 2)),
            "GruToMany" => new(5, SequenceHead.Sigmoid, SequenceLayer.Gru(2, 3, true), SequenceLayer.Dense(3, 2)),
            "LstmGruDense" => new(4, SequenceHead.Softmax, SequenceLayer.Lstm(3, 4, true), SequenceLayer.Gru(4, 3), SequenceLayer.Dense(3, 5, Act.Relu), SequenceLayer.Dense(5, 3)),
            "GruRnnLstmToMany" => new(
                3,
                SequenceHead.Identity,
                SequenceLayer.Gru(2, 3, true),
                SequenceLayer.Rnn(3, 4, true),
                SequenceLayer.Lstm(4, 2, true),
                SequenceLayer.Dense(2, 4, Act.LeakyRelu, 0.1),
                SequenceLayer.Dense(4, 2, Act.Sigmoid)),
            "LstmAlone" => new(3, SequenceHead.Identity, SequenceLayer.Lstm(2, 3, true)),
            _ => throw new ArgumentException(name),
        };

        public static IEnumerable<object[]> All() => Names.Select(n => new object[] { n });

        /// <summary>Inputs U(±1) and targets for <paramref name="count"/> examples: labels for Softmax, else floats
        /// (in [0, 1] for Sigmoid, in [−1, 1] for Identity).</summary>
        public static (double[] Inputs, int[] Labels, double[] Targets) Data(ReferenceSequenceNet net, int count, int seed)
        {
            double[] x = TestData.Doubles(count * net.InputSize, seed);
            int[] labels = TestData.Labels(count * net.TargetSize, net.StepOutputs, seed + 1);
            double[] targets = TestData.Doubles(count * net.TargetSize, seed + 2);
            if (net.Head == SequenceHead.Sigmoid)
            {
                targets = targets.Select(v => (v + 1) / 2).ToArray();
            }

            return (x, labels, targets);
        }

        public static double Loss(ReferenceSequenceNet net, double[] p, double[] x, int[] labels, double[] targets, int count) =>
            net.Head == SequenceHead.Softmax ? net.Loss(p, x, labels, count) : net.Loss(p, x, targets, count);

        public static (double Loss, double[] Gradient) Gradient(ReferenceSequenceNet net, double[] p, double[] x, int[] labels, double[] targets, int count) =>
            net.Head == SequenceHead.Softmax ? net.Gradient(p, x, labels, count) : net.Gradient(p, x, targets, count);
    }

    /// <summary>The reference sequence network checked on its own: BPTT against central differences, and its semantics.</summary>
    public class ReferenceSequenceNetTests
    {
        private const double Step = 1e-5, Relative = 1e-6, Floor = 1e-9;
        private readonly ITestOutputHelper _output;

        public ReferenceSequenceNetTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<object[]> Cases() => SequenceNetworks.All();

        [Theory]
        [MemberData(nameof(Cases))]
        public void Bptt_gradient_matches_central_differences(string name)
        {
            ReferenceSequenceNet net = SequenceNetworks.Create(name);
            const int count = 3;
            double[] p = net.Initialize(7);
            (double[] x, int[] labels, double[] targets) = SequenceNetworks.Data(net, count, 11);
            (double loss, double[] g) = SequenceNetworks.Gradient(net, p, x, labels, targets, count);
            Assert.Equal(SequenceNetworks.Loss(net, p, x, labels, targets, count), loss, 1e-14);

            (double excess, double worst, int at) = Check(net, p, x, labels, targets, count, g);
            _output.WriteLine($"{name}: {p.Length} parameters, max relative difference {worst:E2}, worst check ratio {excess:F3} at {at}");
            Assert.True(excess <= 1, $"{name}: parameter {at} is off (relative {worst:E2})");
            Assert.True(g.Count(v => v != 0) > p.Length * 0.9, $"{name}: suspiciously many zero gradient components");
        }

        [Fact]
        public void The_check_rejects_a_gradient_that_is_slightly_wrong()
        {
            ReferenceSequenceNet net = SequenceNetworks.Create("LstmGruDense");
            const int count = 2;
            double[] p = net.Initialize(3);
            (double[] x, int[] labels, double[] targets) = SequenceNetworks.Data(net, count, 5);
            double[] g = SequenceNetworks.Gradient(net, p, x, labels, targets, count).Gradient;

            // A W_hh entry of the first layer: its gradient comes only through the recurrence.
            int i = net.Tensors[1].Offset + 2;
            g[i] *= 1 + 1e-4;
            Assert.True(Check(net, p, x, labels, targets, count, g).Excess > 1);
        }

        [Theory]
        [InlineData("RnnToMany")]
        [InlineData("LstmToMany")]
        [InlineData("GruToMany")]
        [InlineData("GruRnnLstmToMany")]
        public void Each_step_of_a_many_to_many_net_is_the_many_to_one_net_on_the_prefix(string name)
        {
            ReferenceSequenceNet net = SequenceNetworks.Create(name);
            double[] p = net.Initialize(13);
            double[] x = TestData.Doubles(net.InputSize, 17);
            double[] all = net.Predict(p, x);
            int k = net.StepOutputs;
            for (int t = 0; t < net.SequenceLength; t++)
            {
                SequenceLayer[] layers = net.Layers.ToArray();
                int last = Array.FindLastIndex(layers, l => l.IsRecurrent);
                layers[last] = layers[last] with { ReturnSequences = false };
                var prefix = new ReferenceSequenceNet(t + 1, net.Head, layers);
                Assert.Equal(net.ParameterCount, prefix.ParameterCount);
                double[] y = prefix.Predict(p, x.AsSpan(0, (t + 1) * net.StepInputs).ToArray());
                for (int j = 0; j < k; j++)
                {
                    Assert.Equal(y[j], all[(t * k) + j], 1e-15);
                }
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void The_loss_of_a_batch_is_the_mean_of_the_examples(string name)
        {
            ReferenceSequenceNet net = SequenceNetworks.Create(name);
            const int count = 3;
            double[] p = net.Initialize(19);
            (double[] x, int[] labels, double[] targets) = SequenceNetworks.Data(net, count, 23);
            (double loss, double[] g) = SequenceNetworks.Gradient(net, p, x, labels, targets, count);
            double sum = 0;
            var gs = new double[p.Length];
            for (int n = 0; n < count; n++)
            {
                (double l, double[] gn) = SequenceNetworks.Gradient(
                    net,
                    p,
                    x.AsSpan(n * net.InputSize, net.InputSize).ToArray(),
                    labels.AsSpan(n * net.TargetSize, net.TargetSize).ToArray(),
                    targets.AsSpan(n * net.TargetSize, net.TargetSize).ToArray(),
                    1);
                sum += l;
                for (int i = 0; i < p.Length; i++)
                {
                    gs[i] += gn[i];
                }
            }

            Assert.Equal(sum / count, loss, 1e-14);
            for (int i = 0; i < p.Length; i++)
            {
                Assert.Equal(gs[i] / count, g[i], 1e-14);
            }
        }

        [Fact]
        public void Heads_give_probabilities_and_the_layout_is_contiguous()
        {
            foreach (string name in SequenceNetworks.Names)
            {
                ReferenceSequenceNet net = SequenceNetworks.Create(name);
                double[] y = net.Predict(net.Initialize(29), TestData.Doubles(net.InputSize, 31, 2));
                Assert.Equal(net.OutputSize, y.Length);
                for (int s = 0; s < net.Positions; s++)
                {
                    double[] step = y.AsSpan(s * net.StepOutputs, net.StepOutputs).ToArray();
                    if (net.Head == SequenceHead.Softmax)
                    {
                        Assert.Equal(1, step.Sum(), 1e-14);
                    }

                    if (net.Head != SequenceHead.Identity)
                    {
                        Assert.All(step, v => Assert.InRange(v, 0, 1));
                    }
                }

                int offset = 0;
                foreach (SequenceTensor t in net.Tensors)
                {
                    Assert.Equal(offset, t.Offset);
                    offset += t.Count;
                }

                Assert.Equal(net.ParameterCount, offset);
            }
        }

        [Fact]
        public void Topologies_that_do_not_chain_are_rejected()
        {
            Assert.Throws<ArgumentException>(() => new ReferenceSequenceNet(3, SequenceHead.Softmax, SequenceLayer.Lstm(2, 3), SequenceLayer.Dense(4, 2)));
            Assert.Throws<ArgumentException>(() => new ReferenceSequenceNet(3, SequenceHead.Softmax, SequenceLayer.Lstm(2, 3), SequenceLayer.Gru(3, 3)));
            Assert.Throws<ArgumentException>(() => new ReferenceSequenceNet(3, SequenceHead.Softmax, SequenceLayer.Lstm(2, 3, true), SequenceLayer.Dense(3, 3), SequenceLayer.Gru(3, 3)));
            Assert.Throws<ArgumentException>(() => new ReferenceSequenceNet(3, SequenceHead.Softmax, SequenceLayer.Dense(2, 3)));
            var net = new ReferenceSequenceNet(2, SequenceHead.Sigmoid, SequenceLayer.Rnn(1, 2), SequenceLayer.Dense(2, 1));
            Assert.Throws<ArgumentException>(() => net.Loss(net.Initialize(1), new double[2], new[] { 0 }, 1));
        }

        /// <summary>
        /// Central differences of the loss against <paramref name="g"/>: each component must satisfy
        /// |numeric − analytic| ≤ 1e-6 · max(|numeric|, |analytic|) + 1e-9. Returns the largest ratio of the
        /// difference to that bound (≤ 1 passes), the largest relative difference, and where the ratio peaked.
        /// </summary>
        internal static (double Excess, double Worst, int At) Check(ReferenceSequenceNet net, double[] p, double[] x, int[] labels, double[] targets, int count, double[] g)
        {
            double excess = 0, worst = 0;
            int at = -1;
            double[] q = (double[])p.Clone();
            for (int i = 0; i < p.Length; i++)
            {
                q[i] = p[i] + Step;
                double plus = SequenceNetworks.Loss(net, q, x, labels, targets, count);
                q[i] = p[i] - Step;
                double minus = SequenceNetworks.Loss(net, q, x, labels, targets, count);
                q[i] = p[i];
                double numeric = (plus - minus) / (2 * Step);
                double scale = Math.Max(Math.Abs(numeric), Math.Abs(g[i]));
                double diff = Math.Abs(numeric - g[i]);
                double ratio = diff / ((Relative * scale) + Floor);
                worst = Math.Max(worst, diff / Math.Max(scale, 1e-300));
                if (ratio > excess)
                {
                    excess = ratio;
                    at = i;
                }
            }

            return (excess, worst, at);
        }
    }
}
