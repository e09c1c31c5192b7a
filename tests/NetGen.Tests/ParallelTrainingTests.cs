using System;
using System.Linq;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Runs its tests alone: they count the allocations of every thread in the process.</summary>
    [CollectionDefinition(nameof(ProcessWideAllocations), DisableParallelization = true)]
    public sealed class ProcessWideAllocations
    {
    }

    /// <summary>The opt-in data-parallel mini-batch step (TrainingThreads ≥ 2).</summary>
    [Collection(nameof(ProcessWideAllocations))]
    public class ParallelTrainingTests
    {
        [Theory]
        [InlineData(2, 128)]
        [InlineData(2, 301)]
        [InlineData(3, 200)]
        public void Parallel_step_equals_the_gradient_step_and_is_deterministic(int threads, int count)
        {
            double[] x = TestData.Doubles(count * 784, 60);
            int[] y = TestData.Labels(count, 10, 61);

            var reference = new MnistNetDouble();
            var g = new double[MnistNetDouble.ParameterCount];
            double expectedLoss = reference.Gradient(x, y, g);
            Span<double> p = reference.Parameters;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] -= 0.1 * g[i];
            }

            var first = new MnistNetDouble { TrainingThreads = threads };
            var second = new MnistNetDouble { TrainingThreads = threads };
            Assert.Equal(expectedLoss, first.Train(x, y, 0.1), 12);
            Assert.Equal(expectedLoss, second.Train(x, y, 0.1), 12);
            Assert.True(first.Parameters.SequenceEqual(second.Parameters), "two runs of the same parallel step differ");
            double[] a = first.Parameters.ToArray();
            double[] b = reference.Parameters.ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-13 * (1 + Math.Abs(b[i])), $"parameter {i}: expected {b[i]:R}, got {a[i]:R}");
            }
        }

        [Fact]
        public void Parallel_training_repeats_bit_for_bit_over_many_steps_with_every_optimizer()
        {
            float[] x = TestData.Floats(128 * 784, 70);
            int[] y = TestData.Labels(128, 10, 71);
            float[] Run()
            {
                var net = new MnistAdam { TrainingThreads = 2 };
                for (int step = 0; step < 10; step++)
                {
                    net.Train(x.AsSpan((step % 2) * 64 * 784, 64 * 784), y.AsSpan((step % 2) * 64, 64), 0.001f);
                }

                return net.Parameters.ToArray();
            }

            float[] one = Run();
            float[] two = Run();
            Assert.Equal(one, two);
        }

        [Fact]
        public void Parallel_training_allocates_nothing_once_warm_on_any_thread()
        {
            var net = new MnistNet { TrainingThreads = 2 };
            float[] x = TestData.Floats(128 * 784, 80);
            int[] y = TestData.Labels(128, 10, 81);
            for (int i = 0; i < 5; i++)
            {
                net.Train(x, y, 0.01f);
            }

            // Counted over the whole process (the parts run on pool threads), so a one-off of the runtime's own (a pool
            // thread started, events of an earlier test still being dispatched) can land in a window: an allocation per
            // step shows in every attempt, a one-off in one at most.
            // With SIMD turned off (tests/run.sh's DOTNET_EnableHWIntrinsic=0 pass) five steps are slow enough that one of the
            // runtime's own background allocations (168 B) lands in every window; there a window must stay under 1 KB, which
            // is still less than one allocation per step. Everywhere else, 0.
            // A loaded machine (a build beside the tests) stretches the windows too: a 168 B one-off then landed in two of three
            // attempts. Six attempts: a one-off still leaves one clean window; an allocation per step still fails all six.
            long allowed = System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? 0 : 1023;
            var attempts = new long[6];
            for (int attempt = 0; attempt < attempts.Length; attempt++)
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = 0; i < 5; i++)
                {
                    net.Train(x, y, 0.01f);
                }

                attempts[attempt] = GC.GetTotalAllocatedBytes(precise: true) - before;
                if (attempts[attempt] <= allowed)
                {
                    return;
                }
            }

            Assert.Fail("bytes allocated over 5 parallel steps, in each of 6 attempts: " + string.Join(", ", attempts));
        }

        [Fact]
        public void A_sequence_network_splits_by_its_rows_of_work_and_steps_as_the_gradient_does()
        {
            // Each example of a sequence network is SequenceLength rows of work: a batch of a few examples is already worth
            // splitting. The parallel AdamW step equals one thread's to rounding, and two runs agree bit for bit.
            int minimum = (int)typeof(Sequence.ParallelDecoder).GetField("MinParallelBatch", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetRawConstantValue()!;
            Assert.True(minimum <= 32, $"MinParallelBatch {minimum}");
            const int Count = 32;
            float[] x = TestData.Labels(Count * Sequence.ParallelDecoder.InputSize, Sequence.ParallelDecoder.Vocabulary, 70).Select(t => (float)t).ToArray();
            int[] y = TestData.Labels(Count * Sequence.ParallelDecoder.InputSize, Sequence.ParallelDecoder.Vocabulary, 71);
            var one = new Sequence.ParallelDecoder();
            var first = new Sequence.ParallelDecoder { TrainingThreads = 2 };
            var second = new Sequence.ParallelDecoder { TrainingThreads = 2 };

            // Adam divides each gradient by its own size, so where the gradient is zero in exact arithmetic (the key bias:
            // softmax ignores a constant added to every score) the step follows rounding noise; those values are left out.
            var g = new float[Sequence.ParallelDecoder.ParameterCount];
            one.Gradient(x, y, g);
            float largest = g.Max(v => Math.Abs(v));
            float expected = one.Train(x, y, 0.01f);
            Assert.Equal(expected, first.Train(x, y, 0.01f), 5);
            second.Train(x, y, 0.01f);
            Assert.True(first.Parameters.SequenceEqual(second.Parameters), "two runs of the same parallel step differ");
            Assert.False(first.Parameters.SequenceEqual(one.Parameters), "the two-thread step did not split (it equals one thread's bit for bit)");
            float[] a = first.Parameters.ToArray();
            float[] b = one.Parameters.ToArray();
            int compared = 0;
            for (int i = 0; i < a.Length; i++)
            {
                if (Math.Abs(g[i]) > 1e-4f * largest)
                {
                    compared++;
                    Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5f * (1 + Math.Abs(b[i])), $"parameter {i}: expected {b[i]:R}, got {a[i]:R}");
                }
            }

            Assert.True(compared > a.Length / 2, $"only {compared} of {a.Length} parameters compared");
        }

        [Fact]
        public void A_recurrent_network_splits_a_few_long_sequences_and_steps_as_one_thread_does()
        {
            int minimum = (int)typeof(ParallelLstm).GetField("MinParallelBatch", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetRawConstantValue()!;
            Assert.True(minimum <= 8, $"MinParallelBatch {minimum}");
            const int Count = 8;
            double[] x = TestData.Doubles(Count * ParallelLstm.InputSize, 80);
            int[] y = TestData.Labels(Count, ParallelLstm.ClassCount, 81);
            var one = new ParallelLstm();
            var two = new ParallelLstm { TrainingThreads = 2 };
            for (int step = 0; step < 3; step++)
            {
                Assert.Equal(one.Train(x, y, 0.05), two.Train(x, y, 0.05), 12);
            }

            double[] a = two.Parameters.ToArray();
            double[] b = one.Parameters.ToArray();
            Assert.False(a.SequenceEqual(b), "the two-thread step did not split (it equals one thread's bit for bit)");
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-12 * (1 + Math.Abs(b[i])), $"parameter {i}: expected {b[i]:R}, got {a[i]:R}");
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(32)]
        [InlineData(127)]
        public void Below_the_batch_where_splitting_pays_two_threads_train_exactly_as_one(int count)
        {
            // Plain SGD on net B splits from 128 examples (MinParallelBatch): below it the step is the one-thread step.
            float[] x = TestData.Floats(count * 784, 90);
            int[] y = TestData.Labels(count, 10, 91);
            var one = new MnistNet();
            var two = new MnistNet { TrainingThreads = 2 };
            for (int step = 0; step < 3; step++)
            {
                Assert.Equal(one.Train(x, y, 0.05f), two.Train(x, y, 0.05f));
            }

            Assert.Equal(one.Parameters.ToArray(), two.Parameters.ToArray());
        }

        [Fact]
        public void Training_threads_must_be_between_1_and_64()
        {
            var net = new MnistNet();
            Assert.Equal(1, net.TrainingThreads);
            Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainingThreads = 0);
            Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainingThreads = 65);
        }
    }

    /// <summary>An LSTM over 32 steps: a few examples are already much work.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 32)]
    [Lstm(16, 64)]
    [Dense(64, 4)][Softmax]
    public partial class ParallelLstm { }
}
