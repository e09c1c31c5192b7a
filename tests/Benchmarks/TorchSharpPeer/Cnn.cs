// TorchSharp peer of the NetGen convolutional comparison (`NetGen.Benchmarks cnn`, tests/Benchmarks/torch_cnn.py):
//
//   dotnet bin/Release/net10.0/TorchSharpPeer.dll cnn [--batches 1,32] [--threads 1] [--samples N] [--data DIR]
//
// LeNet-5 on MNIST (each image 1×28×28): nn.Sequential(Conv2d(1, 6, 5, padding 2), ReLU, MaxPool2d(2), Conv2d(6, 16, 5),
// ReLU, MaxPool2d(2), Flatten, Linear(400, 120), ReLU, Dropout(0.5), Linear(120, 84), ReLU, Linear(84, 10)), softmax
// cross-entropy (mean), default initialization, plain SGD (batch 1 lr 0.01, batch 32 lr 0.1) in train mode (dropout
// active) over the first N images of a fixed seeded order after four warm-up batches from the end of the shuffled set;
// then in eval mode under no_grad: test accuracy (untimed) and single-sample predict latency over 2,000 calls after 200
// warm-up calls. Every step and call in its own torch.NewDisposeScope().
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

internal static class Cnn
{
    private const int TrainCount = 60_000;

    public static int Run(string[] args)
    {
        string data = Program.Option(args, "--data") ?? Program.FindData();
        string nets = Program.Option(args, "--nets") ?? "LeNet5";
        string batches = Program.Option(args, "--batches") ?? "1,32";
        string threads = Program.Option(args, "--threads") ?? "1";
        int samples = int.Parse(Program.Option(args, "--samples") ?? "6000", CultureInfo.InvariantCulture);
        if (nets != "LeNet5")
        {
            throw new ArgumentException($"--nets is LeNet5, not '{nets}'");
        }

        torch.set_num_interop_threads(1);
        Tensor trainX = Program.Images(Path.Combine(data, "train-images-idx3-ubyte.gz")).reshape(-1, 1, 28, 28);
        Tensor trainY = Program.Labels(Path.Combine(data, "train-labels-idx1-ubyte.gz"));
        Tensor testX = Program.Images(Path.Combine(data, "t10k-images-idx3-ubyte.gz")).reshape(-1, 1, 28, 28);
        Tensor testY = Program.Labels(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"));
        foreach (int t in threads.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
        {
            foreach (int batch in batches.Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
            {
                if (batch < 1 || samples < batch)
                {
                    throw new ArgumentException($"batch {batch} needs 1 ≤ batch ≤ --samples ({samples})");
                }

                Console.WriteLine(Measure(batch, t, samples, trainX, trainY, testX, testY));
            }
        }

        return 0;
    }

    /// <summary>LeNet-5 as NetGen declares it (the same module numbering).</summary>
    private static nn.Module<Tensor, Tensor> LeNet5() => nn.Sequential(
        nn.Conv2d(1, 6, 5, padding: 2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10));

    private static string Measure(int batch, int threads, int samples, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY)
    {
        torch.set_num_threads(threads);
        torch.manual_seed(0);
        var model = LeNet5();
        double rate = batch == 1 ? 0.01 : 0.1;
        var optimizer = torch.optim.SGD(model.parameters(), rate); // plain SGD: no momentum, no weight decay

        // Fixed seeded order; permuting once up front keeps the timed loop to plain slicing.
        using var generator = new torch.Generator(0);
        using var perm = torch.randperm(TrainCount, generator: generator);
        using var x = trainX.index_select(0, perm).contiguous();
        using var y = trainY.index_select(0, perm).contiguous();

        model.train(); // dropout active
        float Step(int start)
        {
            using var scope = torch.NewDisposeScope(); // without it native memory grows every step
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(x.narrow(0, start, batch)), y.narrow(0, start, batch));
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }

        for (int start = TrainCount - (4 * batch); start < TrainCount; start += batch)
        {
            Step(start); // warm-up on images the timed run does not use
        }

        float last = float.NaN;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long t0 = Stopwatch.GetTimestamp();
        for (int start = 0; start + batch <= samples; start += batch)
        {
            last = Step(start);
        }

        double seconds = (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        double perSample = seconds * 1e6 / (samples / batch * batch);

        model.eval(); // dropout off
        var latencies = new double[SinglePredictions.Calls];
        long predictAllocated = 0;
        int tests = (int)testX.shape[0];
        long correct = 0;
        using (torch.no_grad())
        {
            for (int s = 0; s < tests; s += 1000)
            {
                using var scope = torch.NewDisposeScope();
                int n = Math.Min(1000, tests - s);
                correct += model.forward(testX.narrow(0, s, n)).argmax(1).eq(testY.narrow(0, s, n)).sum().item<long>();
            }

            predictAllocated = SinglePredictions.Time(x => model.forward(x), testX, latencies);
        }

        model.Dispose();
        optimizer.Dispose();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"peer=TorchSharp net=LeNet5 batch={batch} threads={threads} samples={samples} last_loss={last:F3} us_per_sample={perSample:F2} epoch_s={perSample * TrainCount / 1e6:F3} samples_per_s={1e6 / perSample:F0} test_acc={100.0 * correct / tests:F2} predict_median_us={latencies[latencies.Length / 2]:F2} predict_p99_us={latencies[(int)(latencies.Length * 0.99)]:F2} train_alloc_bytes={allocated} predict_alloc_bytes={predictAllocated}");
    }
}
