// TorchSharp peer of the NetGen recurrent comparison (`NetGen.Benchmarks sequence`, tests/Benchmarks/torch_sequence.py):
//
//   dotnet bin/Release/net10.0/TorchSharpPeer.dll sequence [--nets LSTM,GRU,STREAM] [--batches 1,32] [--threads 1]
//                                                          [--samples N] [--stream-steps 200000] [--data DIR]
//
// Row-MNIST (each image 28 steps of 28 pixels): nn.LSTM or nn.GRU(28, 128, batchFirst) then nn.Linear(128, 10) on the
// last step, softmax cross-entropy (mean), default initialization, plain SGD (batch 1 lr 0.01, batch 32 lr 0.1) over the
// first N images of a fixed seeded order, four warm-up batches from the end of the shuffled set; single-sample predict
// latency over 2,000 calls after 200 warm-up calls. STREAM: nn.LSTMCell(1, 32) + nn.Linear(32, 1), one step per call
// under no_grad. Every step and call in its own torch.NewDisposeScope().
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

internal static class Sequence
{
    private const int TrainCount = 60_000;

    public static int Run(string[] args)
    {
        string data = Program.Option(args, "--data") ?? Program.FindData();
        string nets = Program.Option(args, "--nets") ?? "LSTM,GRU,STREAM";
        string batches = Program.Option(args, "--batches") ?? "1,32";
        string threads = Program.Option(args, "--threads") ?? "1";
        int samples = int.Parse(Program.Option(args, "--samples") ?? "6000", CultureInfo.InvariantCulture);
        int streamSteps = int.Parse(Program.Option(args, "--stream-steps") ?? "200000", CultureInfo.InvariantCulture);
        torch.set_num_interop_threads(1);
        Tensor trainX = Program.Images(Path.Combine(data, "train-images-idx3-ubyte.gz")).reshape(-1, 28, 28);
        Tensor trainY = Program.Labels(Path.Combine(data, "train-labels-idx1-ubyte.gz"));
        Tensor testX = Program.Images(Path.Combine(data, "t10k-images-idx3-ubyte.gz")).reshape(-1, 28, 28);
        foreach (string net in nets.Split(','))
        {
            foreach (int t in threads.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
            {
                if (net == "STREAM")
                {
                    Console.WriteLine(Stream(t, streamSteps));
                    continue;
                }

                if (net is not ("LSTM" or "GRU"))
                {
                    throw new ArgumentException("unknown net " + net);
                }

                foreach (int batch in batches.Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
                {
                    Console.WriteLine(Measure(net, batch, t, samples, trainX, trainY, testX));
                }
            }
        }

        return 0;
    }

    /// <summary>nn.LSTM or nn.GRU over the 28 rows, the last step's output into Linear(128, 10) (logits).</summary>
    private sealed class RowNet : nn.Module<Tensor, Tensor>
    {
        private readonly LSTM? lstm;
        private readonly GRU? gru;
        private readonly Linear fc;

        public RowNet(string kind)
            : base("RowNet")
        {
            if (kind == "LSTM")
            {
                lstm = nn.LSTM(28, 128, batchFirst: true);
            }
            else
            {
                gru = nn.GRU(28, 128, batchFirst: true);
            }

            fc = nn.Linear(128, 10);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            Tensor output = lstm is not null ? lstm.forward(x).Item1 : gru!.forward(x).Item1;
            return fc.forward(output.select(1, -1));
        }
    }

    private static string Measure(string kind, int batch, int threads, int samples, Tensor trainX, Tensor trainY, Tensor testX)
    {
        torch.set_num_threads(threads);
        torch.manual_seed(0);
        var model = new RowNet(kind);
        double rate = batch == 1 ? 0.01 : 0.1;
        var optimizer = torch.optim.SGD(model.parameters(), rate); // plain SGD: no momentum, no weight decay

        // Fixed seeded order; permuting once up front keeps the timed loop to plain slicing.
        using var generator = new torch.Generator(0);
        using var perm = torch.randperm(TrainCount, generator: generator);
        using var x = trainX.index_select(0, perm).contiguous();
        using var y = trainY.index_select(0, perm).contiguous();

        model.train();
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

        model.eval();
        var latencies = new double[SinglePredictions.Calls];
        long predictAllocated = 0;
        using (torch.no_grad())
        {
            predictAllocated = SinglePredictions.Time(x => model.forward(x), testX, latencies);
        }

        model.Dispose();
        optimizer.Dispose();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"peer=TorchSharp net={kind} batch={batch} threads={threads} samples={samples} last_loss={last:F3} us_per_sample={perSample:F2} epoch_s={perSample * TrainCount / 1e6:F3} predict_median_us={latencies[latencies.Length / 2]:F2} predict_p99_us={latencies[(int)(latencies.Length * 0.99)]:F2} train_alloc_bytes={allocated} predict_alloc_bytes={predictAllocated}");
    }

    /// <summary>LSTMCell(1, 32) + Linear(32, 1), one step per call on a sine under no_grad.</summary>
    private static string Stream(int threads, int steps)
    {
        torch.set_num_threads(threads);
        torch.manual_seed(0);
        using var cell = nn.LSTMCell(1, 32);
        using var fc = nn.Linear(32, 1);
        cell.eval();
        fc.eval();
        int warmup = steps / 10;
        using var xs = torch.sin(torch.arange(-warmup, steps, dtype: ScalarType.Float32) * 0.01).reshape(-1, 1, 1);
        var latencies = new double[steps];
        var empty = new double[steps];
        double mean;
        long allocated;
        using (torch.no_grad())
        {
            Tensor h = torch.zeros(1, 32);
            Tensor c = torch.zeros(1, 32);
            void Step(int k)
            {
                using var scope = torch.NewDisposeScope();
                var (h2, c2) = cell.forward(xs[k], (h, c));
                fc.forward(h2);
                scope.MoveToOuter(h2, c2);
                h.Dispose();
                c.Dispose();
                h = h2;
                c = c2;
            }

            for (int i = -warmup; i < steps; i++)
            {
                long s = Stopwatch.GetTimestamp();
                Step(i + warmup);
                if (i >= 0)
                {
                    latencies[i] = (Stopwatch.GetTimestamp() - s) * 1e9 / Stopwatch.Frequency;
                }
            }

            // The timer's own cost, subtracted: the same pair of timestamps around nothing.
            for (int i = 0; i < steps; i++)
            {
                long s = Stopwatch.GetTimestamp();
                empty[i] = (Stopwatch.GetTimestamp() - s) * 1e9 / Stopwatch.Frequency;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                Step(warmup + i);
            }

            mean = (Stopwatch.GetTimestamp() - t0) * 1e9 / Stopwatch.Frequency / steps;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            h.Dispose();
            c.Dispose();
        }

        Array.Sort(latencies);
        Array.Sort(empty);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"peer=TorchSharp net=STREAM batch=1 threads={threads} steps={steps} step_mean_ns={mean:F1} step_median_ns={latencies[steps / 2] - empty[steps / 2]:F1} step_p99_ns={latencies[(int)(steps * 0.99)]:F1} timer_ns={empty[steps / 2]:F1} step_alloc_bytes={allocated}");
    }
}
