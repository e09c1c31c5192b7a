using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NetGen.Tests.Fuzzing
{
    /// <summary>
    /// Mutation fuzzing on a time budget: valid inputs are mutated (bit flips, truncation, inserted, deleted and
    /// repeated bytes, interesting byte values, and format-specific lying lengths) and handed to a parser, whose
    /// every outcome must be a success or the documented exception type, within an allocation bound. The sequence
    /// of inputs is fixed by the seed; how far it gets depends on the budget.
    /// </summary>
    internal sealed class Fuzzer
    {
        private static readonly byte[] Interesting = { 0x00, 0x01, 0x7F, 0x80, 0xFF, (byte)',', (byte)'\n', (byte)'"', (byte)'{', (byte)'}', (byte)'9', (byte)'-' };

        public Fuzzer(int seed) => Random = new Random(seed);

        public Random Random { get; }

        /// <summary>Seed from NETGEN_FUZZ_SEED, else the given default.</summary>
        public static int Seed(int defaultSeed) =>
            int.TryParse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s : defaultSeed;

        /// <summary>Budget per format from NETGEN_FUZZ_SECONDS, else 3 s.</summary>
        public static TimeSpan Budget() =>
            TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 3);

        /// <summary>One to three generic or format-specific mutations of <paramref name="input"/>.</summary>
        public byte[] Mutate(byte[] input, Action<List<byte>, Random>? lieAboutLength)
        {
            var bytes = new List<byte>(input);
            int rounds = 1 + Random.Next(3);
            for (int r = 0; r < rounds; r++)
            {
                int kind = Random.Next(lieAboutLength is null ? 7 : 9);
                int at = bytes.Count == 0 ? 0 : Random.Next(bytes.Count);
                switch (kind)
                {
                    case 0: // bit flips
                        for (int i = 1 + Random.Next(4); i > 0 && bytes.Count > 0; i--)
                        {
                            int p = Random.Next(bytes.Count);
                            bytes[p] ^= (byte)(1 << Random.Next(8));
                        }

                        break;
                    case 1: // truncation
                        bytes.RemoveRange(at, bytes.Count - at);
                        break;
                    case 2: // inserted random bytes
                        var insert = new byte[1 + Random.Next(16)];
                        Random.NextBytes(insert);
                        bytes.InsertRange(at, insert);
                        break;
                    case 3: // deleted range
                        bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + Random.Next(16)));
                        break;
                    case 4: // interesting byte values
                        if (bytes.Count > 0)
                        {
                            bytes[at] = Interesting[Random.Next(Interesting.Length)];
                        }

                        break;
                    case 5: // a repeated chunk
                        int length = Math.Min(bytes.Count - at, 1 + Random.Next(64));
                        bytes.InsertRange(at, bytes.GetRange(at, length));
                        break;
                    case 6: // an inserted interesting byte
                        bytes.Insert(at, Interesting[Random.Next(Interesting.Length)]);
                        break;
                    default: // lying lengths
                        lieAboutLength!(bytes, Random);
                        break;
                }
            }

            return bytes.ToArray();
        }

        /// <summary>An interesting 32-bit length: small, at a boundary, or huge.</summary>
        public static int LyingInt32(Random random, int truth) => random.Next(8) switch
        {
            0 => 0,
            1 => -1,
            2 => int.MaxValue,
            3 => int.MinValue,
            4 => truth + 1,
            5 => truth - 1,
            6 => truth * (2 + random.Next(1000)),
            _ => random.Next(),
        };

        /// <summary>Runs inputs until the budget is spent, classifying each outcome.</summary>
        public Report Run(TimeSpan budget, Func<Fuzzer, byte[]> next, Func<byte[], long> allocationBound, Action<byte[]> parse, Type documented)
        {
            var report = new Report();
            var total = Stopwatch.StartNew();
            var one = new Stopwatch();
            while (total.Elapsed < budget)
            {
                byte[] input = next(this);
                report.Inputs++;
                long before = GC.GetAllocatedBytesForCurrentThread();
                one.Restart();
                try
                {
                    parse(input);
                    report.Accepted++;
                }
                catch (Exception e) when (e.GetType() == documented)
                {
                    report.Rejected++;
                }
                catch (Exception e)
                {
                    report.Crashes++;
                    report.AddFailure("undocumented " + e.GetType().Name + ": " + e.Message, input);
                }

                one.Stop();
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                long bound = allocationBound(input);
                report.MaxAllocated = Math.Max(report.MaxAllocated, allocated);
                report.MaxTime = one.Elapsed > report.MaxTime ? one.Elapsed : report.MaxTime;
                if (allocated > bound)
                {
                    report.OverAllocations++;
                    report.AddFailure(string.Format(CultureInfo.InvariantCulture, "allocated {0} bytes, bound {1}", allocated, bound), input);
                }

                if (one.Elapsed > TimeSpan.FromSeconds(2))
                {
                    report.Hangs++;
                    report.AddFailure(string.Format(CultureInfo.InvariantCulture, "took {0:F1} s", one.Elapsed.TotalSeconds), input);
                }
            }

            report.Elapsed = total.Elapsed;
            return report;
        }

        internal sealed class Report
        {
            private readonly StringBuilder _failures = new();

            public long Inputs { get; set; }

            public long Accepted { get; set; }

            public long Rejected { get; set; }

            public long Crashes { get; set; }

            public long Hangs { get; set; }

            public long OverAllocations { get; set; }

            public long MaxAllocated { get; set; }

            public TimeSpan MaxTime { get; set; }

            public TimeSpan Elapsed { get; set; }

            public string Failures => _failures.ToString();

            public void AddFailure(string what, byte[] input)
            {
                if (_failures.Length < 4000)
                {
                    _failures.Append("input ").Append(Inputs.ToString(CultureInfo.InvariantCulture)).Append(": ").Append(what)
                        .Append(" [").Append(input.Length.ToString(CultureInfo.InvariantCulture)).Append(" bytes: ")
                        .Append(Convert.ToHexString(input, 0, Math.Min(input.Length, 96))).Append("]\n");
                }
            }

            public string Summary(string format, int seed) => string.Format(
                CultureInfo.InvariantCulture,
                "{0}: {1} inputs in {2:F1} s (seed {3}): {4} accepted, {5} rejected with the documented exception, {6} crashes, {7} hangs, {8} over the allocation bound; most allocated by one input {9} bytes, slowest {10:F1} ms",
                format, Inputs, Elapsed.TotalSeconds, seed, Accepted, Rejected, Crashes, Hangs, OverAllocations, MaxAllocated, MaxTime.TotalMilliseconds);
        }
    }
}
