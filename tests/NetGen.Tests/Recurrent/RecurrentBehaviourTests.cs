using System;
using Xunit;

namespace NetGen.Tests.Recurrent
{
    /// <summary>The recurrent networks' paths agree with each other: streaming and whole sequences, one example and a batch, fused and plain SGD.</summary>
    public class RecurrentBehaviourTests
    {
        [Fact]
        public void Streaming_steps_end_where_predict_does()
        {
            var net = new StreamingLstm();
            float[] x = TestData.Floats(StreamingLstm.InputSize, 3);
            var expected = new float[1];
            net.Predict(x, expected);

            var state = new float[StreamingLstm.StreamStateSize];
            StreamingLstm.ResetState(state);
            var output = new float[1];
            for (int t = 0; t < StreamingLstm.SequenceLength; t++)
            {
                net.Step(x.AsSpan(t, 1), output, state);
            }

            Assert.Equal(expected[0], output[0]);

            // A second stream on the same network, interleaved, is independent of the first.
            var other = new float[StreamingLstm.StreamStateSize];
            net.Step(x.AsSpan(0, 1), output, other);
            var fresh = new StreamingLstm();
            var single = new float[1];
            var freshState = new float[StreamingLstm.StreamStateSize];
            fresh.Step(x.AsSpan(0, 1), single, freshState);
            Assert.Equal(single[0], output[0]);
        }

        [Fact]
        public void Streaming_many_to_many_matches_every_step_of_predict()
        {
            var net = new LstmToMany();
            net.InitializeParameters(3);
            double[] x = TestData.Doubles(LstmToMany.InputSize, 5);
            var expected = new double[LstmToMany.OutputSize];
            net.Predict(x, expected);
            var state = new double[LstmToMany.StreamStateSize];
            var output = new double[3];
            for (int t = 0; t < LstmToMany.SequenceLength; t++)
            {
                net.Step(x.AsSpan(t * 2, 2), output, state);
                for (int k = 0; k < 3; k++)
                {
                    Assert.Equal(expected[(t * 3) + k], output[k], 14);
                }
            }
        }

        [Fact]
        public void PredictBatch_matches_predict_one_by_one()
        {
            var net = new RowGru();
            const int count = 37; // more than one chunk of 32, and a rest
            float[] x = TestData.Floats(count * RowGru.InputSize, 9);
            var batch = new float[count * RowGru.OutputSize];
            net.PredictBatch(x, batch);
            var one = new float[RowGru.OutputSize];
            for (int n = 0; n < count; n++)
            {
                net.Predict(x.AsSpan(n * RowGru.InputSize, RowGru.InputSize), one);
                for (int k = 0; k < RowGru.OutputSize; k++)
                {
                    // The Dense layer after the GRU sums in another order in blocks of examples: equal to rounding.
                    Assert.True(Math.Abs(one[k] - batch[(n * RowGru.OutputSize) + k]) <= 1e-6f, $"example {n}, output {k}: {one[k]} vs {batch[(n * RowGru.OutputSize) + k]}");
                }
            }
        }

        [Fact]
        public void Fused_sgd_steps_equal_a_gradient_then_a_step()
        {
            // Batch 1 (Layer{l}Update), a fused mini-batch (BackwardBatch on the parameters) and the gradient path must agree.
            foreach (int batch in new[] { 1, 5 })
            {
                var fused = new RnnToOne();
                var reference = new RnnToOne();
                double[] x = TestData.Doubles(batch * RnnToOne.InputSize, 17 + batch, 1.5);
                int[] y = TestData.Labels(batch, 3, 19);
                var gradient = new double[RnnToOne.ParameterCount];
                for (int step = 0; step < 3; step++)
                {
                    double loss = fused.Train(x, y, 0.1);
                    double expectedLoss = reference.Gradient(x, y, gradient);
                    Span<double> p = reference.Parameters;
                    for (int i = 0; i < p.Length; i++)
                    {
                        p[i] -= 0.1 * gradient[i];
                    }

                    Assert.Equal(expectedLoss, loss, 12);
                }

                for (int i = 0; i < RnnToOne.ParameterCount; i++)
                {
                    Assert.Equal(reference.Parameters[i], fused.Parameters[i], 12);
                }
            }
        }

        [Fact]
        public void Many_to_many_loss_is_the_mean_over_steps_and_labels_are_checked()
        {
            var net = new LstmToMany();
            double[] x = TestData.Doubles(LstmToMany.InputSize, 23);
            int[] labels = { 0, 2, 1, 1 };
            double loss = net.Loss(x, labels);
            var gradient = new double[LstmToMany.ParameterCount];
            Assert.Equal(loss, net.Gradient(x, labels, gradient), 14);

            var classes = new int[LstmToMany.SequenceLength];
            net.Classify(x, classes);
            var probabilities = new double[LstmToMany.OutputSize];
            net.Predict(x, probabilities);
            for (int t = 0; t < classes.Length; t++)
            {
                Assert.Equal(probabilities.AsSpan(t * 3, 3).ToArray().AsSpan().IndexOf(System.Linq.Enumerable.Max(probabilities.AsSpan(t * 3, 3).ToArray())), classes[t]);
            }

            Assert.Throws<ArgumentException>(() => net.Gradient(x, new[] { 0, 1, 2 }, gradient));
            Assert.Throws<ArgumentException>(() => net.Gradient(x, new[] { 0, 1, 2, 3 }, gradient));
        }

        [Fact]
        public void Training_allocates_nothing_per_step_once_warm()
        {
            var net = new RowGru();
            float[] x = TestData.Floats(32 * RowGru.InputSize, 29);
            int[] y = TestData.Labels(32, 10, 31);
            var state = new float[RowGru.StreamStateSize];
            var output = new float[RowGru.OutputSize];
            net.Train(x, y, 0.01f);
            net.Train(x.AsSpan(0, RowGru.InputSize), y[0], 0.01f);
            net.Step(x.AsSpan(0, 28), output, state);
            Allocations.AssertNone(
                () =>
                {
                    for (int i = 0; i < 5; i++)
                    {
                        net.Train(x, y, 0.01f);
                        net.Train(x.AsSpan(0, RowGru.InputSize), y[0], 0.01f);
                        net.Predict(x.AsSpan(0, RowGru.InputSize), output);
                        net.Step(x.AsSpan(0, 28), output, state);
                    }
                },
                "5 rounds of Train, Train, Predict and Step");
        }

        [Fact]
        public void Memory_per_example_grows_with_the_sequence_length()
        {
            // Per example: the output, T + 1 step records (i, f, g, o, c, h for an LSTM) and one G·H work area, then the Dense layer.
            Assert.Equal(4 * ((32 + (17 * 6 * 32) + (4 * 32)) + 1), StreamingLstm.ActivationBytesPerExample);
        }
    }
}
