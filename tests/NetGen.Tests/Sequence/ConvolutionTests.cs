using System;
using Xunit;

namespace NetGen.Tests.Sequence
{
    /// <summary>
    /// [Conv1D]: the backward pass against central differences of the mean loss (double) with and without padding, dilation,
    /// causality and a residual; the lengths a convolution gives; causality itself; and the streaming Step of a network of
    /// causal layers against Predict at every step.
    /// </summary>
    public class ConvolutionTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void Convolutions_that_shorten_the_sequence(int batch)
        {
            var net = new ConvSequence();
            double[] x = TestData.Doubles(batch * ConvSequence.InputSize, 71, 1.5);
            double[] t = TestData.Doubles(batch * ConvSequence.OutputSize, 73, 1.0);
            CentralDifferences.Check(nameof(ConvSequence), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        public void Dilated_causal_convolutions_and_the_mean(int batch)
        {
            var net = new CausalConvClassifier();
            double[] x = TestData.Doubles(batch * CausalConvClassifier.InputSize, 75, 1.5);
            int[] y = TestData.Labels(batch, 3, 77);
            CentralDifferences.Check(nameof(CausalConvClassifier), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void A_label_per_step_after_causal_convolutions(int batch)
        {
            var net = new CausalStream();
            double[] x = TestData.Doubles(batch * CausalStream.InputSize, 79, 1.5);
            int[] y = TestData.Labels(batch * 10, 3, 81);
            CentralDifferences.Check(nameof(CausalStream), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void A_residual_temporal_convolutional_network(int batch)
        {
            var net = new ResidualTcn();
            double[] x = TestData.Doubles(batch * ResidualTcn.InputSize, 83, 1.5);
            double[] t = TestData.Doubles(batch * ResidualTcn.OutputSize, 85, 1.0);
            CentralDifferences.Check(nameof(ResidualTcn), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        /// <summary>T′ = T + 2·padding − dilation·(k − 1): 9 → 7 → 7 steps; a causal convolution keeps T.</summary>
        [Fact]
        public void The_output_has_as_many_steps_as_the_windows()
        {
            Assert.Equal(9 * 3, ConvSequence.InputSize);
            Assert.Equal(7 * 2, ConvSequence.OutputSize);
            Assert.Equal(10 * 2, CausalStream.InputSize);
            Assert.Equal(10 * 3, CausalStream.OutputSize);
            Assert.Equal(3, CausalConvClassifier.OutputSize);
            Assert.Equal((4 * 3 * 3) + 4 + (5 * 4 * 2) + 5 + (2 * 5) + 2, ConvSequence.ParameterCount);
        }

        /// <summary>Changing step s of the input changes no output before step s, and changes step s's.</summary>
        [Fact]
        public void A_causal_network_does_not_read_the_future()
        {
            var net = new CausalStream();
            net.InitializeParameters(7);
            double[] x = TestData.Doubles(CausalStream.InputSize, 87, 1.5);
            var y = new double[CausalStream.OutputSize];
            net.Predict(x, y);
            for (int s = 0; s < 10; s++)
            {
                double[] changed = (double[])x.Clone();
                changed[(s * 2) + 1] += 2.0;
                var z = new double[CausalStream.OutputSize];
                net.Predict(changed, z);
                Assert.Equal(y[..(s * 3)], z[..(s * 3)]);
                Assert.NotEqual(y[(s * 3)..((s + 1) * 3)], z[(s * 3)..((s + 1) * 3)]);
            }
        }

        /// <summary>Step t's output equals Predict's at step t, over two sequences of one stream reset between them, in double and float.</summary>
        [Fact]
        public void Each_step_streams_what_predict_gives_at_that_step()
        {
            var net = new CausalStream();
            net.InitializeParameters(9);
            var state = new double[CausalStream.StreamStateSize];
            Assert.Equal(((2 * 2) + 1) + ((3 * 5) + 1), CausalStream.StreamStateSize); // (k − 1)·d inputs and a slot each
            for (int sequence = 0; sequence < 2; sequence++)
            {
                double[] x = TestData.Doubles(CausalStream.InputSize, 89 + sequence, 1.5);
                var y = new double[CausalStream.OutputSize];
                net.Predict(x, y);
                CausalStream.ResetState(state);
                var step = new double[3];
                for (int t = 0; t < 10; t++)
                {
                    net.Step(x.AsSpan(t * 2, 2), step, state);
                    for (int j = 0; j < 3; j++)
                    {
                        Assert.True(Math.Abs(step[j] - y[(t * 3) + j]) <= 1e-13, $"sequence {sequence}, step {t}, output {j}: Step {step[j]:R}, Predict {y[(t * 3) + j]:R}");
                    }
                }
            }

            var single = new CausalStreamFloat();
            single.InitializeParameters(9);
            float[] xs = TestData.Floats(CausalStreamFloat.InputSize, 91, 1.5f);
            var ys = new float[CausalStreamFloat.OutputSize];
            single.Predict(xs, ys);
            var states = new float[CausalStreamFloat.StreamStateSize];
            var outs = new float[3];
            for (int t = 0; t < 10; t++)
            {
                single.Step(xs.AsSpan(t * 2, 2), outs, states);
                for (int j = 0; j < 3; j++)
                {
                    Assert.True(Math.Abs(outs[j] - ys[(t * 3) + j]) <= 1e-5f, $"float step {t}, output {j}: Step {outs[j]:R}, Predict {ys[(t * 3) + j]:R}");
                }
            }
        }

        /// <summary>A residual TCN streams too: each step runs the block and the shortcut and adds them.</summary>
        [Fact]
        public void A_residual_network_of_causal_layers_streams()
        {
            var net = new ResidualTcn();
            net.InitializeParameters(11);
            double[] x = TestData.Doubles(ResidualTcn.InputSize, 97, 1.5);
            var y = new double[ResidualTcn.OutputSize];
            net.Predict(x, y);
            var state = new double[ResidualTcn.StreamStateSize];
            Assert.Equal(2 * ((4 * 4) + 1), ResidualTcn.StreamStateSize);
            var step = new double[1];
            for (int t = 0; t < 12; t++)
            {
                net.Step(x.AsSpan(t * 2, 2), step, state);
                Assert.True(Math.Abs(step[0] - y[t]) <= 1e-13, $"step {t}: Step {step[0]:R}, Predict {y[t]:R}");
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void The_last_step_of_a_residual_tcn(int batch)
        {
            var net = new LastStepTcn();
            double[] x = TestData.Doubles(batch * LastStepTcn.InputSize, 99, 1.5);
            double[] t = TestData.Doubles(batch, 101, 1.0);
            CentralDifferences.Check(nameof(LastStepTcn), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, t, g));
        }

        /// <summary>[LastStep] after an LSTM's whole sequence is the LSTM that returns its last state: same parameters, same predictions and gradient.</summary>
        [Fact]
        public void The_last_step_of_an_lstms_sequence_is_its_last_state()
        {
            var sequence = new LstmThenLast();
            sequence.InitializeParameters(13);
            var last = new LstmLastOnly();
            Assert.Equal(LstmLastOnly.ParameterCount, LstmThenLast.ParameterCount);
            sequence.Parameters.CopyTo(last.Parameters);
            double[] x = TestData.Doubles(4 * LstmThenLast.InputSize, 103, 1.5);
            int[] y = TestData.Labels(4, 2, 105);
            var a = new double[4 * 2];
            var b = new double[4 * 2];
            sequence.PredictBatch(x, a);
            last.PredictBatch(x, b);
            Assert.Equal(b, a);
            var ga = new double[LstmThenLast.ParameterCount];
            var gb = new double[LstmLastOnly.ParameterCount];
            Assert.Equal(last.Gradient(x, y, gb), sequence.Gradient(x, y, ga), 14);
            for (int i = 0; i < ga.Length; i++)
            {
                Assert.True(Math.Abs(ga[i] - gb[i]) <= 1e-14 * Math.Max(1, Math.Abs(gb[i])), $"gradient {i}: {ga[i]:R} vs {gb[i]:R}");
            }
        }

        /// <summary>Through [LastStep], Step streams the prediction for the sequence so far: after all T steps, Predict's (biases nonzero).</summary>
        [Fact]
        public void A_tcn_read_at_its_last_step_streams_to_predict()
        {
            var net = new LastStepTcn();
            net.InitializeParameters(15);
            double[] noise = TestData.Doubles(LastStepTcn.ParameterCount, 109, 0.3);
            Span<double> parameters = net.Parameters;
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] += noise[i];
            }

            Assert.Equal(1, LastStepTcn.OutputSize);
            var state = new double[LastStepTcn.StreamStateSize];
            for (int sequence = 0; sequence < 2; sequence++)
            {
                double[] x = TestData.Doubles(LastStepTcn.InputSize, 107 + sequence, 1.5);
                var y = new double[1];
                net.Predict(x, y);
                LastStepTcn.ResetState(state);
                var step = new double[1];
                for (int t = 0; t < 10; t++)
                {
                    net.Step(x.AsSpan(t * 2, 2), step, state);
                }

                Assert.True(Math.Abs(step[0] - y[0]) <= 1e-13, $"sequence {sequence}: Step {step[0]:R} after 10 steps, Predict {y[0]:R}");
            }
        }

        /// <summary>A state that did not come from ResetState and Step is refused before it is read, not used to index the ring.</summary>
        [Theory]
        [InlineData(double.NaN)]
        [InlineData(-1.0)]
        [InlineData(2.0)]
        [InlineData(0.5)]
        [InlineData(1e300)]
        public void A_state_with_a_ring_slot_out_of_range_is_refused(double slot)
        {
            var net = new CausalStream();
            net.InitializeParameters(9);
            var state = new double[CausalStream.StreamStateSize];
            state[0] = slot;
            var output = new double[3];
            var error = Assert.Throws<ArgumentException>(() => net.Step(new double[2], output, state));
            Assert.Contains("Conv1D layer 0", error.Message);
            Assert.Contains("ResetState", error.Message);
            Assert.Equal(new double[3], output);
        }

        /// <summary>No allocation per streaming step, per prediction or per training step.</summary>
        [Fact]
        public void Streaming_predicting_and_training_allocate_nothing()
        {
            var net = new CausalStreamFloat();
            net.InitializeParameters(3);
            float[] x = TestData.Floats(4 * CausalStreamFloat.InputSize, 93, 1.5f);
            int[] labels = TestData.Labels(4 * 10, 3, 95);
            var y = new float[4 * CausalStreamFloat.OutputSize];
            var state = new float[CausalStreamFloat.StreamStateSize];
            var step = new float[3];
            void Round()
            {
                net.Step(x.AsSpan(0, 2), step, state);
                net.PredictBatch(x, y);
                net.Train(x, labels, 0.01f);
            }

            Round();
            Allocations.AssertNone(Round, "Step, PredictBatch and Train of a causal convolutional network");
        }
    }
}
