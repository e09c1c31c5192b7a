using System;
using System.Threading;
using NetGen.Runtime;
using Xunit;

namespace NetGen.Runtime.Tests
{
    public class DataParallelTests
    {
        [Fact]
        public void Every_part_runs_once_per_call_on_its_own_thread_and_idle_workers_end()
        {
            var seen = new int[3];
            var threads = new int[3];
            var runner = new DataParallel<float, int>(3, (inputs, targets, part) =>
            {
                Interlocked.Add(ref seen[part], (int)inputs[part] + targets[part]);
                threads[part] = Environment.CurrentManagedThreadId;
            }, TimeSpan.FromMilliseconds(50));
            float[] x = { 1, 2, 3 };
            int[] y = { 10, 20, 30 };
            for (int call = 0; call < 100; call++)
            {
                runner.Run(x, y);
            }

            Assert.Equal(new[] { 1100, 2200, 3300 }, seen);
            Assert.Equal(Environment.CurrentManagedThreadId, threads[0]);
            Assert.NotEqual(threads[0], threads[1]);
            Assert.NotEqual(threads[1], threads[2]);

            // Idle workers end, so a runner nobody uses holds no thread; the next call starts them again. They are given
            // up to 10 s (their timeout is 50 ms): on a loaded 2-core machine 2 s was once not enough for them to be scheduled.
            for (int wait = 0; wait < 500 && runner.LiveWorkers > 0; wait++)
            {
                Thread.Sleep(20);
            }

            Assert.Equal(0, runner.LiveWorkers);
            runner.Run(x, y);
            Assert.Equal(new[] { 1111, 2222, 3333 }, seen);
        }

        [Fact]
        public void A_part_that_throws_rethrows_on_the_caller_after_every_part_ended()
        {
            int finished = 0;
            var runner = new DataParallel<double, double>(2, (inputs, targets, part) =>
            {
                if (part == 1)
                {
                    throw new InvalidOperationException("part 1 failed");
                }

                Thread.Sleep(10);
                Interlocked.Increment(ref finished);
            });
            var error = Assert.Throws<InvalidOperationException>(() => runner.Run(new double[2], new double[2]));
            Assert.Equal("part 1 failed", error.Message);
            Assert.Equal(1, finished);
            Assert.Throws<InvalidOperationException>(() => runner.Run(new double[2], new double[2]));
        }
    }
}
