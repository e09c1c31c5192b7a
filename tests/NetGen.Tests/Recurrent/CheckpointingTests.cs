using System;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Tests.Recurrent
{
    /// <summary>Checkpointing keeps every ⌈√T⌉-th step record and recomputes the rest: the same gradients, bit for bit, in less memory.</summary>
    public class CheckpointingTests
    {
        private readonly ITestOutputHelper _output;

        public CheckpointingTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Lstm_gradients_are_bit_identical_and_memory_shrinks()
        {
            var full = new LstmFull();
            var checkpointed = new LstmCheckpointed();
            foreach (int batch in new[] { 1, 7 })
            {
                float[] x = TestData.Floats(batch * LstmFull.InputSize, 3 + batch);
                int[] y = TestData.Labels(batch, 4, 5);
                var g1 = new float[LstmFull.ParameterCount];
                var g2 = new float[LstmCheckpointed.ParameterCount];
                float l1 = full.Gradient(x, y, g1);
                float l2 = checkpointed.Gradient(x, y, g2);
                Assert.Equal(BitConverter.SingleToInt32Bits(l1), BitConverter.SingleToInt32Bits(l2));
                for (int i = 0; i < g1.Length; i++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(g1[i]) == BitConverter.SingleToInt32Bits(g2[i]), $"batch {batch}, parameter {i}: {g1[i]:R} vs {g2[i]:R}");
                }
            }

            // T = 28: 29 step records of 6·16 values against 5 checkpoints + 2 rolling ones (the recomputed segment lives in the
            // training scratch, once for all examples).
            _output.WriteLine($"bytes per example: full {LstmFull.ActivationBytesPerExample:N0}, checkpointed {LstmCheckpointed.ActivationBytesPerExample:N0}");
            Assert.True(LstmCheckpointed.ActivationBytesPerExample * 3 < LstmFull.ActivationBytesPerExample);
        }

        [Fact]
        public void Training_trajectories_are_bit_identical()
        {
            var full = new LstmFull();
            var checkpointed = new LstmCheckpointed();
            float[] x = TestData.Floats(9 * LstmFull.InputSize, 11);
            int[] y = TestData.Labels(9, 4, 13);
            for (int step = 0; step < 4; step++)
            {
                Assert.Equal(full.Train(x, y, 0.1f), checkpointed.Train(x, y, 0.1f));
                Assert.Equal(full.Train(x.AsSpan(0, LstmFull.InputSize), y[0], 0.1f), checkpointed.Train(x.AsSpan(0, LstmFull.InputSize), y[0], 0.1f));
            }

            Assert.True(full.Parameters.SequenceEqual(checkpointed.Parameters));
        }

        [Fact]
        public void Stacked_many_to_many_in_double_and_a_single_step()
        {
            var full = new StackedFull();
            var checkpointed = new StackedCheckpointed();
            double[] x = TestData.Doubles(4 * StackedFull.InputSize, 17);
            double[] t = TestData.Doubles(4 * StackedFull.OutputSize, 19);
            var g1 = new double[StackedFull.ParameterCount];
            var g2 = new double[StackedCheckpointed.ParameterCount];
            Assert.Equal(full.Gradient(x, t, g1), checkpointed.Gradient(x, t, g2));
            Assert.Equal(g1, g2);

            var one = new OneStepFull();
            var oneCheckpointed = new OneStepCheckpointed();
            float[] x1 = TestData.Floats(3 * OneStepFull.InputSize, 23);
            int[] y1 = TestData.Labels(3, 2, 29);
            var h1 = new float[OneStepFull.ParameterCount];
            var h2 = new float[OneStepCheckpointed.ParameterCount];
            one.Gradient(x1, y1, h1);
            oneCheckpointed.Gradient(x1, y1, h2);
            Assert.Equal(h1, h2);
        }
    }
}
