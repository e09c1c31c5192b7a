using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using NetGen.Training;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// Small networks in the optimizer comparison (<c>optimizers --case small</c>): a 64-100-10 softmax classifier on
    /// 1,797 × 64 synthetic "digits" and a 30-32-1 sigmoid (binary) classifier on 569 × 30 synthetic "breast-cancer"
    /// data, every optimizer, batch 32, a fixed number of passes over the data in its stored order (no shuffling), after
    /// an untimed warm-up on a throwaway network. The data is written once by <c>smalldata --out DIR</c> and read by
    /// every peer (tests/Benchmarks/torch_optimizers.py reads the same files).
    /// GFLOP/s counts 6 × (weights, biases not counted) FLOPs per example: 2 each for the forward product, the input
    /// gradient and the weight gradient.
    /// </summary>
    internal static class SmallNetworks
    {
        /// <summary>Feature and target files: little-endian float32 features (n × features) and int32 labels or float32 targets.</summary>
        private sealed record SmallData(string Name, float[] Features, int FeatureCount, int[] Labels, float[] Targets)
        {
            public int Count => Features.Length / FeatureCount;
        }

        private sealed record Model(Func<int, int, float> Train, Func<double> Accuracy);

        /// <summary>Writes the two data sets into a directory (each file to a temporary name, then renamed).</summary>
        public static int WriteData(string[] args)
        {
            string dir = Optimizers.Option(args, "--out") ?? throw new ArgumentException("smalldata needs --out DIR");
            Directory.CreateDirectory(dir);
            (SmallData digits, SmallData binary) = Generate();
            Write(Path.Combine(dir, "digits.x.f32"), MemoryMarshal.AsBytes(digits.Features.AsSpan()));
            Write(Path.Combine(dir, "digits.y.i32"), MemoryMarshal.AsBytes(digits.Labels.AsSpan()));
            Write(Path.Combine(dir, "binary.x.f32"), MemoryMarshal.AsBytes(binary.Features.AsSpan()));
            Write(Path.Combine(dir, "binary.y.f32"), MemoryMarshal.AsBytes(binary.Targets.AsSpan()));
            Console.Error.WriteLine($"wrote {dir}: digits {digits.Count} x {digits.FeatureCount}, binary {binary.Count} x {binary.FeatureCount}");
            return 0;
        }

        public static int Run(string[] args)
        {
            string? dir = Optimizers.Option(args, "--small-data");
            (SmallData digits, SmallData binary) = dir is null ? Generate() : (Read(dir, "digits", 64, labels: true), Read(dir, "binary", 30, labels: false));
            int passes = int.Parse(Optimizers.Option(args, "--passes") ?? "50", CultureInfo.InvariantCulture);
            double warmup = double.Parse(Optimizers.Option(args, "--warmup-s") ?? "0.5", CultureInfo.InvariantCulture);
            foreach (string net in Optimizers.List(args, "--nets", "Digits,Binary"))
            {
                foreach (string optimizer in Optimizers.List(args, "--optimizers", Optimizers.All))
                {
                    foreach (int batch in Optimizers.Ints(args, "--batches", "32"))
                    {
                        Console.WriteLine(Measure(net, optimizer, net == "Digits" ? digits : binary, batch, passes, warmup));
                    }
                }
            }

            return 0;
        }

        private static string Measure(string net, string optimizer, SmallData data, int batch, int passes, double warmupSeconds)
        {
            int n = data.Count;

            // Warm-up on a throwaway network: the JIT's tiers settle, the timed network starts from its own initialization.
            Model warm = Create(net, optimizer, data);
            var clock = Stopwatch.StartNew();
            do
            {
                Pass(warm, n, batch);
            }
            while (clock.Elapsed.TotalSeconds < warmupSeconds);

            Model model = Create(net, optimizer, data);
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            long afterFirstPass = 0;
            double lastLoss = 0;
            long t0 = Stopwatch.GetTimestamp();
            for (int pass = 0; pass < passes; pass++)
            {
                lastLoss = Pass(model, n, batch);
                if (pass == 0)
                {
                    afterFirstPass = GC.GetTotalAllocatedBytes(precise: true);
                }
            }

            double seconds = (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
            long end = GC.GetTotalAllocatedBytes(precise: true);
            int weights = Weights(net);
            double usPerExample = seconds * 1e6 / ((double)passes * n);
            return string.Create(
                CultureInfo.InvariantCulture,
                $"peer=NetGen case=small net={net} optimizer={optimizer} batch={batch} threads=1 examples={n} features={data.FeatureCount} passes={passes} seconds={seconds:F4} us_per_example={usPerExample:F4} weights={weights} flops_per_example={6 * weights} gflops={6.0 * weights / (usPerExample * 1e3):F3} last_loss={lastLoss:F4} train_acc={100 * model.Accuracy():F2} train_alloc_bytes={end - allocated} steady_alloc_bytes={end - afterFirstPass}");
        }

        /// <summary>One pass over the data in batches; returns the mean loss of the pass (weighted by batch size).</summary>
        private static double Pass(Model model, int n, int batch)
        {
            double sum = 0;
            for (int start = 0; start < n; start += batch)
            {
                int count = Math.Min(batch, n - start);
                sum += model.Train(start, count) * count;
            }

            return sum / n;
        }

        internal static int Weights(string net) => net switch
        {
            "Digits" => (64 * 100) + (100 * 10),
            "Binary" => (30 * 32) + (32 * 1),
            _ => throw new ArgumentException($"unknown small net '{net}': expected Digits or Binary"),
        };

        private static Model Create(string net, string optimizer, SmallData data) => (net, optimizer) switch
        {
            ("Digits", "Sgd") => Classifier(new DigitsSgd(), data, optimizer),
            ("Digits", "Momentum") => Classifier(new DigitsMomentum(), data, optimizer),
            ("Digits", "Nesterov") => Classifier(new DigitsNesterov(), data, optimizer),
            ("Digits", "Adam") => Classifier(new DigitsAdam(), data, optimizer),
            ("Digits", "AdamW") => Classifier(new DigitsAdamW(), data, optimizer),
            ("Binary", "Sgd") => Binary(new BinarySgd(), data, optimizer),
            ("Binary", "Momentum") => Binary(new BinaryMomentum(), data, optimizer),
            ("Binary", "Nesterov") => Binary(new BinaryNesterov(), data, optimizer),
            ("Binary", "Adam") => Binary(new BinaryAdam(), data, optimizer),
            ("Binary", "AdamW") => Binary(new BinaryAdamW(), data, optimizer),
            (_, "Sgd" or "Momentum" or "Nesterov" or "Adam" or "AdamW") => throw new ArgumentException($"unknown small net '{net}': expected Digits or Binary"),
            _ => throw Optimizers.Unknown(optimizer),
        };

        private static Model Classifier<TNet>(TNet net, SmallData data, string optimizer)
            where TNet : class, IClassifier<TNet, float>
        {
            float rate = Optimizers.Rate(optimizer);
            float[] x = data.Features;
            int[] y = data.Labels;
            int d = data.FeatureCount;
            return new Model(
                (start, count) => net.Train(x.AsSpan(start * d, count * d), y.AsSpan(start, count), rate),
                () =>
                {
                    var output = new float[TNet.OutputSize];
                    int correct = 0;
                    for (int i = 0; i < y.Length; i++)
                    {
                        net.Predict(x.AsSpan(i * d, d), output);
                        correct += Metrics.ArgMax(output) == y[i] ? 1 : 0;
                    }

                    return (double)correct / y.Length;
                });
        }

        private static Model Binary<TNet>(TNet net, SmallData data, string optimizer)
            where TNet : class, IRegressor<TNet, float>
        {
            float rate = Optimizers.Rate(optimizer);
            float[] x = data.Features;
            float[] t = data.Targets;
            int d = data.FeatureCount;
            return new Model(
                (start, count) => net.Train(x.AsSpan(start * d, count * d), t.AsSpan(start, count), rate),
                () =>
                {
                    var output = new float[1];
                    int correct = 0;
                    for (int i = 0; i < t.Length; i++)
                    {
                        net.Predict(x.AsSpan(i * d, d), output);
                        correct += (output[0] >= 0.5f) == (t[i] >= 0.5f) ? 1 : 0;
                    }

                    return (double)correct / t.Length;
                });
        }

        /// <summary>
        /// Deterministic synthetic data (seed 15). Digits: 10 class prototypes of 64 values in [0, 1], each example its class's
        /// prototype plus N(0, 0.35²) noise, clipped to [0, 1] and quantized to sixteenths like sklearn's 8 × 8 digits (0..16 / 16).
        /// Binary: 30 features N(0, 1), shifted by a per-feature offset in [−1, 1] for the positive class (about 37 % of examples,
        /// as in the breast-cancer set), targets 0 or 1.
        /// </summary>
        private static (SmallData Digits, SmallData Binary) Generate()
        {
            var random = new Random(15);
            double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

            var prototypes = new double[10 * 64];
            for (int i = 0; i < prototypes.Length; i++)
            {
                prototypes[i] = random.NextDouble();
            }

            var digitsX = new float[1797 * 64];
            var digitsY = new int[1797];
            for (int n = 0; n < digitsY.Length; n++)
            {
                int label = random.Next(10);
                digitsY[n] = label;
                for (int j = 0; j < 64; j++)
                {
                    double v = Math.Clamp(prototypes[(label * 64) + j] + (0.35 * Gaussian()), 0, 1);
                    digitsX[(n * 64) + j] = (float)(Math.Round(v * 16) / 16);
                }
            }

            var offsets = new double[30];
            for (int j = 0; j < offsets.Length; j++)
            {
                offsets[j] = (2 * random.NextDouble()) - 1;
            }

            var binaryX = new float[569 * 30];
            var binaryT = new float[569];
            for (int n = 0; n < binaryT.Length; n++)
            {
                bool positive = random.NextDouble() < 0.373;
                binaryT[n] = positive ? 1 : 0;
                for (int j = 0; j < 30; j++)
                {
                    binaryX[(n * 30) + j] = (float)(Gaussian() + (positive ? offsets[j] : 0));
                }
            }

            return (new SmallData("digits", digitsX, 64, digitsY, []), new SmallData("binary", binaryX, 30, [], binaryT));
        }

        private static SmallData Read(string dir, string name, int features, bool labels)
        {
            float[] x = MemoryMarshal.Cast<byte, float>(ReadExact(Path.Combine(dir, name + ".x.f32"), -1, features * 4)).ToArray();
            int n = x.Length / features;
            string yPath = Path.Combine(dir, name + (labels ? ".y.i32" : ".y.f32"));
            byte[] y = ReadExact(yPath, n * 4, 4);
            return labels
                ? new SmallData(name, x, features, MemoryMarshal.Cast<byte, int>(y).ToArray(), [])
                : new SmallData(name, x, features, [], MemoryMarshal.Cast<byte, float>(y).ToArray());
        }

        /// <summary>The file's bytes; its length must be <paramref name="expected"/> (or, with −1, a nonzero multiple of <paramref name="unit"/>).</summary>
        private static byte[] ReadExact(string path, long expected, int unit)
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (expected >= 0 ? bytes.Length != expected : bytes.Length == 0 || bytes.Length % unit != 0)
            {
                throw new InvalidDataException(expected >= 0
                    ? $"{path}: {bytes.Length} bytes, expected {expected}"
                    : $"{path}: {bytes.Length} bytes, expected a nonzero multiple of {unit}");
            }

            return bytes;
        }

        private static void Write(string path, ReadOnlySpan<byte> bytes)
        {
            string temp = path + ".tmp";
            File.WriteAllBytes(temp, bytes.ToArray());
            File.Move(temp, path, overwrite: true);
        }
    }
}
