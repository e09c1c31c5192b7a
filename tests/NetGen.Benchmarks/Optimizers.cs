using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NetGen.Data;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// The optimizer comparison (tests/Benchmarks/compare.sh --optimizers runs it beside tests/Benchmarks/torch_optimizers.py).
    /// <c>--case mnist</c>: one epoch of net B over the 60,000 MNIST training images in the epoch protocol's seeded order
    /// (Epoch.cs), per optimizer and batch, 1 thread; epoch seconds, test accuracy, bytes allocated over the epoch and
    /// after its first step. <c>--case threads</c>: the same epoch with TrainingThreads 1 and 2 alternately in one
    /// process. <c>--case small</c>: SmallNetworks.cs. Learning rates: <see cref="Rate"/>, the same for every peer.
    /// </summary>
    internal static class Optimizers
    {
        public const string All = "Sgd,Momentum,Nesterov,Adam,AdamW";

        /// <summary>Net B's weights (biases not counted): 784·128 + 128·64 + 64·10.</summary>
        public const int NetBWeights = (784 * 128) + (128 * 64) + (64 * 10);

        /// <summary>The learning rate of each optimizer (the same for PyTorch): SGD 0.1, momentum 0.01, Adam 0.001.</summary>
        public static float Rate(string optimizer) => optimizer switch
        {
            "Sgd" => 0.1f,
            "Momentum" or "Nesterov" => 0.01f,
            "Adam" or "AdamW" => 0.001f,
            _ => throw Unknown(optimizer),
        };

        public static ArgumentException Unknown(string optimizer) =>
            new($"unknown optimizer '{optimizer}': expected one of {All}", nameof(optimizer));

        public static int Run(string[] args)
        {
            string kind = Option(args, "--case") ?? "mnist";
            switch (kind)
            {
                case "mnist":
                    return Mnist(args);
                case "threads":
                    return Threads(args);
                case "small":
                    return SmallNetworks.Run(args);
                default:
                    Console.Error.WriteLine($"unknown --case '{kind}': expected mnist, threads or small");
                    return 2;
            }
        }

        private static int Mnist(string[] args)
        {
            Dataset train = LoadShuffled(args, out Dataset test);
            foreach (string optimizer in List(args, "--optimizers", All))
            {
                foreach (int batch in Ints(args, "--batches", "32,128"))
                {
                    Console.WriteLine($"peer=NetGen case=mnist {MeasureNetB(optimizer, train, test, batch, threads: 1)}");
                }
            }

            return 0;
        }

        /// <summary>
        /// Net B, TrainingThreads 1 and 2 alternately in this process (the order of --threads, repeated --repeat times),
        /// each epoch on a fresh network; a short untimed warm-up of each thread count first, so neither pays the JIT.
        /// </summary>
        private static int Threads(string[] args)
        {
            Dataset train = LoadShuffled(args, out Dataset test);
            int repeat = int.Parse(Option(args, "--repeat") ?? "1", CultureInfo.InvariantCulture);
            int[] threads = Ints(args, "--threads", "1,2");
            foreach (string optimizer in List(args, "--optimizers", "Sgd,Adam"))
            {
                foreach (int batch in Ints(args, "--batches", "32,128,256"))
                {
                    foreach (int t in threads)
                    {
                        WarmUp(optimizer, train, batch, t);
                    }

                    for (int r = 0; r < repeat; r++)
                    {
                        foreach (int t in threads)
                        {
                            Console.WriteLine($"peer=NetGen case=threads {MeasureNetB(optimizer, train, test, batch, t)}");
                        }
                    }
                }
            }

            return 0;
        }

        private static void WarmUp(string optimizer, Dataset train, int batch, int threads)
        {
            Trainer net = NetB(optimizer, threads);
            float rate = Rate(optimizer);
            for (int start = 0; start < 100 * batch; start += batch)
            {
                Batch b = train.Batch(start, batch);
                net.Train(b.Features, b.Labels, rate);
            }
        }

        private static string MeasureNetB(string optimizer, Dataset train, Dataset test, int batch, int threads)
        {
            Trainer net = NetB(optimizer, threads);
            float rate = Rate(optimizer);
            int steps = 0;
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            long afterFirstStep = 0;
            long t0 = Stopwatch.GetTimestamp();
            for (int start = 0; start < train.Count; start += batch)
            {
                Batch b = train.Batch(start, batch);
                net.Train(b.Features, b.Labels, rate);
                if (steps++ == 0)
                {
                    afterFirstStep = GC.GetTotalAllocatedBytes(precise: true);
                }
            }

            double seconds = (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
            long end = GC.GetTotalAllocatedBytes(precise: true);
            int correct = 0;
            for (int i = 0; i < test.Count; i++)
            {
                correct += net.Classify(test.Features(i)) == test.Label(i) ? 1 : 0;
            }

            return string.Create(
                CultureInfo.InvariantCulture,
                $"net=B optimizer={optimizer} batch={batch} threads={threads} epoch_s={seconds:F3} us_per_example={seconds * 1e6 / train.Count:F3} samples_per_s={train.Count / seconds:F0} weights={NetBWeights} test_acc={100.0 * correct / test.Count:F2} steps={steps} train_alloc_bytes={end - allocated} steady_alloc_bytes={end - afterFirstStep}");
        }

        /// <summary>The MNIST training set in the epoch protocol's order (Epoch.cs shuffles with seed 0), once per process.</summary>
        private static Dataset LoadShuffled(string[] args, out Dataset test)
        {
            DatasetPair mnist = NetGen.Data.Mnist.Load(Option(args, "--data") ?? Epoch.FindData());
            mnist.Train.Shuffle(0);
            test = mnist.Test;
            return mnist.Train;
        }

        /// <summary>A network's batch Train and Classify, so one epoch loop serves the five classes.</summary>
        private sealed record Trainer(TrainMany Train, ClassifyOne Classify);

        internal delegate float TrainMany(ReadOnlySpan<float> x, ReadOnlySpan<int> y, float rate);

        internal delegate int ClassifyOne(ReadOnlySpan<float> x);

        private static Trainer NetB(string optimizer, int threads)
        {
            switch (optimizer)
            {
                case "Sgd":
                    var sgd = new NetB { TrainingThreads = threads };
                    return new Trainer(sgd.Train, sgd.Classify);
                case "Momentum":
                    var momentum = new NetBMomentum { TrainingThreads = threads };
                    return new Trainer(momentum.Train, momentum.Classify);
                case "Nesterov":
                    var nesterov = new NetBNesterov { TrainingThreads = threads };
                    return new Trainer(nesterov.Train, nesterov.Classify);
                case "Adam":
                    var adam = new NetBAdam { TrainingThreads = threads };
                    return new Trainer(adam.Train, adam.Classify);
                case "AdamW":
                    var adamW = new NetBAdamW { TrainingThreads = threads };
                    return new Trainer(adamW.Train, adamW.Classify);
                default:
                    throw Unknown(optimizer);
            }
        }

        internal static string[] List(string[] args, string name, string fallback) =>
            (Option(args, name) ?? fallback).Split(',', StringSplitOptions.RemoveEmptyEntries);

        internal static int[] Ints(string[] args, string name, string fallback) =>
            List(args, name, fallback).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

        internal static string? Option(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }
}
