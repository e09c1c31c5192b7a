// Streaming inference with a generated LSTM: trains SineLstm to predict a noisy sine one step ahead on windows of
// 32 steps, then runs it one step at a time with Step() on fresh streams, as an audio callback or a sensor loop would:
// prediction error, two streams on one network, per-step latency and allocation.
// Run: dotnet run --project samples/Streaming -c Release
using System;
using System.Diagnostics;
using System.Globalization;
using NetGen.Training;

namespace NetGen.Samples.Streaming
{
    internal static class Program
    {
        private const int T = SineLstm.SequenceLength;

        /// <summary>Standard deviation of the Gaussian noise added to the unit sine.</summary>
        private const double Noise = 0.05;

        /// <summary>Periods of the training sines, in steps, drawn uniformly per window: the network must infer the frequency.</summary>
        private const double MinPeriod = 16, MaxPeriod = 48;

        private const int Windows = 8192;
        private const int BatchSize = 32;
        private const int Epochs = 12;
        private const double LearningRate = 0.01;

        /// <summary>Length of each evaluation stream, far past the 32 steps of a training window.</summary>
        private const int StreamLength = 4096;

        /// <summary>Steps timed one by one for the latency figures.</summary>
        private const int TimedSteps = 200_000;

        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        public static int Main()
        {
            var wall = Stopwatch.StartNew();
            Console.WriteLine(
                $"SineLstm: 1 value per step → LSTM 32 → Dense 1 (identity, MSE), {SineLstm.ParameterCount:N0} parameters, Adam; "
                + $"trained on windows of {T} steps, streamed with Step(); stream state {SineLstm.StreamStateSize} floats");

            var net = new SineLstm();
            net.InitializeParameters(1);
            Train(net);

            // Two fresh streams with periods and phases no training window had exactly, run interleaved on one network.
            var (a, aClean) = Signal(new Random(101), StreamLength, period: 25.3, phase: 0.4);
            var (b, bClean) = Signal(new Random(202), StreamLength, period: 41.7, phase: 2.1);
            var predA = new float[StreamLength];
            var predB = new float[StreamLength];
            var stateA = new float[SineLstm.StreamStateSize];
            var stateB = new float[SineLstm.StreamStateSize];
            SineLstm.ResetState(stateA);
            SineLstm.ResetState(stateB);
            for (int t = 0; t < StreamLength; t++)
            {
                net.Step(a.AsSpan(t, 1), predA.AsSpan(t, 1), stateA);
                net.Step(b.AsSpan(t, 1), predB.AsSpan(t, 1), stateB);
            }

            Console.WriteLine();
            Console.WriteLine($"one-step-ahead RMSE over {StreamLength:N0} streamed steps (noise σ = {Noise.ToString(Invariant)}):");
            Console.WriteLine("  stream        vs next clean value   vs next noisy value   steps 1-32   steps 33+   repeat last value");
            Report("A (period 25.3)", a, aClean, predA);
            Report("B (period 41.7)", b, bClean, predB);

            // Each stream alone, on its own fresh state, gives bit for bit what it gave interleaved with the other.
            var alone = new float[StreamLength];
            var state = new float[SineLstm.StreamStateSize];
            bool same = true;
            foreach (var (x, interleaved) in new[] { (a, predA), (b, predB) })
            {
                SineLstm.ResetState(state);
                for (int t = 0; t < StreamLength; t++)
                {
                    net.Step(x.AsSpan(t, 1), alone.AsSpan(t, 1), state);
                }

                same &= alone.AsSpan().SequenceEqual(interleaved);
            }

            Console.WriteLine(
                $"two streams on one network: each stream's {StreamLength:N0} predictions are "
                + (same ? "bit-identical to running it alone" : "DIFFERENT from running it alone"));

            Latency(net, a);
            Console.WriteLine($"wall time {wall.Elapsed.TotalSeconds.ToString("F1", Invariant)} s");
            return same ? 0 : 1;
        }

        /// <summary>Adam on random windows: inputs x_0..x_31, targets x_1..x_32 (many-to-many, the mean squared error over the 32 steps).</summary>
        private static void Train(SineLstm net)
        {
            var rng = new Random(7);
            var inputs = new float[Windows * T];
            var targets = new float[Windows * T];
            for (int w = 0; w < Windows; w++)
            {
                double period = MinPeriod + ((MaxPeriod - MinPeriod) * rng.NextDouble());
                var (x, _) = Signal(rng, T + 1, period, 2 * Math.PI * rng.NextDouble());
                x.AsSpan(0, T).CopyTo(inputs.AsSpan(w * T, T));
                x.AsSpan(1, T).CopyTo(targets.AsSpan(w * T, T));
            }

            int batches = Windows / BatchSize;
            var schedule = LearningRateSchedule.Cosine(LearningRate, (long)Epochs * batches, LearningRate / 20);
            var order = new int[batches];
            for (int i = 0; i < batches; i++)
            {
                order[i] = i;
            }

            var clock = Stopwatch.StartNew();
            Console.WriteLine(
                $"training: {Windows:N0} windows of {T} steps, periods {MinPeriod}-{MaxPeriod} steps, {Epochs} epochs × {batches} mini-batches of {BatchSize}, "
                + $"Adam, learning rate {LearningRate.ToString(Invariant)} cosine to {(LearningRate / 20).ToString(Invariant)}");
            for (int epoch = 1; epoch <= Epochs; epoch++)
            {
                rng.Shuffle(order);
                double sum = 0;
                foreach (int b in order)
                {
                    int n = BatchSize * T;
                    sum += net.Train(inputs.AsSpan(b * n, n), targets.AsSpan(b * n, n), (float)schedule.Rate(net.StepCount));
                }

                if (epoch == 1 || epoch % 4 == 0 || epoch == Epochs)
                {
                    Console.WriteLine(
                        $"  epoch {epoch,2}: training MSE {(sum / batches).ToString("F5", Invariant)}  ({clock.Elapsed.TotalSeconds.ToString("F1", Invariant)} s)");
                }
            }
        }

        /// <summary>x_t = sin(2πt/period + phase) + noise, and the clean sine.</summary>
        private static (float[] Noisy, float[] Clean) Signal(Random rng, int length, double period, double phase)
        {
            var noisy = new float[length];
            var clean = new float[length];
            for (int t = 0; t < length; t++)
            {
                clean[t] = (float)Math.Sin((2 * Math.PI * t / period) + phase);
                noisy[t] = clean[t] + (float)(Noise * Gaussian(rng));
            }

            return (noisy, clean);
        }

        /// <summary>A standard normal draw (Box–Muller).</summary>
        private static double Gaussian(Random rng) =>
            Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

        /// <summary>Prediction p_t (made after reading x_t) against x_{t+1}.</summary>
        private static void Report(string name, float[] x, float[] clean, float[] predicted)
        {
            int n = x.Length - 1;
            double Rmse(Func<int, double> error, int from, int to)
            {
                double s = 0;
                for (int t = from; t < to; t++)
                {
                    double e = error(t);
                    s += e * e;
                }

                return Math.Sqrt(s / (to - from));
            }

            double vsClean = Rmse(t => predicted[t] - clean[t + 1], 0, n);
            double vsNoisy = Rmse(t => predicted[t] - x[t + 1], 0, n);
            double first = Rmse(t => predicted[t] - clean[t + 1], 0, T);
            double later = Rmse(t => predicted[t] - clean[t + 1], T, n);
            double persistence = Rmse(t => x[t] - clean[t + 1], 0, n);
            Console.WriteLine(string.Format(
                Invariant, "  {0,-15} {1,18:F4} {2,21:F4} {3,12:F4} {4,11:F4} {5,19:F4}", name, vsClean, vsNoisy, first, later, persistence));
        }

        /// <summary>Times Step() one call at a time on one stream, and counts the bytes it allocates.</summary>
        private static void Latency(SineLstm net, float[] x)
        {
            var state = new float[SineLstm.StreamStateSize];
            var output = new float[1];
            var ticks = new long[TimedSteps];
            SineLstm.ResetState(state);
            for (int i = 0; i < 20_000; i++)
            {
                net.Step(x.AsSpan(i % x.Length, 1), output, state); // warm up: tiered JIT to the optimized code
            }

            // The cost of the two timestamps alone: included in every figure below, not subtracted.
            var empty = new long[TimedSteps];
            for (int i = 0; i < TimedSteps; i++)
            {
                long s = Stopwatch.GetTimestamp();
                empty[i] = Stopwatch.GetTimestamp() - s;
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            long total = Stopwatch.GetTimestamp();
            for (int i = 0; i < TimedSteps; i++)
            {
                var input = x.AsSpan(i & (StreamLength - 1), 1);
                long s = Stopwatch.GetTimestamp();
                net.Step(input, output, state);
                ticks[i] = Stopwatch.GetTimestamp() - s;
            }

            total = Stopwatch.GetTimestamp() - total;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Array.Sort(ticks);
            Array.Sort(empty);
            double ns = 1e9 / Stopwatch.Frequency;
            Console.WriteLine();
            Console.WriteLine(string.Format(
                Invariant,
                "Step() latency over {0:N0} single steps: median {1:F0} ns, p99 {2:F0} ns (each with two timestamps, {4:F0} ns alone); "
                + "mean {3:F0} ns (the whole timed loop over the steps)",
                TimedSteps,
                ticks[TimedSteps / 2] * ns,
                ticks[(int)(TimedSteps * 0.99)] * ns,
                total * ns / TimedSteps,
                empty[TimedSteps / 2] * ns));
            Console.WriteLine(string.Format(
                Invariant,
                "allocated while streaming: {0} bytes in {1:N0} steps ({2} bytes per step); at 48 kHz a sample lasts 20,833 ns",
                allocated,
                TimedSteps,
                allocated / TimedSteps));
        }
    }
}
