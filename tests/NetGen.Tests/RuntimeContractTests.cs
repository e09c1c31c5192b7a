using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace NetGen.Tests
{
    public class RuntimeContractTests
    {
        [Fact]
        public void Every_member_allocates_nothing_once_warm()
        {
            var net = new MnistNet();
            float[] x = TestData.Floats(256 * MnistNet.InputSize, 1);
            int[] y = TestData.Labels(256, 10, 2);
            var output = new float[10];
            var gradient = new float[MnistNet.ParameterCount];

            void All()
            {
                ReadOnlySpan<float> one = x.AsSpan(0, MnistNet.InputSize);
                net.Predict(one, output);
                net.Classify(one);
                net.Loss(one, 3);
                net.Train(one, 3, 0.01f);
                net.Train(x.AsSpan(0, 32 * MnistNet.InputSize), y.AsSpan(0, 32), 0.01f);
                net.Train(x, y, 0.01f);
                net.Gradient(x.AsSpan(0, 7 * MnistNet.InputSize), y.AsSpan(0, 7), gradient);
            }

            // Warm: scratch buffers are allocated once per instance on the first call. Calls past the tier-up threshold
            // (30) let the runtime's own one-time work (tiered recompilation of these methods) happen before measuring.
            for (int i = 0; i < 40; i++)
            {
                All();
            }

            // An allocation per call shows in every attempt; a rare one-off of the runtime on this thread in one at most.
            var attempts = new long[3];
            for (int attempt = 0; attempt < attempts.Length; attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 3; i++)
                {
                    All();
                }

                attempts[attempt] = GC.GetAllocatedBytesForCurrentThread() - before;
                if (attempts[attempt] == 0)
                {
                    return;
                }
            }

            Assert.Fail("bytes allocated by 3 rounds of every member, in each of 3 attempts: " + string.Join(", ", attempts));
        }

        [Fact]
        public void Allocation_measurement_can_see_an_allocation()
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(new float[10]);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0);
        }

        [Fact]
        public void Concurrent_predictions_equal_sequential_ones()
        {
            var net = new MnistNet();
            const int count = 64;
            float[] x = TestData.Floats(count * MnistNet.InputSize, 9);
            var expected = new float[count * 10];
            var expectedClass = new int[count];
            for (int n = 0; n < count; n++)
            {
                net.Predict(x.AsSpan(n * 784, 784), expected.AsSpan(n * 10, 10));
                expectedClass[n] = net.Classify(x.AsSpan(n * 784, 784));
            }

            var mismatches = 0;
            using var start = new Barrier(4);
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
            {
                var output = new float[10];
                start.SignalAndWait();
                for (int round = 0; round < 50; round++)
                {
                    for (int n = 0; n < count; n++)
                    {
                        int k = (n + (worker * 7)) % count;
                        net.Predict(x.AsSpan(k * 784, 784), output);
                        if (!output.AsSpan().SequenceEqual(expected.AsSpan(k * 10, 10)) || net.Classify(x.AsSpan(k * 784, 784)) != expectedClass[k])
                        {
                            Interlocked.Increment(ref mismatches);
                        }
                    }
                }
            });

            Assert.Equal(0, mismatches);
        }

        [Fact]
        public void Wrong_lengths_and_labels_throw_argument_exceptions_naming_parameter_expected_and_actual()
        {
            var net = new MnistNet();
            float[] good = new float[784];
            float[] output = new float[10];

            Check(() => net.Predict(new float[783], output), "input", "784", "783");
            Check(() => net.Predict(good, new float[9]), "output", "10", "9");
            Check(() => net.Classify(new float[785]), "input", "784", "785");
            Check(() => net.Loss(new float[3], 0), "input", "784", "3");
            Check(() => net.Loss(good, 10), "label", "[0, 10)", "10");
            Check(() => net.Loss(good, -1), "label", "[0, 10)", "-1");
            Check(() => net.Train(good, 10, 0.1f), "label", "[0, 10)", "10");
            Check(() => net.Train(new float[10], 1, 0.1f), "input", "784", "10");
            Check(() => net.Train(new float[784 * 2], new[] { 1 }, 0.1f), "inputs", "784", "1568");
            Check(() => net.Train(new float[784 * 2], new[] { 1, 11 }, 0.1f), "labels", "[0, 10)", "11");
            Check(() => net.Train(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty, 0.1f), "labels", "at least one", "0");
            Check(() => net.Gradient(good, new[] { 1 }, new float[5]), "gradient", "109386", "5");
            Check(() => net.Gradient(good, new[] { 1, 2 }, new float[MnistNet.ParameterCount]), "inputs", "1568", "784");

            static void Check(Action action, string parameter, string expected, string actual)
            {
                ArgumentException e = Assert.ThrowsAny<ArgumentException>(action);
                Assert.Equal(parameter, e.ParamName);
                Assert.Contains(expected, e.Message, StringComparison.Ordinal);
                Assert.Contains(actual, e.Message, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void A_failed_call_leaves_parameters_untouched()
        {
            var net = new MnistNet();
            float[] before = net.Parameters.ToArray();
            Assert.ThrowsAny<ArgumentException>(() => net.Train(new float[784 * 2], new[] { 1, 10 }, 0.1f));
            Assert.True(net.Parameters.SequenceEqual(before));
        }
    }
}
