using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen.Data;
using NetGen.Training;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// The peer-comparison protocol (tests/Benchmarks/compare.sh runs it beside PyTorch and TorchSharp): one epoch of
    /// plain SGD over the 60,000 MNIST training images in a fixed seeded order, batch 1 (lr 0.01) or 32/128
    /// (lr 0.1, mean loss), He-uniform init; test accuracy; single-sample Predict latency (median and p99 over
    /// 10,000 calls) and bytes allocated. Prints one line of key=value pairs per configuration.
    /// </summary>
    internal static class Epoch
    {
        /// <summary>
        /// Batched inference: PredictBatch over the 10,000 test images in batches of the given sizes, 1 thread; prints
        /// samples/s (whole passes over the test set; the median of 5 passes) like ONNX Runtime's rows.
        /// </summary>
        public static int Infer(string[] args)
        {
            string data = Option(args, "--data") ?? FindData();
            DatasetPair mnist = Mnist.Load(data);
            Dataset test = mnist.Test;
            var net = new NetB();

            // Trained for one epoch at batch 32 first, like the ONNX model the peers export (throughput does not depend on it).
            mnist.Train.Shuffle(0);
            for (int start = 0; start < mnist.Train.Count; start += 32)
            {
                Batch b = mnist.Train.Batch(start, 32);
                net.Train(b.Features, b.Labels, 0.1f);
            }

            foreach (int batch in (Option(args, "--batches") ?? "256,1000").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
            {
                var output = new float[batch * 10];
                var passes = new double[5];
                int correct = 0;
                for (int pass = -1; pass < passes.Length; pass++)
                {
                    correct = 0;
                    long t0 = Stopwatch.GetTimestamp();
                    for (int start = 0; start < test.Count; start += batch)
                    {
                        Batch b = test.Batch(start, batch);
                        net.PredictBatch(b.Features, output.AsSpan(0, b.Count * 10));
                        for (int n = 0; n < b.Count; n++)
                        {
                            correct += Metrics.ArgMax(output.AsSpan(n * 10, 10)) == b.Labels[n] ? 1 : 0;
                        }
                    }

                    if (pass >= 0)
                    {
                        passes[pass] = (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
                    }
                }

                Array.Sort(passes);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"peer=NetGen api=PredictBatch net=B batch={batch} threads=1 mode=infer samples_per_s={test.Count / passes[2]:F0} test_acc={100.0 * correct / test.Count:F2}"));
            }

            return 0;
        }

        /// <summary>
        /// Net B without data files: one batch-1 SGD epoch (lr 0.01) over 60,000 random 784-vectors with random labels,
        /// three times, then Predict latency (median and p99 over 10,000 calls, inputs cycled so they are not in cache).
        /// </summary>
        public static int Random(string[] args)
        {
            var random = new System.Random(1);
            var x = new float[60_000 * 784];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = random.NextSingle();
            }

            var y = new int[60_000];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = random.Next(10);
            }

            var net = new NetB();
            for (int epoch = 0; epoch < 3; epoch++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < 60_000; i++)
                {
                    net.Train(x.AsSpan(i * 784, 784), y[i], 0.01f);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch-1 epoch over 60,000 random vectors: {clock.Elapsed.TotalSeconds:F3} s"));
            }

            var output = new float[10];
            var latencies = new double[10_000];
            for (int i = 0; i < 2_000; i++)
            {
                net.Predict(x.AsSpan(i * 784, 784), output);
            }

            for (int i = 0; i < latencies.Length; i++)
            {
                ReadOnlySpan<float> input = x.AsSpan((i * 7919 % 60_000) * 784, 784);
                long t0 = Stopwatch.GetTimestamp();
                net.Predict(input, output);
                latencies[i] = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
            }

            Array.Sort(latencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Predict median {latencies[5_000]:F2} us, p99 {latencies[9_900]:F2} us (input not in cache)"));
            return 0;
        }

        public static int Run(string[] args)
        {
            string data = Option(args, "--data") ?? FindData();
            string nets = Option(args, "--nets") ?? "A,B";
            string batches = Option(args, "--batches") ?? "1,32,128";
            int repeat = int.Parse(Option(args, "--repeat") ?? "1", CultureInfo.InvariantCulture);
            int threads = int.Parse(Option(args, "--threads") ?? "1", CultureInfo.InvariantCulture);

            DatasetPair mnist = Mnist.Load(data);
            foreach (string net in nets.Split(','))
            {
                foreach (int batch in batches.Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
                {
                    for (int r = 0; r < repeat; r++)
                    {
                        Console.WriteLine(net == "A"
                            ? Measure(new NetA { TrainingThreads = threads }, mnist, batch, "A", threads)
                            : Measure(new NetB { TrainingThreads = threads }, mnist, batch, "B", threads));
                    }
                }
            }

            return 0;
        }

        private static string Measure(NetA net, DatasetPair mnist, int batch, string name, int threads) =>
            Measure(name, batch, threads, mnist, net.Train, net.Train, net.Classify, net.Predict);

        private static string Measure(NetB net, DatasetPair mnist, int batch, string name, int threads) =>
            Measure(name, batch, threads, mnist, net.Train, net.Train, net.Classify, net.Predict);

        private delegate float TrainOne(ReadOnlySpan<float> x, int y, float rate);

        private delegate float TrainMany(ReadOnlySpan<float> x, ReadOnlySpan<int> y, float rate);

        private delegate int ClassifyOne(ReadOnlySpan<float> x);

        private delegate void PredictOne(ReadOnlySpan<float> x, Span<float> output);

        private static string Measure(string name, int batch, int threads, DatasetPair mnist, TrainOne one, TrainMany many, ClassifyOne classify, PredictOne predict)
        {
            Dataset train = mnist.Train;
            train.Shuffle(0);
            float rate = batch == 1 ? 0.01f : 0.1f;
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            if (batch == 1)
            {
                for (int i = 0; i < train.Count; i++)
                {
                    one(train.Features(i), train.Label(i), rate);
                }
            }
            else
            {
                for (int start = 0; start < train.Count; start += batch)
                {
                    Batch b = train.Batch(start, batch);
                    many(b.Features, b.Labels, rate);
                }
            }

            double seconds = clock.Elapsed.TotalSeconds;
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

            Dataset test = mnist.Test;
            int correct = 0;
            for (int i = 0; i < test.Count; i++)
            {
                correct += classify(test.Features(i)) == test.Label(i) ? 1 : 0;
            }

            var output = new float[10];
            var latencies = new double[10_000];
            for (int i = 0; i < 2_000; i++)
            {
                predict(test.Features(i % test.Count), output);
            }

            long predictAllocated = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < latencies.Length; i++)
            {
                // Cycle through the test set so the input is not already in cache.
                ReadOnlySpan<float> x = test.Features((i * 7919) % test.Count);
                long t0 = Stopwatch.GetTimestamp();
                predict(x, output);
                latencies[i] = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
            }

            predictAllocated = GC.GetAllocatedBytesForCurrentThread() - predictAllocated;
            Array.Sort(latencies);
            return string.Create(
                CultureInfo.InvariantCulture,
                $"peer=NetGen net={name} batch={batch} threads={threads} epoch_s={seconds:F3} samples_per_s={train.Count / seconds:F0} test_acc={100.0 * correct / test.Count:F2} predict_median_us={latencies[latencies.Length / 2]:F2} predict_p99_us={latencies[(int)(latencies.Length * 0.99)]:F2} train_alloc_bytes={allocated} predict_alloc_bytes={predictAllocated}");
        }

        private static string? Option(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        /// <summary>data/mnist in the repository (the sample downloads it there).</summary>
        internal static string FindData()
        {
            for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "NetGen.sln")))
                {
                    return Path.Combine(d.FullName, "data", "mnist");
                }
            }

            throw new DirectoryNotFoundException("data/mnist not found: pass --data <directory>");
        }
    }
}
