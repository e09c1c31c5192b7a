using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NetGen.Data;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// The recurrent comparison (tests/Benchmarks/compare.sh runs it beside tests/Benchmarks/torch_sequence.py): row-MNIST,
    /// each image 28 steps of 28 pixels, LSTM(28→128) or GRU(28→128) then Linear(128, 10), softmax cross-entropy, plain SGD
    /// (batch 1: lr 0.01; batch 32: lr 0.1) over the first N training images in a fixed seeded order; µs per sample and the
    /// epoch time it implies; single-sample Predict latency (2,000 calls; predict_alloc_bytes is their total); and the
    /// streaming step of LSTM(1→32) + Linear(32, 1).
    /// </summary>
    internal static class Sequence
    {
        private delegate float TrainMany(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, float rate);

        private delegate void PredictOne(ReadOnlySpan<float> input, Span<float> output);

        public static int Run(string[] args)
        {
            string data = Option(args, "--data") ?? Epoch.FindData();
            int samples = int.Parse(Option(args, "--samples") ?? "6000", CultureInfo.InvariantCulture);
            DatasetPair mnist = Mnist.Load(data);
            foreach (string net in (Option(args, "--nets") ?? "LSTM,GRU,STREAM").Split(','))
            {
                if (net == "STREAM")
                {
                    var lstm = new StreamLstm();
                    var state = new float[StreamLstm.StreamStateSize];
                    Console.WriteLine(Stream("STREAM", 1, (input, output) => lstm.Step(input, output, state)));
                    continue;
                }

                if (net == "TCN")
                {
                    var tcn = new StreamTcn();
                    tcn.InitializeParameters(1);
                    var state = new float[StreamTcn.StreamStateSize];
                    Console.WriteLine(Stream("TCN", 2, (input, output) => tcn.Step(input, output, state)));
                    continue;
                }

                foreach (int batch in (Option(args, "--batches") ?? "1,32").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
                {
                    switch (net)
                    {
                        case "LSTM":
                            var lstm = new RowLstm();
                            Console.WriteLine(Measure(net, batch, samples, mnist, lstm.Train, lstm.Predict));
                            break;
                        case "LSTMC":
                            var checkpointed = new RowLstmCheckpointed();
                            Console.WriteLine(Measure(net, batch, samples, mnist, checkpointed.Train, checkpointed.Predict) + $" stored_bytes_per_example={RowLstmCheckpointed.ActivationBytesPerExample} full_stored_bytes_per_example={RowLstm.ActivationBytesPerExample}");
                            break;
                        case "GRU":
                            var gru = new RowGru();
                            Console.WriteLine(Measure(net, batch, samples, mnist, gru.Train, gru.Predict));
                            break;
                        case "TRANSFORMER":
                            var transformer = new RowTransformer();
                            Console.WriteLine(Measure(net, batch, samples, mnist, transformer.Train, transformer.Predict));
                            break;
                        default:
                            throw new ArgumentException("unknown net " + net);
                    }
                }
            }

            return 0;
        }

        private static string Measure(string name, int batch, int samples, DatasetPair mnist, TrainMany train, PredictOne predict)
        {
            Dataset set = mnist.Train;
            set.Shuffle(0);
            float rate = batch == 1 ? 0.01f : 0.1f;
            float loss = 0;

            // Warm-up on images the timed run does not use.
            for (int start = set.Count - (4 * batch); start < set.Count; start += batch)
            {
                Batch b = set.Batch(start, batch);
                train(b.Features, b.Labels, rate);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            for (int start = 0; start + batch <= samples; start += batch)
            {
                Batch b = set.Batch(start, batch);
                loss = train(b.Features, b.Labels, rate);
            }

            double seconds = (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            double perSample = seconds * 1e6 / (samples / batch * batch);

            var output = new float[10];
            var latencies = new double[2000];
            Dataset test = mnist.Test;
            long predictAllocated = 0;
            for (int i = -200; i < latencies.Length; i++)
            {
                if (i == 0)
                {
                    predictAllocated = GC.GetAllocatedBytesForCurrentThread();
                }

                ReadOnlySpan<float> x = test.Features((i + 200) % test.Count);
                long s = Stopwatch.GetTimestamp();
                predict(x, output);
                if (i >= 0)
                {
                    latencies[i] = (Stopwatch.GetTimestamp() - s) * 1e6 / Stopwatch.Frequency;
                }
            }

            predictAllocated = GC.GetAllocatedBytesForCurrentThread() - predictAllocated;
            Array.Sort(latencies);
            return $"peer=NetGen net={name} batch={batch} threads=1 samples={samples} last_loss={loss:F3} us_per_sample={perSample:F2} epoch_s={perSample * 60000 / 1e6:F3} predict_median_us={latencies[latencies.Length / 2]:F2} predict_p99_us={latencies[(int)(latencies.Length * 0.99)]:F2} train_alloc_bytes={allocated} predict_alloc_bytes={predictAllocated}";
        }

        /// <summary>
        /// One step per call on a sine (every input of a step the same value): STREAM, LSTM(1→32) + Linear(32, 1); TCN, the
        /// adding problem's TCN. Median and p99 of the per-step latency, the mean over an untimed loop, and the bytes allocated.
        /// </summary>
        private static string Stream(string name, int inputs, PredictOne step)
        {
            var input = new float[inputs];
            var output = new float[1];
            const int steps = 200_000;
            var latencies = new double[steps];
            for (int i = -20_000; i < steps; i++)
            {
                input.AsSpan().Fill(MathF.Sin(i * 0.01f));
                long s = Stopwatch.GetTimestamp();
                step(input, output);
                if (i >= 0)
                {
                    latencies[i] = (Stopwatch.GetTimestamp() - s) * 1e9 / Stopwatch.Frequency;
                }
            }

            // The timer's own cost, subtracted: the same loop around nothing.
            var empty = new double[steps];
            for (int i = 0; i < steps; i++)
            {
                long s = Stopwatch.GetTimestamp();
                empty[i] = (Stopwatch.GetTimestamp() - s) * 1e9 / Stopwatch.Frequency;
            }

            Array.Sort(latencies);
            Array.Sort(empty);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                input.AsSpan().Fill(MathF.Sin(i * 0.01f));
                step(input, output);
            }

            double mean = (Stopwatch.GetTimestamp() - t0) * 1e9 / Stopwatch.Frequency / steps;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            return $"peer=NetGen net={name} batch=1 threads=1 steps={steps} step_mean_ns={mean:F1} step_median_ns={latencies[steps / 2] - empty[steps / 2]:F1} step_p99_ns={latencies[(int)(steps * 0.99)]:F1} timer_ns={empty[steps / 2]:F1} step_alloc_bytes={allocated}";
        }

        private static string? Option(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }
}
