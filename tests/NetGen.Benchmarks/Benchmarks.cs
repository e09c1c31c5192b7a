using System;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks
{
    /// <summary>Per-call costs: Predict latency and Train per example at batch 1, 32 and 128, for nets A and B.</summary>
    [MemoryDiagnoser]
    public class NetworkBenchmarks
    {
        private const int Pool = 4096; // examples cycled through so the input is not always in cache
        private readonly NetA _a = new();
        private readonly NetB _b = new();
        private readonly float[] _x = new float[Pool * 784];
        private readonly int[] _y = new int[Pool];
        private readonly float[] _output = new float[10];
        private int _next;

        [Params(1, 32, 128)]
        public int Batch { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(1);
            for (int i = 0; i < _x.Length; i++)
            {
                _x[i] = random.NextSingle();
            }

            for (int i = 0; i < _y.Length; i++)
            {
                _y[i] = random.Next(10);
            }
        }

        private int Next(int count)
        {
            int start = _next;
            _next = (_next + count) % (Pool - 128);
            return start;
        }

        [Benchmark(Description = "A Predict")]
        public void PredictA()
        {
            if (Batch == 1)
            {
                _a.Predict(_x.AsSpan(Next(1) * 784, 784), _output);
            }
        }

        [Benchmark(Description = "B Predict")]
        public void PredictB()
        {
            if (Batch == 1)
            {
                _b.Predict(_x.AsSpan(Next(1) * 784, 784), _output);
            }
        }

        [Benchmark(Description = "A Train")]
        public float TrainA()
        {
            int start = Next(Batch);
            return Batch == 1
                ? _a.Train(_x.AsSpan(start * 784, 784), _y[start], 0.01f)
                : _a.Train(_x.AsSpan(start * 784, Batch * 784), _y.AsSpan(start, Batch), 0.1f);
        }

        [Benchmark(Description = "B Train")]
        public float TrainB()
        {
            int start = Next(Batch);
            return Batch == 1
                ? _b.Train(_x.AsSpan(start * 784, 784), _y[start], 0.01f)
                : _b.Train(_x.AsSpan(start * 784, Batch * 784), _y.AsSpan(start, Batch), 0.1f);
        }
    }
}
