using System;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The single-sample predict protocol of the LeNet-5 and recurrent comparisons: 200 warm-up calls, then 2,000 timed
/// calls of softmax(forward(one test image)), the test images in order as the NetGen runner takes them, each call in
/// its own dispose scope. Call it under torch.no_grad().
/// </summary>
internal static class SinglePredictions
{
    public const int Calls = 2_000;
    public const int Warmup = 200;

    /// <summary>Fills <paramref name="latencies"/> (µs, sorted) and returns the bytes allocated by the timed calls.</summary>
    public static long Time(Func<Tensor, Tensor> forward, Tensor testX, double[] latencies)
    {
        int tests = (int)testX.shape[0];
        long allocated = 0;
        for (int i = -Warmup; i < Calls; i++)
        {
            if (i == 0)
            {
                allocated = GC.GetAllocatedBytesForCurrentThread();
            }

            int j = (i + Warmup) % tests;
            long s = Stopwatch.GetTimestamp();
            using (var scope = torch.NewDisposeScope())
            {
                torch.softmax(forward(testX.narrow(0, j, 1)), 1);
            }

            if (i >= 0)
            {
                latencies[i] = (Stopwatch.GetTimestamp() - s) * 1e6 / Stopwatch.Frequency;
            }
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(latencies);
        return allocated;
    }
}
