using System;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// The ResNet of samples/FashionResNet: a single Predict with and without its batch normalization (folded into the
    /// convolutions: the target is at most 10 % more), and Train at batch 1 and 32 (training mode, the batch's
    /// statistics), on MNIST training images.
    /// </summary>
    [MemoryDiagnoser]
    public class ResNetBenchmarks
    {
        private const int Pool = 1024;
        private readonly ResNet _resnet = new() { Momentum = 0.9f, WeightDecay = 5e-4f };
        private readonly ResNetNoNorm _plain = new() { Momentum = 0.9f, WeightDecay = 5e-4f };
        private readonly float[] _x = new float[Pool * ResNet.InputSize];
        private readonly int[] _y = new int[Pool];
        private readonly float[] _output = new float[ResNet.OutputSize];
        private int _next;

        [GlobalSetup]
        public void Setup()
        {
            NetGen.Data.Dataset train = NetGen.Data.Mnist.Load(Epoch.FindData()).Train;
            train.Shuffle(1);
            train.AllFeatures.Slice(0, _x.Length).CopyTo(_x);
            train.Labels.Slice(0, _y.Length).CopyTo(_y);
            for (int start = 0; start + 32 <= 256; start += 32)
            {
                _resnet.Train(_x.AsSpan(start * ResNet.InputSize, 32 * ResNet.InputSize), _y.AsSpan(start, 32), 0.05f); // running statistics that are not the initial ones
            }
        }

        [Benchmark(Baseline = true)]
        public void PredictWithBatchNorm() => _resnet.Predict(Example(1), _output);

        [Benchmark]
        public void PredictWithoutBatchNorm() => _plain.Predict(Example(1), _output);

        [Benchmark]
        public float TrainBatch1()
        {
            int start = Next(1);
            return _resnet.Train(_x.AsSpan(start * ResNet.InputSize, ResNet.InputSize), _y.AsSpan(start, 1), 0.01f);
        }

        [Benchmark]
        public float TrainBatch32()
        {
            int start = Next(32);
            return _resnet.Train(_x.AsSpan(start * ResNet.InputSize, 32 * ResNet.InputSize), _y.AsSpan(start, 32), 0.05f);
        }

        private ReadOnlySpan<float> Example(int count) => _x.AsSpan(Next(count) * ResNet.InputSize, count * ResNet.InputSize);

        private int Next(int count)
        {
            int start = _next;
            _next = (_next + count) % (Pool - 32);
            return start;
        }
    }
}
