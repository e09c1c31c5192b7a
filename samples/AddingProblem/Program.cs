// The adding problem (Hochreiter and Schmidhuber, 1997; the TCN benchmark of Bai, Kolter and Koltun, 2018) at T = 600:
// each step holds a value drawn from U(0, 1) and a marker; two steps are marked, one in each half of the sequence, and the
// target is the sum of their two values. Always predicting 1 gives an MSE of about 0.167. A TCN of causal convolutions is
// trained on fresh random sequences, evaluated on a fixed test set ("test MSE: <value>"), then streamed one step at a
// time with Step(), as it would run on a live signal, with the latency per step.
// Run: dotnet run --project samples/AddingProblem -c Release [-- --steps N] [--threads N] [--seed N]
using System;
using System.Diagnostics;
using System.Globalization;
using NetGen.Training;

namespace NetGen.Samples.AddingProblem
{
    internal static class Program
    {
        private const int T = Tcn.SequenceLength;
        private const int BatchSize = 32;
        private const int DefaultSteps = 3000;
        private const float InitScale = 0.3f;
        private const double LearningRate = 0.002;
        private const double FinalRate = LearningRate / 200;
        private const int TestSequences = 1000;
        private const int TimedSteps = 60_000;

        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        public static int Main(string[] args)
        {
            int steps = Option(args, "--steps", DefaultSteps);
            int threads = Option(args, "--threads", Math.Min(Environment.ProcessorCount, 8));
            int seed = Option(args, "--seed", 1);
            var wall = Stopwatch.StartNew();
            Console.WriteLine(
                $"adding problem, T = {T}: Tcn, {Tcn.ParameterCount:N0} parameters (seven residual causal convolutions, kernel 8, dilations 1-64, "
                + $"receptive field 890 steps), Adam; stream state {Tcn.StreamStateSize:N0} floats");

            var net = new Tcn { TrainingThreads = threads };
            net.InitializeParameters(seed);

            // He's initialization, scaled down: seven residual blocks each add their branch to the signal, and at full scale
            // the sums start large (test MSE 24) and training stays on the plateau of always predicting the mean. Bai et al.
            // start their TCN's weights from N(0, 0.01) for the same reason.
            foreach (ref float p in net.Parameters)
            {
                p *= InitScale;
            }
            var (testInputs, testTargets) = Sequences(new Random(12345), TestSequences);
            Console.WriteLine(string.Format(Invariant, "test MSE before training: {0:F4} (always predicting 1: {1:F4})", Mse(net, testInputs, testTargets), Baseline(testTargets)));

            Train(net, steps, threads, testInputs, testTargets);
            double mse = Mse(net, testInputs, testTargets);
            Console.WriteLine(string.Format(Invariant, "test MSE: {0:G4}", mse));

            Stream(net, testInputs, testTargets);
            Console.WriteLine($"wall time {wall.Elapsed.TotalSeconds.ToString("F1", Invariant)} s");
            return mse <= 1e-3 ? 0 : 1;
        }

        /// <summary>Adam on fresh random sequences, the rate cosine-annealed to 1/200 of its start; the test MSE every 250 steps.</summary>
        private static void Train(Tcn net, int steps, int threads, float[] testInputs, float[] testTargets)
        {
            var rng = new Random(7);
            var schedule = LearningRateSchedule.Cosine(LearningRate, steps, FinalRate);
            var clock = Stopwatch.StartNew();
            Console.WriteLine(
                $"training: {steps:N0} mini-batches of {BatchSize} fresh sequences ({(long)steps * BatchSize:N0} in all), Adam, learning rate "
                + $"{LearningRate.ToString(Invariant)} cosine to {FinalRate.ToString(Invariant)}, {threads} thread(s)");
            double sum = 0;
            int count = 0;
            for (int step = 1; step <= steps; step++)
            {
                var (inputs, targets) = Sequences(rng, BatchSize);
                sum += net.Train(inputs, targets, (float)schedule.Rate(net.StepCount));
                count++;
                if (step % 250 == 0 || step == steps)
                {
                    Console.WriteLine(string.Format(
                        Invariant,
                        "  step {0,5}: training MSE {1:F5}, test MSE {2:F5}  ({3:F1} s)",
                        step,
                        sum / count,
                        Mse(net, testInputs, testTargets),
                        clock.Elapsed.TotalSeconds));
                    sum = 0;
                    count = 0;
                }
            }
        }

        /// <summary>
        /// <paramref name="count"/> sequences of T steps of (value, marker), row-major, and their targets: one marked step in
        /// each half, the target the sum of their values.
        /// </summary>
        private static (float[] Inputs, float[] Targets) Sequences(Random rng, int count)
        {
            var inputs = new float[count * T * 2];
            var targets = new float[count];
            for (int n = 0; n < count; n++)
            {
                Span<float> x = inputs.AsSpan(n * T * 2, T * 2);
                for (int t = 0; t < T; t++)
                {
                    x[2 * t] = (float)rng.NextDouble();
                }

                int first = rng.Next(T / 2);
                int second = (T / 2) + rng.Next(T / 2);
                x[(2 * first) + 1] = 1;
                x[(2 * second) + 1] = 1;
                targets[n] = x[2 * first] + x[2 * second];
            }

            return (inputs, targets);
        }

        private static double Mse(Tcn net, float[] inputs, float[] targets)
        {
            var predictions = new float[targets.Length];
            net.PredictBatch(inputs, predictions);
            double sum = 0;
            for (int i = 0; i < targets.Length; i++)
            {
                double e = predictions[i] - targets[i];
                sum += e * e;
            }

            return sum / targets.Length;
        }

        private static double Baseline(float[] targets)
        {
            double sum = 0;
            foreach (float y in targets)
            {
                sum += (y - 1.0) * (y - 1.0);
            }

            return sum / targets.Length;
        }

        /// <summary>
        /// Streams test sequences one step at a time (each from a reset state): after the last step Step's output is the
        /// prediction for the whole sequence, as Predict's. Then times single steps and counts the bytes they allocate.
        /// </summary>
        private static void Stream(Tcn net, float[] inputs, float[] targets)
        {
            var state = new float[Tcn.StreamStateSize];
            var output = new float[1];
            var predicted = new float[1];
            double largest = 0;
            const int Streamed = 100;
            for (int n = 0; n < Streamed; n++)
            {
                ReadOnlySpan<float> x = inputs.AsSpan(n * T * 2, T * 2);
                Tcn.ResetState(state);
                for (int t = 0; t < T; t++)
                {
                    net.Step(x.Slice(2 * t, 2), output, state);
                }

                net.Predict(x, predicted);
                largest = Math.Max(largest, Math.Abs(output[0] - predicted[0]));
            }

            Console.WriteLine(string.Format(Invariant, "streamed {0} test sequences step by step: after step {1} each gives Predict's sum to {2:E1} at most", Streamed, T, largest));

            Tcn.ResetState(state);
            for (int i = 0; i < 20_000; i++)
            {
                net.Step(inputs.AsSpan(2 * (i % T), 2), output, state); // warm up: tiered JIT to the optimized code
            }

            var ticks = new long[TimedSteps];
            long before = GC.GetAllocatedBytesForCurrentThread();
            long total = Stopwatch.GetTimestamp();
            for (int i = 0; i < TimedSteps; i++)
            {
                long start = Stopwatch.GetTimestamp();
                net.Step(inputs.AsSpan(2 * (i % T), 2), output, state);
                ticks[i] = Stopwatch.GetTimestamp() - start;
            }

            total = Stopwatch.GetTimestamp() - total;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Array.Sort(ticks);
            double Microseconds(long t) => t * 1e6 / Stopwatch.Frequency;
            Console.WriteLine(string.Format(
                Invariant,
                "streaming latency per step: mean {0:F2} µs, median {1:F2} µs, 99th percentile {2:F2} µs ({3:N0} steps; {4} bytes allocated)",
                Microseconds(total) / TimedSteps,
                Microseconds(ticks[TimedSteps / 2]),
                Microseconds(ticks[TimedSteps * 99 / 100]),
                TimedSteps,
                allocated));
        }

        private static int Option(string[] args, string name, int fallback)
        {
            int at = Array.IndexOf(args, name);
            if (at < 0)
            {
                return fallback;
            }

            if (at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, Invariant, out int value) && value >= 1)
            {
                return value;
            }

            Console.Error.WriteLine($"{name} expects a whole number of at least 1");
            Environment.Exit(2);
            return fallback;
        }
    }
}
