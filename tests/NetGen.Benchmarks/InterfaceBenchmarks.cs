using System;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// The cost of calling a network through NetGen's interface: the same call made directly on the class, through a
    /// generic method constrained to IClassifier (how Trainer.Fit calls it), and through a variable of the interface
    /// type. The cheapest calls (a single example's Predict and a batch-1 Train) show any overhead best.
    /// dotnet run -c Release --project tests/NetGen.Benchmarks -- --filter '*InterfaceBenchmarks*' --job short
    /// </summary>
    [MemoryDiagnoser]
    public class InterfaceBenchmarks
    {
        private readonly NetB _net = new();
        private readonly IClassifier<NetB, float> _asInterface;
        private readonly float[] _x = new float[784];
        private readonly int[] _y = { 3 };
        private readonly float[] _output = new float[10];

        public InterfaceBenchmarks()
        {
            _asInterface = _net;
            var random = new Random(1);
            for (int i = 0; i < _x.Length; i++)
            {
                _x[i] = random.NextSingle();
            }
        }

        [Benchmark(Baseline = true, Description = "Predict, direct")]
        public void PredictDirect() => _net.Predict(_x, _output);

        [Benchmark(Description = "Predict, constrained generic")]
        public void PredictConstrained() => Predict(_net, _x, _output);

        [Benchmark(Description = "Predict, interface variable")]
        public void PredictInterface() => _asInterface.Predict(_x, _output);

        [Benchmark(Description = "Train batch 1, direct")]
        public float TrainDirect() => _net.Train(_x, _y, 0.001f);

        [Benchmark(Description = "Train batch 1, constrained generic")]
        public float TrainConstrained() => Train(_net, _x, _y, 0.001f);

        private static void Predict<TNet>(TNet net, float[] x, float[] output)
            where TNet : class, IClassifier<TNet, float> => net.Predict(x, output.AsSpan(0, TNet.OutputSize));

        private static float Train<TNet>(TNet net, float[] x, int[] y, float rate)
            where TNet : class, IClassifier<TNet, float> => net.Train(x.AsSpan(0, TNet.InputSize), y, rate);
    }
}
