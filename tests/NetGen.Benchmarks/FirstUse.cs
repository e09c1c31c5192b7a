using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// First use of a network in a fresh process (<c>firstuse --net Digits|B --optimizer NAME [--first train|predict]</c>;
    /// compare.sh starts one process per measurement): the JIT time (<c>JitInfo.GetCompilationTime(currentThread: false)</c>,
    /// every thread) and the methods compiled (<c>JitInfo.GetCompiledMethodCount</c>) during the constructor, the first
    /// <c>Train</c> on a batch of 32 and the first <c>Predict</c> (in the order --first gives), each with its wall time;
    /// and the time to the end of the first training step from Main's first line (a Stopwatch), from the process's start
    /// (<c>Process.StartTime</c>: the kernel's start time, 10 ms resolution on Linux) and, with
    /// <c>--launched-unix-ns</c>, from the launcher's clock just before it started the process. The inputs are random
    /// (no data file is read), generated before the measurement.
    /// </summary>
    internal static class FirstUse
    {
        private const int Batch = 32;

        public static int Run(string[] args, long mainStart)
        {
            TimeSpan jitAtStart = JitInfo.GetCompilationTime(currentThread: false);
            long methodsAtStart = JitInfo.GetCompiledMethodCount(currentThread: false);
            string net = Optimizers.Option(args, "--net") ?? "Digits";
            string optimizer = Optimizers.Option(args, "--optimizer") ?? "Sgd";
            string first = Optimizers.Option(args, "--first") ?? "train";
            if (first is not ("train" or "predict"))
            {
                throw new ArgumentException($"--first is train or predict, not '{first}'");
            }

            string? launched = Optimizers.Option(args, "--launched-unix-ns");
            var context = new Context(net, optimizer, first, mainStart, jitAtStart, methodsAtStart, launched is null ? null : long.Parse(launched, CultureInfo.InvariantCulture));
            Console.WriteLine((net, optimizer) switch
            {
                ("Digits", "Sgd") => Measure(() => new DigitsSgd(), context),
                ("Digits", "Momentum") => Measure(() => new DigitsMomentum(), context),
                ("Digits", "Nesterov") => Measure(() => new DigitsNesterov(), context),
                ("Digits", "Adam") => Measure(() => new DigitsAdam(), context),
                ("Digits", "AdamW") => Measure(() => new DigitsAdamW(), context),
                ("B", "Sgd") => Measure(() => new NetB(), context),
                ("B", "Momentum") => Measure(() => new NetBMomentum(), context),
                ("B", "Nesterov") => Measure(() => new NetBNesterov(), context),
                ("B", "Adam") => Measure(() => new NetBAdam(), context),
                ("B", "AdamW") => Measure(() => new NetBAdamW(), context),
                (_, "Sgd" or "Momentum" or "Nesterov" or "Adam" or "AdamW") => throw new ArgumentException($"firstuse: unknown net '{net}' (Digits or B)"),
                _ => throw Optimizers.Unknown(optimizer),
            });
            return 0;
        }

        private sealed record Context(string Net, string Optimizer, string First, long MainStart, TimeSpan JitAtStart, long MethodsAtStart, long? LaunchedUnixNs);

        /// <summary>JIT time, methods compiled and wall time of one phase.</summary>
        private readonly record struct Phase(double JitMs, long Methods, double WallMs);

        private static string Measure<TNet>(Func<TNet> create, Context c)
            where TNet : class, IClassifier<TNet, float>
        {
            var random = new Random(1);
            var x = new float[TNet.InputSize * Batch];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = random.NextSingle();
            }

            var y = new int[Batch];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = random.Next(TNet.ClassCount);
            }

            var output = new float[TNet.OutputSize];
            float rate = Optimizers.Rate(c.Optimizer);

            // The measuring call itself and the factory lambda compiled beforehand, so the phases hold the network's methods only.
            RuntimeHelpers.PrepareMethod(create.Method.MethodHandle);
            _ = Now();
            Span<float> single = x.AsSpan(0, TNet.InputSize);
            Stamp s0 = Now();
            TNet net = create();
            Stamp s1 = Now();
            Stamp s2, s3;
            long firstStepEnd;
            if (c.First == "train")
            {
                net.Train(x, y, rate);
                s2 = Now();
                net.Predict(single, output);
                s3 = Now();
                firstStepEnd = s2.Ticks;
            }
            else
            {
                net.Predict(single, output);
                s2 = Now();
                net.Train(x, y, rate);
                s3 = Now();
                firstStepEnd = s3.Ticks;
            }

            Phase ctor = Between(s0, s1);
            Phase train = c.First == "train" ? Between(s1, s2) : Between(s2, s3);
            Phase predict = c.First == "train" ? Between(s2, s3) : Between(s1, s2);
            DateTime utc = DateTime.UtcNow;
            long ticks = Stopwatch.GetTimestamp();
            DateTime firstStepUtc = utc - TimeSpan.FromSeconds((ticks - firstStepEnd) / (double)Stopwatch.Frequency);
            double fromMain = (firstStepEnd - c.MainStart) * 1e3 / Stopwatch.Frequency;
            double fromProcess = (firstStepUtc - Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalMilliseconds;
            string fromLaunch = c.LaunchedUnixNs is long launched
                ? ((((firstStepUtc - DateTime.UnixEpoch).Ticks * 100.0) - launched) / 1e6).ToString("F1", CultureInfo.InvariantCulture)
                : "na";
            return string.Create(
                CultureInfo.InvariantCulture,
                $"peer=NetGen case=firstuse net={c.Net} optimizer={c.Optimizer} batch={Batch} threads=1 first={c.First} jit_before_ms={c.JitAtStart.TotalMilliseconds:F2} methods_before={c.MethodsAtStart} ctor_jit_ms={ctor.JitMs:F2} ctor_methods={ctor.Methods} ctor_ms={ctor.WallMs:F2} train_jit_ms={train.JitMs:F2} train_methods={train.Methods} train_ms={train.WallMs:F2} predict_jit_ms={predict.JitMs:F2} predict_methods={predict.Methods} predict_ms={predict.WallMs:F2} main_to_first_step_ms={fromMain:F1} process_to_first_step_ms={fromProcess:F1} launch_to_first_step_ms={fromLaunch}");
        }

        private readonly record struct Stamp(TimeSpan Jit, long Methods, long Ticks);

        private static Stamp Now() =>
            new(JitInfo.GetCompilationTime(currentThread: false), JitInfo.GetCompiledMethodCount(currentThread: false), Stopwatch.GetTimestamp());

        private static Phase Between(Stamp before, Stamp after) =>
            new((after.Jit - before.Jit).TotalMilliseconds, after.Methods - before.Methods, (after.Ticks - before.Ticks) * 1e3 / Stopwatch.Frequency);
    }
}
