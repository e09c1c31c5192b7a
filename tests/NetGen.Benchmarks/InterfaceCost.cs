using System;
using System.Diagnostics;
using System.Globalization;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// A Stopwatch comparison robust to a busy machine: the same calls made directly on the class and through a generic
    /// method constrained to IClassifier (as Trainer.Fit makes them) alternate in rounds; the fastest round of each is
    /// reported, per call. dotnet run -c Release --project tests/NetGen.Benchmarks -- interface
    /// </summary>
    internal static class InterfaceCost
    {
        public static int Run()
        {
            var net = new NetB();
            var x = new float[784];
            var random = new Random(1);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = random.NextSingle();
            }

            var y = new[] { 3 };
            var output = new float[10];
            const int Calls = 20_000, Rounds = 25;
            double predictDirect = double.MaxValue, predictGeneric = double.MaxValue, trainDirect = double.MaxValue, trainGeneric = double.MaxValue;
            for (int round = 0; round < Rounds; round++)
            {
                // The order alternates between rounds, so neither variant always runs on a warmer cache.
                bool directFirst = round % 2 == 0;
                double pd = directFirst ? PredictDirect(net, x, output, Calls) : 0;
                double pg = PredictGeneric(net, x, output, Calls);
                pd = directFirst ? pd : PredictDirect(net, x, output, Calls);
                double td = directFirst ? TrainDirect(net, x, y, Calls / 4) : 0;
                double tg = TrainGeneric(net, x, y, Calls / 4);
                td = directFirst ? td : TrainDirect(net, x, y, Calls / 4);
                predictDirect = Math.Min(predictDirect, pd);
                predictGeneric = Math.Min(predictGeneric, pg);
                trainDirect = Math.Min(trainDirect, td);
                trainGeneric = Math.Min(trainGeneric, tg);
            }
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "Predict (NetB, one example): direct {0:F1} ns, constrained generic {1:F1} ns ({2:+0.0;-0.0} %)", predictDirect, predictGeneric, 100 * ((predictGeneric / predictDirect) - 1)));
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "Train batch 1 (NetB):        direct {0:F1} ns, constrained generic {1:F1} ns ({2:+0.0;-0.0} %)", trainDirect, trainGeneric, 100 * ((trainGeneric / trainDirect) - 1)));
            return 0;
        }

        private static double PredictDirect(NetB net, float[] x, float[] output, int calls)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                net.Predict(x, output);
            }

            return PerCall(start, Stopwatch.GetTimestamp(), calls);
        }

        private static double PredictGeneric(NetB net, float[] x, float[] output, int calls)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                Predict(net, x, output);
            }

            return PerCall(start, Stopwatch.GetTimestamp(), calls);
        }

        private static double TrainDirect(NetB net, float[] x, int[] y, int calls)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                net.Train(x, y, 1e-6f);
            }

            return PerCall(start, Stopwatch.GetTimestamp(), calls);
        }

        private static double TrainGeneric(NetB net, float[] x, int[] y, int calls)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                Train(net, x, y, 1e-6f);
            }

            return PerCall(start, Stopwatch.GetTimestamp(), calls);
        }

        private static double PerCall(long start, long end, int calls) => (end - start) * 1e9 / Stopwatch.Frequency / calls;

        private static void Predict<TNet>(TNet net, float[] x, float[] output)
            where TNet : class, IClassifier<TNet, float> => net.Predict(x, output.AsSpan(0, TNet.OutputSize));

        private static float Train<TNet>(TNet net, float[] x, int[] y, float rate)
            where TNet : class, IClassifier<TNet, float> => net.Train(x.AsSpan(0, TNet.InputSize), y, rate);
    }
}
