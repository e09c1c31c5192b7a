// TorchSharp peer of the NetGen convolutional comparison (`NetGen.Benchmarks cnn`, tests/Benchmarks/torch_cnn.py):
//
//   dotnet bin/Release/net10.0/TorchSharpPeer.dll cnn [--nets LeNet5,ResNet] [--batches 1,32] [--threads 1] [--samples N] [--data DIR]
//
// Two networks on MNIST (each image 1×28×28), --nets LeNet5 by default:
// LeNet5: nn.Sequential(Conv2d(1, 6, 5, padding 2), ReLU, MaxPool2d(2), Conv2d(6, 16, 5), ReLU, MaxPool2d(2), Flatten,
// Linear(400, 120), ReLU, Dropout(0.5), Linear(120, 84), ReLU, Linear(84, 10)); plain SGD (batch 1 lr 0.01, batch 32
// lr 0.1), in train mode (dropout active).
// ResNet (85,426 parameters; torch_cnn.py's resnet(), the same module numbering): Conv2d(1, 24, 3, padding 1, no bias),
// BatchNorm2d, ReLU, MaxPool2d(2), three residual blocks (24→24; 24→48 at stride 2 with a 1×1 convolution + BatchNorm2d
// shortcut; 48→48), each followed by a ReLU, AdaptiveAvgPool2d(1) + Flatten, Linear(48, 10); SGD with momentum 0.9,
// Nesterov, weight decay 5e-4 (batch 1 lr 0.01, batch ≥ 2 lr 0.05), in train mode (batch statistics).
// Both: softmax cross-entropy (mean), default initialization, over the first N images of a fixed seeded order after
// four warm-up batches from the end of the shuffled set; then in eval mode (dropout off, running statistics) under
// no_grad: test accuracy (untimed) and single-sample predict latency over 2,000 calls after 200 warm-up calls. Every
// step and call in its own torch.NewDisposeScope().
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
        string[] netList = nets.Split(',');
        foreach (string net in netList)
        {
            if (net is not ("LeNet5" or "ResNet"))
            {
                throw new ArgumentException($"--nets takes LeNet5,ResNet, not '{net}'");
            }
        }

        torch.set_num_interop_threads(1);
        Tensor trainX = Program.Images(Path.Combine(data, "train-images-idx3-ubyte.gz")).reshape(-1, 1, 28, 28);
        Tensor trainY = Program.Labels(Path.Combine(data, "train-labels-idx1-ubyte.gz"));
        Tensor testX = Program.Images(Path.Combine(data, "t10k-images-idx3-ubyte.gz")).reshape(-1, 1, 28, 28);
        Tensor testY = Program.Labels(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"));
        foreach (string net in netList)
        {
            foreach (int t in threads.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
            {
                foreach (int batch in batches.Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
                {
                    if (batch < 1 || samples < batch)
                    {
                        throw new ArgumentException($"batch {batch} needs 1 ≤ batch ≤ --samples ({samples})");
                    }

                    Console.WriteLine(Measure(net, batch, t, samples, trainX, trainY, testX, testY));
                }
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

    /// <summary>
    /// The small residual network as NetGen declares it (torch_cnn.py's resnet(): the same module numbering, so the same
    /// state_dict names, and the same construction order, so the same draws from the seeded generator).
    /// </summary>
    private static nn.Module<Tensor, Tensor> ResNet()
    {
        static nn.Module<Tensor, Tensor> Block(long cin, long cout, long stride = 1) => nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, padding: 1, bias: false), nn.BatchNorm2d(cout));

        return nn.Sequential(
            nn.Conv2d(1, 24, 3, padding: 1, bias: false), nn.BatchNorm2d(24), nn.ReLU(), nn.MaxPool2d(2), // 0-3
            new Residual(Block(24, 24)), nn.ReLU(), // 4, 5
            new Residual(Block(24, 48, stride: 2), nn.Sequential(nn.Conv2d(24, 48, 1, stride: 2, bias: false), nn.BatchNorm2d(48))), // 6
            nn.ReLU(), // 7
            new Residual(Block(48, 48)), nn.ReLU(), // 8, 9
            nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()), // 10
            nn.Linear(48, 10)); // 11
    }

    private static string Measure(string net, int batch, int threads, int samples, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY)
    {
        torch.set_num_threads(threads);
        torch.manual_seed(0);
        var model = net == "ResNet" ? ResNet() : LeNet5();
        var optimizer = net == "ResNet"
            ? torch.optim.SGD(model.parameters(), batch == 1 ? 0.01 : 0.05, momentum: 0.9, weight_decay: 5e-4, nesterov: true)
            : torch.optim.SGD(model.parameters(), batch == 1 ? 0.01 : 0.1); // plain SGD: no momentum, no weight decay

        // Fixed seeded order; permuting once up front keeps the timed loop to plain slicing.
        using var generator = new torch.Generator(0);
        using var perm = torch.randperm(TrainCount, generator: generator);
        using var x = trainX.index_select(0, perm).contiguous();
        using var y = trainY.index_select(0, perm).contiguous();

        model.train(); // dropout active, batch statistics
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

        model.eval(); // dropout off, running statistics
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
            $"peer=TorchSharp net={net} batch={batch} threads={threads} samples={samples} last_loss={last:F3} us_per_sample={perSample:F2} epoch_s={perSample * TrainCount / 1e6:F3} samples_per_s={1e6 / perSample:F0} test_acc={100.0 * correct / tests:F2} predict_median_us={latencies[latencies.Length / 2]:F2} predict_p99_us={latencies[(int)(latencies.Length * 0.99)]:F2} train_alloc_bytes={allocated} predict_alloc_bytes={predictAllocated}");
    }
}

/// <summary>
/// y = body(x) + shortcut(x); the identity without a shortcut (torch_cnn.py's Residual: the fields' names give the
/// state_dict names 4.body.0.weight, 6.shortcut.0.weight, …; a null shortcut registers nothing).
/// </summary>
internal sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly nn.Module<Tensor, Tensor>? shortcut;

    public Residual(nn.Module<Tensor, Tensor> body, nn.Module<Tensor, Tensor>? shortcut = null)
        : base(nameof(Residual))
    {
        this.body = body;
        this.shortcut = shortcut;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => body.forward(x).add(shortcut is null ? x : shortcut.forward(x));
}
