using System;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// Train per call with Adam on net B (NetBAdam: β₁ 0.9, β₂ 0.999, ε 1e-8, lr 0.001) at batch 1, 32 and 128, beside
    /// TrainBenchmarks' plain-SGD net B: <c>dotnet run -c Release --project tests/NetGen.Benchmarks -- --filter '*Adam*'</c>.
    /// </summary>
    [MemoryDiagnoser]
    public class AdamTrainBenchmarks : ExamplePool
    {
        private readonly NetBAdam _adam = new();

        [Params(1, 32, 128)]
        public int Batch { get; set; }

        [Benchmark(Description = "B Train Adam")]
        public float TrainBAdam()
        {
            int start = Next(Batch);
            return Batch == 1
                ? _adam.Train(X.AsSpan(start * 784, 784), Y[start], 0.001f)
                : _adam.Train(X.AsSpan(start * 784, Batch * 784), Y.AsSpan(start, Batch), 0.001f);
        }
    }
}
