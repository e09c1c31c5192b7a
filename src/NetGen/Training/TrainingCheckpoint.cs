using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using NetGen.Data;
using NetGen.IO;

namespace NetGen.Training
{
    /// <summary>
    /// The trainer's checkpoint file: safetensors holding the tensors <c>parameters</c> (the flat Parameters span),
    /// <c>optimizer_state</c> (OptimizerState, when the optimizer has any), <c>buffers</c> and <c>counters</c> (the state
    /// that is not trained, for a network with batch normalization) and <c>best_parameters</c> (with early stopping; with
    /// <c>best_buffers</c> and <c>best_counters</c>), and in its metadata the position of the run (<c>netgen.epoch</c>, <c>netgen.step_count</c>, the
    /// seed, batch size, the training set's size and fingerprint, early stopping's state and the history). It is a
    /// file of its own: the model file that Save writes stays the plain PyTorch state dict.
    /// </summary>
    internal static class TrainingCheckpoint
    {
        private const string Kind = "netgen.checkpoint";

        /// <summary>The largest step count a checkpoint may hold: 2^53, the last one a double (a schedule's k) holds exactly.</summary>
        private const long MaxStepCount = 1L << 53;

        public static void Save<TNet, T, TTarget>(string path, TNet net, TrainingPosition position, NetworkState<T>? best, TrainerOptions options)
            where TNet : class, ITrainable<TNet, T, TTarget>
            where T : unmanaged, IFloatingPointIeee754<T>
            where TTarget : unmanaged
        {
            var tensors = new List<TensorEntry> { Entry("parameters", net.Parameters.ToArray()) };
            if (TNet.OptimizerStateSize > 0)
            {
                tensors.Add(Entry("optimizer_state", net.OptimizerState.ToArray()));
            }

            if (TNet.BufferCount > 0)
            {
                tensors.Add(Entry("buffers", net.Buffers.ToArray()));
                tensors.Add(TensorEntry.Create("counters", new[] { net.Counters.Length }, net.Counters.ToArray()));
            }

            if (best is not null && position.BestEpoch > 0)
            {
                tensors.Add(Entry("best_parameters", best.Parameters));
                if (TNet.BufferCount > 0)
                {
                    tensors.Add(Entry("best_buffers", best.Buffers));
                    tensors.Add(TensorEntry.Create("best_counters", new[] { best.Counters.Length }, best.Counters));
                }
            }

            var history = new StringBuilder();
            foreach (EpochMetrics m in position.History)
            {
                history.Append(string.Join(";", new[] { m.Epoch.ToString(CultureInfo.InvariantCulture), R(m.TrainLoss), R(m.ValidationLoss), R(m.ValidationAccuracy), R(m.LearningRate), R(m.Seconds), R(m.SamplesPerSecond) })).Append('\n');
            }

            var metadata = new Dictionary<string, string>
            {
                ["format"] = "pt",
                ["netgen.kind"] = Kind,
                ["netgen.network"] = NetworkName<TNet>(),
                ["netgen.summary"] = TNet.Summary,
                ["netgen.epoch"] = position.Epoch.ToString(CultureInfo.InvariantCulture),
                ["netgen.step_count"] = net.StepCount.ToString(CultureInfo.InvariantCulture),
                ["netgen.seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
                ["netgen.batch_size"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
                ["netgen.shuffle"] = options.Shuffle ? "true" : "false",
                ["netgen.train_count"] = position.Count.ToString(CultureInfo.InvariantCulture),
                ["netgen.train_fingerprint"] = position.Fingerprint.ToString("x16", CultureInfo.InvariantCulture),
                ["netgen.best_epoch"] = position.BestEpoch.ToString(CultureInfo.InvariantCulture),
                ["netgen.best_loss"] = R(position.BestLoss),
                ["netgen.wait"] = position.Wait.ToString(CultureInfo.InvariantCulture),
                ["netgen.history"] = history.ToString(),
            };
            SafeTensors.Save(path, tensors, metadata);
        }

        /// <summary>Reads and checks the whole checkpoint, then restores the network and the position (nothing changes on an error).</summary>
        public static void Load<TNet, T, TTarget>(string path, TNet net, TrainingPosition position, NetworkState<T>? best, TrainerOptions options)
            where TNet : class, ITrainable<TNet, T, TTarget>
            where T : unmanaged, IFloatingPointIeee754<T>
            where TTarget : unmanaged
        {
            SafeTensorsFile file = SafeTensors.Load(path);
            IReadOnlyDictionary<string, string> m = file.Metadata;
            Expect(path, m, "netgen.kind", Kind);
            Expect(path, m, "netgen.network", NetworkName<TNet>());
            ExpectSummary(path, m, TNet.Summary);
            Expect(path, m, "netgen.seed", options.Seed.ToString(CultureInfo.InvariantCulture));
            Expect(path, m, "netgen.batch_size", options.BatchSize.ToString(CultureInfo.InvariantCulture));
            Expect(path, m, "netgen.shuffle", options.Shuffle ? "true" : "false");
            Expect(path, m, "netgen.train_count", position.Count.ToString(CultureInfo.InvariantCulture), " (the training set differs from the run's)");
            Expect(path, m, "netgen.train_fingerprint", position.Fingerprint.ToString("x16", CultureInfo.InvariantCulture),
                " (the training set's contents or order differ from the run's: pass it as it was first passed, e.g. loaded again, not the same instance after training shuffled it)");
            int epoch = Int(path, m, "netgen.epoch");
            long steps = Long(path, m, "netgen.step_count");
            if (steps > MaxStepCount)
            {
                // A schedule reads the step as a double, and the optimizers count on from it: beyond 2^53 neither is exact.
                throw Error(path, "netgen.step_count", string.Format(CultureInfo.InvariantCulture, "expected at most 2^53 = {0} steps but found {1}", MaxStepCount, steps));
            }

            int bestEpoch = Int(path, m, "netgen.best_epoch");
            int wait = Int(path, m, "netgen.wait");
            double bestLoss = Double(path, m, "netgen.best_loss");
            if (epoch > options.Epochs)
            {
                throw Error(path, "netgen.epoch", string.Format(CultureInfo.InvariantCulture, "the checkpoint is at epoch {0}, beyond the run's Epochs = {1}", epoch, options.Epochs));
            }

            List<EpochMetrics> history = ParseHistory(path, m.TryGetValue("netgen.history", out string? text) ? text : string.Empty, epoch);
            DType dtype = typeof(T) == typeof(float) ? DType.F32 : DType.F64;
            file.Expect("parameters", dtype, TNet.ParameterCount);
            var parameters = new T[TNet.ParameterCount];
            Copy(file, "parameters", parameters);
            var state = new T[TNet.OptimizerStateSize];
            if (TNet.OptimizerStateSize > 0)
            {
                file.Expect("optimizer_state", dtype, TNet.OptimizerStateSize);
                Copy(file, "optimizer_state", state);
            }

            var buffers = new T[TNet.BufferCount];
            var counters = new long[net.Counters.Length];
            if (TNet.BufferCount > 0)
            {
                file.Expect("buffers", dtype, TNet.BufferCount);
                Copy(file, "buffers", buffers);
                file.Expect("counters", DType.I64, counters.Length);
                file.CopyTo("counters", counters);
            }

            NetworkState<T>? bestValues = null;
            if (best is not null && bestEpoch > 0)
            {
                file.Expect("best_parameters", dtype, TNet.ParameterCount);
                bestValues = new NetworkState<T>(TNet.ParameterCount, TNet.BufferCount, counters.Length);
                Copy(file, "best_parameters", bestValues.Parameters);
                if (TNet.BufferCount > 0)
                {
                    file.Expect("best_buffers", dtype, TNet.BufferCount);
                    Copy(file, "best_buffers", bestValues.Buffers);
                    file.Expect("best_counters", DType.I64, counters.Length);
                    file.CopyTo("best_counters", bestValues.Counters);
                }
            }
            else if (file.Contains("best_parameters"))
            {
                file.Expect("best_parameters", dtype, TNet.ParameterCount);
                if (TNet.BufferCount > 0)
                {
                    file.Expect("best_buffers", dtype, TNet.BufferCount);
                    file.Expect("best_counters", DType.I64, counters.Length);
                }
            }

            file.ExpectNoOtherTensors();

            // Everything checked: restore.
            parameters.CopyTo(net.Parameters);
            if (state.Length > 0)
            {
                state.CopyTo(net.OptimizerState);
            }

            buffers.CopyTo(net.Buffers);
            counters.CopyTo(net.Counters);
            net.StepCount = steps;
            bestValues?.CopyTo(best!);
            position.Epoch = epoch;
            position.BestEpoch = bestEpoch;
            position.BestLoss = bestLoss;
            position.Wait = wait;
            position.History.Clear();
            position.History.AddRange(history);
        }

        /// <summary>A 64-bit fingerprint of a data set's features and targets in their current order (to recognize the run's training set).</summary>
        public static ulong Fingerprint<T, TTarget>(ITrainingSet<T, TTarget> data)
            where T : unmanaged
            where TTarget : unmanaged
        {
            ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)data.Count;
            h = Mix(h, MemoryMarshal.AsBytes(data.AllFeatures));
            return Mix(h, MemoryMarshal.AsBytes(data.AllTargets));
        }

        private static ulong Mix(ulong h, ReadOnlySpan<byte> bytes)
        {
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
            foreach (ulong w in words)
            {
                h = (BitOperations.RotateLeft(h ^ w, 27) * 0x9E3779B97F4A7C15UL) + 0x632BE59BD9B4E019UL;
            }

            for (int i = words.Length * 8; i < bytes.Length; i++)
            {
                h = (BitOperations.RotateLeft(h ^ bytes[i], 27) * 0x9E3779B97F4A7C15UL) + 0x632BE59BD9B4E019UL;
            }

            return h ^ (h >> 31);
        }

        private static TensorEntry Entry<T>(string name, T[] values)
            where T : unmanaged
        {
            int[] shape = { values.Length };
            return typeof(T) == typeof(float)
                ? TensorEntry.Create(name, shape, new ReadOnlyMemory<float>((float[])(object)values))
                : TensorEntry.Create(name, shape, new ReadOnlyMemory<double>((double[])(object)values));
        }

        private static void Copy<T>(SafeTensorsFile file, string name, T[] destination)
            where T : unmanaged
        {
            if (typeof(T) == typeof(float))
            {
                file.CopyTo(name, MemoryMarshal.Cast<T, float>(destination.AsSpan()));
            }
            else
            {
                file.CopyTo(name, MemoryMarshal.Cast<T, double>(destination.AsSpan()));
            }
        }

        private static List<EpochMetrics> ParseHistory(string path, string text, int epochs)
        {
            var history = new List<EpochMetrics>();
            foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] f = line.Split(';');
                if (f.Length != 7 || !int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) || e != history.Count + 1)
                {
                    throw Error(path, "netgen.history", $"expected line {history.Count + 1} as 'epoch;train loss;validation loss;accuracy;rate;seconds;samples/s' but found '{line}'");
                }

                double[] v = new double[6];
                for (int i = 0; i < 6; i++)
                {
                    if (!double.TryParse(f[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                    {
                        throw Error(path, "netgen.history", $"expected a number in field {i + 2} of line {e} but found '{f[i + 1]}'");
                    }
                }

                history.Add(new EpochMetrics(e, v[0], v[1], v[2], v[3], v[4], v[5]));
            }

            if (history.Count != epochs)
            {
                throw Error(path, "netgen.history", $"expected {epochs} epochs of history but found {history.Count}");
            }

            return history;
        }

        private static void Expect(string path, IReadOnlyDictionary<string, string> m, string key, string expected, string why = "")
        {
            string actual = m.TryGetValue(key, out string? value) ? value : "nothing";
            if (actual != expected)
            {
                throw Error(path, key, $"expected '{expected}' but found '{actual}'{why}");
            }
        }

        /// <summary>The network's full type name (namespace and containing types included).</summary>
        private static string NetworkName<TNet>() => typeof(TNet).FullName ?? typeof(TNet).Name;

        /// <summary>
        /// The checkpoint's network has the run's topology, sizes and optimizer: its generated Summary (the layers, their
        /// shapes and parameters, the precision and the optimizer) is the same, else the first line that differs is named.
        /// </summary>
        private static void ExpectSummary(string path, IReadOnlyDictionary<string, string> m, string summary)
        {
            if (!m.TryGetValue("netgen.summary", out string? written))
            {
                throw Error(path, "netgen.summary", "missing: the checkpoint does not say which topology and optimizer it was written for");
            }

            if (written == summary)
            {
                return;
            }

            string[] expected = summary.Split('\n'), actual = written.Split('\n');
            int line = 0;
            while (line < expected.Length && line < actual.Length && expected[line] == actual[line])
            {
                line++;
            }

            throw Error(path, "netgen.summary", string.Format(
                CultureInfo.InvariantCulture,
                "the checkpoint was written by another topology or optimizer; line {0} of the network's summary is '{1}' but the checkpoint's is '{2}'",
                line + 1,
                line < expected.Length ? expected[line].Trim() : "(none)",
                line < actual.Length ? actual[line].Trim() : "(none)"));
        }

        private static int Int(string path, IReadOnlyDictionary<string, string> m, string key) =>
            m.TryGetValue(key, out string? s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0
                ? v
                : throw Error(path, key, $"expected an integer ≥ 0 but found '{s ?? "nothing"}'");

        private static long Long(string path, IReadOnlyDictionary<string, string> m, string key) =>
            m.TryGetValue(key, out string? s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= 0
                ? v
                : throw Error(path, key, $"expected an integer ≥ 0 but found '{s ?? "nothing"}'");

        private static double Double(string path, IReadOnlyDictionary<string, string> m, string key) =>
            m.TryGetValue(key, out string? s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? v
                : throw Error(path, key, $"expected a number but found '{s ?? "nothing"}'");

        private static InvalidDataException Error(string path, string key, string what) =>
            new(string.Format(CultureInfo.InvariantCulture, "{0}: checkpoint metadata {1}: {2}.", path, key, what));

        private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
