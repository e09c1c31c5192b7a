using System;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// Inputs shared by the benchmarks: a pool of examples cycled through so the input is not always in cache, either
    /// uniform random values (every input nonzero: the first layer's dense loops) or MNIST training images (about 81 %
    /// zeros: the first layer skips the all-zero parts), from data/mnist (the sample downloads it).
    /// </summary>
    public abstract class ExamplePool
    {
        protected const int Pool = 4096;
        private int _next;

        [Params("random", "mnist")]
        public string Inputs { get; set; } = "random";

        protected NetA A { get; } = new();

        protected NetB B { get; } = new();

        protected float[] X { get; } = new float[Pool * 784];

        protected int[] Y { get; } = new int[Pool];

        [GlobalSetup]
        public void Setup()
        {
            if (Inputs == "mnist")
            {
                NetGen.Data.Dataset train = NetGen.Data.Mnist.Load(Epoch.FindData()).Train;
                train.Shuffle(1);
                train.AllFeatures.Slice(0, X.Length).CopyTo(X);
                train.Labels.Slice(0, Y.Length).CopyTo(Y);
                return;
            }

            var random = new Random(1);
            for (int i = 0; i < X.Length; i++)
            {
                X[i] = random.NextSingle();
            }

            for (int i = 0; i < Y.Length; i++)
            {
                Y[i] = random.Next(10);
            }
        }

        /// <summary>The first of `count` consecutive examples, advancing through the pool.</summary>
        protected int Next(int count)
        {
            int start = _next;
            _next = (_next + count) % (Pool - 1024);
            return start;
        }
    }

    /// <summary>Train per call at batch 1, 32 and 128, for nets A and B.</summary>
    [MemoryDiagnoser]
    public class TrainBenchmarks : ExamplePool
    {
        [Params(1, 32, 128)]
        public int Batch { get; set; }

        [Benchmark(Description = "A Train")]
        public float TrainA()
        {
            int start = Next(Batch);
            return Batch == 1
                ? A.Train(X.AsSpan(start * 784, 784), Y[start], 0.01f)
                : A.Train(X.AsSpan(start * 784, Batch * 784), Y.AsSpan(start, Batch), 0.1f);
        }

        [Benchmark(Description = "B Train")]
        public float TrainB()
        {
            int start = Next(Batch);
            return Batch == 1
                ? B.Train(X.AsSpan(start * 784, 784), Y[start], 0.01f)
                : B.Train(X.AsSpan(start * 784, Batch * 784), Y.AsSpan(start, Batch), 0.1f);
        }
    }

    /// <summary>Predict latency (one example) and PredictBatch (1,000 examples per call), nets A and B.</summary>
    [MemoryDiagnoser]
    public class PredictBenchmarks : ExamplePool
    {
        private readonly float[] _output = new float[1000 * 10];

        [Benchmark(Description = "A Predict")]
        public void PredictA() => A.Predict(X.AsSpan(Next(1) * 784, 784), _output.AsSpan(0, 10));

        [Benchmark(Description = "B Predict")]
        public void PredictB() => B.Predict(X.AsSpan(Next(1) * 784, 784), _output.AsSpan(0, 10));

        [Benchmark(Description = "B PredictBatch 1000", OperationsPerInvoke = 1000)]
        public void PredictBatchB() => B.PredictBatch(X.AsSpan(Next(1000) * 784, 1000 * 784), _output);
    }
}
