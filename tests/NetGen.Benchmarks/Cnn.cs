using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NetGen.Data;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// The convolutional comparison (tests/Benchmarks/compare.sh --cnn runs it beside tests/Benchmarks/torch_cnn.py):
    /// LeNet-5 and the ResNet of samples/FashionResNet on MNIST (each image 1×28×28), softmax cross-entropy, float32,
    /// over the first N training images in a fixed seeded order after four warm-up batches from the end of that order,
    /// in training mode (dropout's masks, batch normalization's batch statistics); µs per sample and the epoch time it
    /// implies; test accuracy (PredictBatch over the 10,000 test images, untimed); single-sample Predict latency (2,000
    /// calls after 200 warm-up calls, the test images in order; predict_alloc_bytes is their total). LeNet-5: plain SGD,
    /// lr 0.01 at batch 1 (the single-example step), 0.1 above. ResNet: SGD with Nesterov momentum 0.9 and weight decay
    /// 5e-4, lr 0.01 at batch 1, 0.05 above. ResNetNoNorm (NetGen only): the ResNet without batch normalization, for
    /// what the normalization costs Predict; trained like the ResNet at a tenth of its rate.
    ///   cnn [--nets LeNet5,ResNet,ResNetNoNorm] [--batches 1,32] [--samples N] [--data DIR]
    /// </summary>
    internal static class Cnn
    {
        private const int PredictCalls = 2_000;
        private const int PredictWarmup = 200;

        public static int Run(string[] args)
        {
            string data = Option(args, "--data") ?? Epoch.FindData();
            int samples = int.Parse(Option(args, "--samples") ?? "6000", CultureInfo.InvariantCulture);
            string[] nets = (Option(args, "--nets") ?? "LeNet5").Split(',');
            foreach (string net in nets)
            {
                if (net is not ("LeNet5" or "ResNet" or "ResNetNoNorm"))
                {
                    throw new ArgumentException($"--nets lists LeNet5, ResNet or ResNetNoNorm, not '{net}'");
                }
            }

            DatasetPair mnist = Mnist.Load(data);
            foreach (string net in nets)
            {
                foreach (int batch in (Option(args, "--batches") ?? "1,32").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
                {
                    if (batch < 1 || samples < batch)
                    {
                        throw new ArgumentException($"batch {batch} needs 1 ≤ batch ≤ --samples ({samples})");
                    }

                    Console.WriteLine(net switch
                    {
                        "LeNet5" => Measure(new LeNet5(), net, batch, samples, mnist, batch == 1 ? 0.01f : 0.1f),
                        "ResNet" => Measure(Nesterov(new ResNet()), net, batch, samples, mnist, batch == 1 ? 0.01f : 0.05f),
                        _ => Measure(Nesterov(new ResNetNoNorm()), net, batch, samples, mnist, batch == 1 ? 0.001f : 0.005f),
                    });
                }
            }

            return 0;
        }

        private static ResNet Nesterov(ResNet net)
        {
            net.Momentum = 0.9f;
            net.WeightDecay = 5e-4f;
            return net;
        }

        private static ResNetNoNorm Nesterov(ResNetNoNorm net)
        {
            net.Momentum = 0.9f;
            net.WeightDecay = 5e-4f;
            return net;
        }

        private static string Measure<TNet>(TNet net, string name, int batch, int samples, DatasetPair mnist, float rate)
            where TNet : class, IClassifier<TNet, float>
        {
            Dataset set = mnist.Train;
            set.Shuffle(0);
            float loss = 0;

            float Step(int start)
            {
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

            // Test accuracy, untimed: Predict is deterministic (no dropout, running statistics).
            Dataset test = mnist.Test;
            var probabilities = new float[test.Count * TNet.OutputSize];
            net.PredictBatch(test.AllFeatures, probabilities);
            int correct = 0;
            for (int i = 0; i < test.Count; i++)
            {
                ReadOnlySpan<float> p = probabilities.AsSpan(i * TNet.OutputSize, TNet.OutputSize);
                int best = 0;
                for (int k = 1; k < p.Length; k++)
                {
                    best = p[k] > p[best] ? k : best;
                }

                correct += best == test.Label(i) ? 1 : 0;
            }

            var output = new float[TNet.OutputSize];
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
                $"peer=NetGen net={name} batch={batch} threads=1 samples={samples} last_loss={loss:F3} us_per_sample={perSample:F2} epoch_s={perSample * 60000 / 1e6:F3} samples_per_s={1e6 / perSample:F0} test_acc={100.0 * correct / test.Count:F2} predict_median_us={latencies[latencies.Length / 2]:F2} predict_p99_us={latencies[(int)(latencies.Length * 0.99)]:F2} train_alloc_bytes={allocated} predict_alloc_bytes={predictAllocated}");
        }

        private static string? Option(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }
}
