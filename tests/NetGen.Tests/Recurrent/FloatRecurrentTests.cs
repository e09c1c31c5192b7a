using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Tests.Recurrent
{
    /// <summary>
    /// Float recurrent networks (the gates' σ and tanh through the generated float kernels, vector lanes and scalar tail)
    /// against the double reference with the same parameters. tests/run.sh runs these again with AVX-512, AVX2 and all SIMD
    /// off, so every vector width and the scalar path are compared.
    /// </summary>
    public class FloatRecurrentTests
    {
        private readonly ITestOutputHelper _output;

        public FloatRecurrentTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Float_gru_predictions_match_the_double_reference()
        {
            var net = new RowGru();
            net.InitializeParameters(5);
            var reference = new ReferenceSequenceNet(28, SequenceHead.Softmax, SequenceLayer.Gru(28, 16), SequenceLayer.Dense(16, 10));
            Compare(net.Parameters.ToArray(), reference, RowGru.InputSize, (x, y) => net.Predict(x, y), 10, 3.0f);
        }

        [Fact]
        public void Float_lstm_predictions_match_the_double_reference()
        {
            var net = new StreamingLstm();
            net.InitializeParameters(6);
            var reference = new ReferenceSequenceNet(16, SequenceHead.Identity, SequenceLayer.Lstm(1, 32), SequenceLayer.Dense(32, 1));
            Compare(net.Parameters.ToArray(), reference, StreamingLstm.InputSize, (x, y) => net.Predict(x, y), 1, 4.0f);
        }

        [Fact]
        public void Float_lstm_with_both_parts_in_one_pass_matches_the_double_reference()
        {
            var net = new WideLstm();
            net.InitializeParameters(7);
            var reference = new ReferenceSequenceNet(9, SequenceHead.Softmax, SequenceLayer.Lstm(20, 32), SequenceLayer.Dense(32, 10));
            Compare(net.Parameters.ToArray(), reference, WideLstm.InputSize, (x, y) => net.Predict(x, y), 10, 3.0f);

            // The streaming step takes the same path from its second step on: after T steps it is Predict's output.
            float[] input = TestData.Floats(WideLstm.InputSize, 11);
            var expected = new float[10];
            net.Predict(input, expected);
            var state = new float[WideLstm.StreamStateSize];
            WideLstm.ResetState(state);
            var output = new float[10];
            for (int t = 0; t < 9; t++)
            {
                net.Step(input.AsSpan(t * 20, 20), output, state);
            }

            Assert.Equal(expected, output);
        }

        [Fact]
        public void Saturated_and_non_finite_gates()
        {
            // Inputs far outside the gates' working range saturate σ and tanh exactly as the reference does; a NaN input is a NaN output.
            var net = new StreamingLstm();
            net.InitializeParameters(8);
            var reference = new ReferenceSequenceNet(16, SequenceHead.Identity, SequenceLayer.Lstm(1, 32), SequenceLayer.Dense(32, 1));
            Compare(net.Parameters.ToArray(), reference, StreamingLstm.InputSize, (x, y) => net.Predict(x, y), 1, 500.0f);

            float[] x = TestData.Floats(StreamingLstm.InputSize, 1);
            x[3] = float.NaN;
            var y = new float[1];
            net.Predict(x, y);
            Assert.True(float.IsNaN(y[0]), $"NaN input gave {y[0]}");
        }

        private delegate void Predict(float[] x, float[] y);

        private void Compare(float[] parameters, ReferenceSequenceNet reference, int inputSize, Predict predict, int outputs, float scale)
        {
            double[] p = parameters.Select(v => (double)v).ToArray();
            double worst = 0;
            for (int example = 0; example < 20; example++)
            {
                float[] x = TestData.Floats(inputSize, 100 + example, scale);
                var y = new float[outputs];
                predict(x, y);
                double[] expected = reference.Predict(p, x.Select(v => (double)v).ToArray());
                for (int k = 0; k < outputs; k++)
                {
                    worst = Math.Max(worst, Math.Abs(y[k] - expected[k]) / Math.Max(1, Math.Abs(expected[k])));
                }
            }

            _output.WriteLine($"max relative difference {worst:E2}");
            Assert.True(worst <= 1e-5, $"max relative difference {worst}");
        }
    }
}
