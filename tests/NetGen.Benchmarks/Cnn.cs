using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NetGen.Data;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// The convolutional comparison (tests/Benchmarks/compare.sh --cnn runs it beside tests/Benchmarks/torch_cnn.py):
    /// LeNet-5 on MNIST (each image 1×28×28), softmax cross-entropy, float32, plain SGD (batch 1: lr 0.01 with the
    /// single-example Train; batch 32: lr 0.1) over the first N training images in a fixed seeded order after four
    /// warm-up batches from the end of that order, dropout active in training; µs per sample and the epoch time it
    /// implies; test accuracy (PredictBatch over the 10,000 test images, untimed); single-sample Predict latency
    /// (2,000 calls after 200 warm-up calls, the test images in order; predict_alloc_bytes is their total).
    ///   cnn [--batches 1,32] [--samples N] [--data DIR]
    /// </summary>
    internal static class Cnn
    {
        private const int PredictCalls = 2_000;
        private const int PredictWarmup = 200;

        public static int Run(string[] args)
        {
            string data = Option(args, "--data") ?? Epoch.FindData();
            int samples = int.Parse(Option(args, "--samples") ?? "6000", CultureInfo.InvariantCulture);
            string nets = Option(args, "--nets") ?? "LeNet5";
            if (nets != "LeNet5")
            {
                throw new ArgumentException($"--nets is LeNet5, not '{nets}'");
            }

            DatasetPair mnist = Mnist.Load(data);
            foreach (int batch in (Option(args, "--batches") ?? "1,32").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
            {
                if (batch < 1 || samples < batch)
                {
                    throw new ArgumentException($"batch {batch} needs 1 ≤ batch ≤ --samples ({samples})");
                }

                Console.WriteLine(Measure(new LeNet5(), batch, samples, mnist));
            }

            return 0;
        }

        private static string Measure(LeNet5 net, int batch, int samples, DatasetPair mnist)
        {
            Dataset set = mnist.Train;
            set.Shuffle(0);
            float rate = batch == 1 ? 0.01f : 0.1f;
            float loss = 0;

            float Step(int start)
            {
                if (batch == 1)
                {
                    return net.Train(set.Features(start), set.Label(start), rate);
                }

                Batch b = set.Batch(start, batch);
                return net.Train(b.Features, b.Labels, rate);
            }

            // Warm-up on images the timed run does not use.
            for (int start = set.Count - (4 * batch); start < set.Count; start += batch)
            {
                Step(start);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            for (int start = 0; start + batch <= samples; start += batch)
            {
                loss = Step(start);
            }

            double seconds = (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            double perSample = seconds * 1e6 / (samples / batch * batch);

            // Test accuracy, untimed: Predict is deterministic (no dropout).
            Dataset test = mnist.Test;
            var probabilities = new float[test.Count * LeNet5.OutputSize];
            net.PredictBatch(test.AllFeatures, probabilities);
            int correct = 0;
            for (int i = 0; i < test.Count; i++)
            {
                ReadOnlySpan<float> p = probabilities.AsSpan(i * LeNet5.OutputSize, LeNet5.OutputSize);
                int best = 0;
                for (int k = 1; k < p.Length; k++)
                {
                    best = p[k] > p[best] ? k : best;
                }

                correct += best == test.Label(i) ? 1 : 0;
            }

            var output = new float[LeNet5.OutputSize];
            var latencies = new double[PredictCalls];
            long predictAllocated = 0;
            for (int i = -PredictWarmup; i < latencies.Length; i++)
            {
                if (i == 0)
                {
                    predictAllocated = GC.GetAllocatedBytesForCurrentThread();
                }

                ReadOnlySpan<float> x = test.Features((i + PredictWarmup) % test.Count);
                long s = Stopwatch.GetTimestamp();
                net.Predict(x, output);
                if (i >= 0)
                {
                    latencies[i] = (Stopwatch.GetTimestamp() - s) * 1e6 / Stopwatch.Frequency;
                }
            }

            predictAllocated = GC.GetAllocatedBytesForCurrentThread() - predictAllocated;
            Array.Sort(latencies);
            return string.Create(
                CultureInfo.InvariantCulture,
                $"peer=NetGen net=LeNet5 batch={batch} threads=1 samples={samples} last_loss={loss:F3} us_per_sample={perSample:F2} epoch_s={perSample * 60000 / 1e6:F3} samples_per_s={1e6 / perSample:F0} test_acc={100.0 * correct / test.Count:F2} predict_median_us={latencies[latencies.Length / 2]:F2} predict_p99_us={latencies[(int)(latencies.Length * 0.99)]:F2} train_alloc_bytes={allocated} predict_alloc_bytes={predictAllocated}");
        }

        private static string? Option(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }
}
