// TorchSharp peer of the NetGen epoch protocol (see docs/performance.md, tests/Benchmarks/compare.sh).
// Not part of NetGen.sln: TorchSharp-cpu brings ~1 GB of libtorch and is only needed for comparisons.
//
//   dotnet bin/Release/net10.0/TorchSharpPeer.dll [--nets A,B] [--batches 1,32,128] [--threads 1,2] [--repeat N] [--data DIR]
//   dotnet bin/Release/net10.0/TorchSharpPeer.dll sequence ...   (the recurrent comparison: Sequence.cs)
//   dotnet bin/Release/net10.0/TorchSharpPeer.dll cnn ...        (the convolutional comparison, LeNet-5 and ResNet: Cnn.cs)
//
// After every build run tests/Benchmarks/weaken_glibcxx.py on bin/.../libLibTorchSharp.so: it needs
// GLIBCXX_3.4.32 but Debian 12's libstdc++ has 3.4.30 (the one symbol of that version is never used).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

internal static class Program
{
    private const int TrainCount = 60_000;
    private const int PredictCalls = 10_000;
    private const int PredictWarmup = 2_000;

    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "sequence")
        {
            return Sequence.Run(args); // the recurrent comparison (Sequence.cs)
        }

        if (args.Length > 0 && args[0] == "cnn")
        {
            return Cnn.Run(args); // the convolutional comparison: LeNet-5 and ResNet (Cnn.cs)
        }

        string data = Option(args, "--data") ?? FindData();
        string nets = Option(args, "--nets") ?? "A,B";
        string batches = Option(args, "--batches") ?? "1,32,128";
        string threads = Option(args, "--threads") ?? "1";
        int repeat = int.Parse(Option(args, "--repeat") ?? "1", CultureInfo.InvariantCulture);
        if (args.Contains("--versions"))
        {
            Console.WriteLine($"TorchSharp={typeof(torch).Assembly.GetName().Version} libtorch={torch.__version__} " +
                $"intra_op_threads={torch.get_num_threads()}");
            return 0;
        }

        torch.set_num_interop_threads(1);
        Tensor trainX = Images(Path.Combine(data, "train-images-idx3-ubyte.gz"));
        Tensor trainY = Labels(Path.Combine(data, "train-labels-idx1-ubyte.gz"));
        Tensor testX = Images(Path.Combine(data, "t10k-images-idx3-ubyte.gz"));
        Tensor testY = Labels(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"));
        foreach (string net in nets.Split(','))
        {
            foreach (int batch in batches.Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
            {
                foreach (int t in threads.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
                {
                    for (int r = 0; r < repeat; r++)
                    {
                        Console.WriteLine(Measure(net, batch, t, trainX, trainY, testX, testY));
                    }
                }
            }
        }

        return 0;
    }

    private static nn.Module<Tensor, Tensor> MakeNet(string name)
    {
        torch.manual_seed(0);
        int[] sizes = name == "A" ? new[] { 784, 128, 10 } : new[] { 784, 128, 64, 10 };
        var layers = new List<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < sizes.Length - 1; i++)
        {
            var linear = nn.Linear(sizes[i], sizes[i + 1]);
            using (torch.no_grad())
            {
                nn.init.kaiming_uniform_(linear.weight, nonlinearity: nn.init.NonlinearityType.ReLU);
                nn.init.zeros_(linear.bias!);
            }

            layers.Add(linear);
            if (i < sizes.Length - 2)
            {
                layers.Add(nn.ReLU());
            }
        }

        return nn.Sequential(layers.ToArray());
    }

    private static string Measure(string name, int batch, int threads, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY)
    {
        torch.set_num_threads(threads);
        var model = MakeNet(name);
        double rate = batch == 1 ? 0.01 : 0.1;
        var optimizer = torch.optim.SGD(model.parameters(), rate); // plain SGD: no momentum, no weight decay

        // Fixed seeded order; permuting once up front keeps the timed loop to plain slicing.
        using var generator = new torch.Generator(0);
        using var perm = torch.randperm(TrainCount, generator: generator);
        using var x = trainX.index_select(0, perm).contiguous();
        using var y = trainY.index_select(0, perm).contiguous();

        model.train();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < TrainCount; start += batch)
        {
            using var scope = torch.NewDisposeScope(); // without it native memory grows every step
            int n = Math.Min(batch, TrainCount - start);
            var xb = x.narrow(0, start, n);
            var yb = y.narrow(0, start, n);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(xb), yb);
            loss.backward();
            optimizer.step();
        }

        double seconds = clock.Elapsed.TotalSeconds;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        model.eval();
        long correct;
        var latencies = new double[PredictCalls];
        long predictAllocated;
        int tests = (int)testX.shape[0];
        using (torch.no_grad())
        {
            using (var scope = torch.NewDisposeScope())
            {
                correct = model.forward(testX).argmax(1).eq(testY).sum().item<long>();
            }

            for (int i = 0; i < PredictWarmup; i++)
            {
                using var scope = torch.NewDisposeScope();
                torch.softmax(model.forward(testX.narrow(0, i % tests, 1)), 1);
            }

            predictAllocated = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < latencies.Length; i++)
            {
                int j = (i * 7919) % tests; // cycle through the test set, as the NetGen runner does
                long t0 = Stopwatch.GetTimestamp();
                using (var scope = torch.NewDisposeScope())
                {
                    torch.softmax(model.forward(testX.narrow(0, j, 1)), 1);
                }

                latencies[i] = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
            }

            predictAllocated = GC.GetAllocatedBytesForCurrentThread() - predictAllocated;
        }

        Array.Sort(latencies);
        model.Dispose();
        optimizer.Dispose();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"peer=TorchSharp net={name} batch={batch} threads={threads} epoch_s={seconds:F3} samples_per_s={TrainCount / seconds:F0} test_acc={100.0 * correct / tests:F2} predict_median_us={latencies[latencies.Length / 2]:F2} predict_p99_us={latencies[(int)(latencies.Length * 0.99)]:F2} train_alloc_bytes={allocated} predict_alloc_bytes={predictAllocated}");
    }

    private static byte[] ReadIdx(string path, out int[] dims)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        byte[] raw = ms.ToArray();
        int count = raw[3];
        dims = new int[count];
        for (int i = 0; i < count; i++)
        {
            dims[i] = (raw[4 + 4 * i] << 24) | (raw[5 + 4 * i] << 16) | (raw[6 + 4 * i] << 8) | raw[7 + 4 * i];
        }

        return raw.AsSpan(4 + 4 * count).ToArray();
    }

    internal static Tensor Images(string path)
    {
        byte[] raw = ReadIdx(path, out int[] dims);
        var pixels = new float[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            pixels[i] = raw[i] / 255f;
        }

        return torch.tensor(pixels, new long[] { dims[0], raw.Length / dims[0] });
    }

    internal static Tensor Labels(string path)
    {
        byte[] raw = ReadIdx(path, out _);
        return torch.tensor(raw.Select(b => (long)b).ToArray(), new long[] { raw.Length });
    }

    internal static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

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
