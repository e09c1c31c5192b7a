using System;
using Xunit;

namespace NetGen.Tests.Recurrent
{
    /// <summary>
    /// Backpropagation through time of every recurrent kind, many-to-one, many-to-many and stacked, against central
    /// differences of the mean loss over every parameter (double precision), on the mini-batch and the single-example paths.
    /// </summary>
    public class RecurrentGradientTests
    {
        private const double Epsilon = 1e-6;
        private const double RelativeTolerance = 1e-4;
        private const double AbsoluteTolerance = 1e-7;

        private delegate Span<double> ParametersOf();

        /// <summary>The mean loss of the batch, writing its gradient (the generated Gradient).</summary>
        private delegate double GradientOf(double[] gradient);

        [Fact]
        public void Lstm_many_to_one()
        {
            var net = new LstmToOne();
            foreach (int batch in new[] { 1, 3 })
            {
                double[] x = TestData.Doubles(batch * LstmToOne.InputSize, 11, 1.5);
                int[] y = TestData.Labels(batch, 3, 13);
                Check("LstmToOne", net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
            }
        }

        [Fact]
        public void Gru_many_to_one()
        {
            var net = new GruToOne();
            foreach (int batch in new[] { 1, 3 })
            {
                double[] x = TestData.Doubles(batch * GruToOne.InputSize, 21, 1.5);
                int[] y = TestData.Labels(batch, 3, 23);
                Check("GruToOne", net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
            }
        }

        [Fact]
        public void Rnn_many_to_one_with_two_dense_layers()
        {
            var net = new RnnToOne();
            foreach (int batch in new[] { 1, 4 })
            {
                double[] x = TestData.Doubles(batch * RnnToOne.InputSize, 31, 1.5);
                int[] y = TestData.Labels(batch, 3, 33);
                Check("RnnToOne", net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
            }
        }

        [Fact]
        public void Lstm_many_to_many_takes_a_label_per_step()
        {
            var net = new LstmToMany();
            Assert.Equal(4 * 3, LstmToMany.OutputSize);
            foreach (int batch in new[] { 1, 3 })
            {
                double[] x = TestData.Doubles(batch * LstmToMany.InputSize, 41, 1.5);
                int[] y = TestData.Labels(batch * LstmToMany.SequenceLength, 3, 43);
                Check("LstmToMany", net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
            }
        }

        [Fact]
        public void Stacked_lstm_and_gru_regression()
        {
            var net = new StackedRegression();
            foreach (int batch in new[] { 1, 3 })
            {
                double[] x = TestData.Doubles(batch * StackedRegression.InputSize, 51, 1.5);
                double[] t = TestData.Doubles(batch * StackedRegression.OutputSize, 53, 1.0);
                Check("StackedRegression", net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
            }
        }

        [Fact]
        public void Stacked_rnn_and_gru_many_to_many_multi_label()
        {
            var net = new StackedMultiLabel();
            foreach (int batch in new[] { 1, 2 })
            {
                double[] x = TestData.Doubles(batch * StackedMultiLabel.InputSize, 61, 1.5);
                double[] t = TestData.Doubles(batch * StackedMultiLabel.OutputSize, 63, 0.5);
                for (int i = 0; i < t.Length; i++)
                {
                    t[i] += 0.5;
                }

                Check("StackedMultiLabel", net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
            }
        }

        [Fact]
        public void The_check_can_fail()
        {
            var net = new LstmToOne();
            double[] x = TestData.Doubles(2 * LstmToOne.InputSize, 11, 1.5);
            int[] y = TestData.Labels(2, 3, 13);
            Assert.ThrowsAny<Exception>(() => Check("perturbed", net.InitializeParameters, () => net.Parameters, g =>
            {
                double loss = net.Gradient(x, y, g);
                g[LstmToOne.ParameterCount / 3] += 1e-3; // one entry of W_hh
                return loss;
            }));
        }

        private static void Check(string name, Action<int> initialize, ParametersOf parameters, GradientOf gradient)
        {
            initialize(7);
            Span<double> p = parameters();
            var analytic = new double[p.Length];
            gradient(analytic);
            var ignored = new double[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                double original = parameters()[i];
                parameters()[i] = original + Epsilon;
                double plus = gradient(ignored);
                parameters()[i] = original - Epsilon;
                double minus = gradient(ignored);
                parameters()[i] = original;
                double numeric = (plus - minus) / (2 * Epsilon);
                double error = Math.Abs(numeric - analytic[i]);
                Assert.True(
                    error <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric)),
                    $"{name}: parameter {i} of {p.Length}: analytic {analytic[i]:R}, numeric {numeric:R}");
            }
        }
    }
}
