using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Threading;
using NetGen.Data;

namespace NetGen.Training
{
    /// <summary>
    /// The fit loop, written once for every generated network through its interface: epochs of seeded, shuffled
    /// mini-batches at a scheduled learning rate, a validation pass per epoch, early stopping that restores the best
    /// parameters, cancellation, progress reports, divergence handling and checkpoints that resume exactly.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The network is a type parameter constrained to its interface, so the JIT compiles the loop for its sizes and
    /// each step is one interface call on a whole mini-batch: nothing is boxed, nothing allocated per step (training
    /// scratch lives in the network, the spans are views into the data set).
    /// </para>
    /// <para>
    /// Divergence: a step whose loss or gradient is NaN or ±∞ throws NonFiniteException inside Train and changes
    /// nothing; the trainer stops then with <see cref="StopReason.Diverged"/> and the last finite parameters (those of
    /// the best epoch with early stopping and <see cref="TrainerOptions.RestoreBestParameters"/>). Parameters found
    /// non-finite at the end of an epoch (a fused SGD step checks the loss only), or a non-finite validation loss, put
    /// back the parameters and optimizer state of the epoch's start.
    /// </para>
    /// </remarks>
    public static class Trainer
    {
        /// <summary>
        /// Trains <paramref name="net"/> on <paramref name="train"/> as <paramref name="options"/> say and returns why it
        /// stopped with the per-epoch history. Not thread-safe with other uses of the network or the data sets.
        /// </summary>
        /// <param name="net">The network; its current parameters are the starting point (call InitializeParameters before for a seeded start).</param>
        /// <param name="train">The training set; shuffled in place every epoch.</param>
        /// <param name="options">Epochs, batch size, seed, schedule, validation split, early stopping, checkpoints.</param>
        /// <param name="validation">A validation set, or null: then <see cref="TrainerOptions.ValidationSplit"/> of the training set, or none.</param>
        /// <param name="progress">Receives reports during epochs and one at each epoch's end (synchronously), or null.</param>
        /// <param name="cancellationToken">Stops the run between two steps; the result says <see cref="StopReason.Cancelled"/>.</param>
        /// <exception cref="ArgumentException">The data does not fit the network, or an option is out of range.</exception>
        /// <exception cref="System.IO.InvalidDataException">The checkpoint to resume from is malformed or belongs to another run.</exception>
        public static TrainingResult Fit<TNet, T, TTarget>(
            TNet net,
            ITrainingSet<T, TTarget> train,
            TrainerOptions options,
            ITrainingSet<T, TTarget>? validation = null,
            IProgress<TrainingProgress>? progress = null,
            CancellationToken cancellationToken = default)
            where TNet : class, ITrainable<TNet, T, TTarget>
            where T : unmanaged, IFloatingPointIeee754<T>
            where TTarget : unmanaged
        {
            ArgumentNullException.ThrowIfNull(net);
            ArgumentNullException.ThrowIfNull(train);
            ArgumentNullException.ThrowIfNull(options);
            options.Validate();
            CheckShape<TNet, T, TTarget>(train, nameof(train));
            if (validation is not null)
            {
                CheckShape<TNet, T, TTarget>(validation, nameof(validation));
            }

            if (train.Count == 0)
            {
                throw new ArgumentException("The training set is empty.", nameof(train));
            }

            if (options.CheckpointPath is { } checkpoint)
            {
                // The hidden temporaries an earlier save of this checkpoint left when it was killed half way: no later save
                // would remove them. A run saves its own only while it trains, so every one there now is stale.
                string full = Path.GetFullPath(checkpoint);
                NetGen.IO.AtomicFile.DeleteStaleTemporaries(Path.GetDirectoryName(full)!, Path.GetFileName(full), TimeSpan.Zero);
            }

            var run = new Run<TNet, T, TTarget>(net, train, options, validation, progress, cancellationToken);
            return run.Execute();
        }

        /// <summary>Throws when the data set's feature or target count differs from the network's.</summary>
        internal static void CheckShape<TNet, T, TTarget>(ITrainingSet<T, TTarget> data, string name)
            where TNet : class, ITrainable<TNet, T, TTarget>
            where T : unmanaged, IFloatingPointIeee754<T>
            where TTarget : unmanaged
        {
            if (data.FeatureCount != TNet.InputSize)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "{0} has {1} features per example but {2} takes InputSize = {3}.", name, data.FeatureCount, typeof(TNet).Name, TNet.InputSize),
                    name);
            }

            if (data.TargetsPerExample != TNet.TargetsPerExample)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "{0} has {1} targets per example but {2} takes {3}.", name, data.TargetsPerExample, typeof(TNet).Name, TNet.TargetsPerExample),
                    name);
            }
        }

        /// <summary>The seed of epoch <paramref name="epoch"/>'s shuffle: the run seed and the epoch mixed, as the samples always did.</summary>
        internal static int EpochSeed(int seed, int epoch) => unchecked((seed * 1_000_003) + epoch);

        /// <summary>The key of batch <paramref name="batch"/> of epoch <paramref name="epoch"/>'s augmentation: the same in every run with this seed.</summary>
        internal static ulong AugmentationKey(int seed, int epoch, int batch) =>
            unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)epoch << 32) ^ (uint)batch);

        /// <summary>One run: the loop and its state, so that a checkpoint can capture and restore all of it.</summary>
        private sealed class Run<TNet, T, TTarget>
            where TNet : class, ITrainable<TNet, T, TTarget>
            where T : unmanaged, IFloatingPointIeee754<T>
            where TTarget : unmanaged
        {
            private readonly TNet _net;
            private readonly ITrainingSet<T, TTarget> _train;
            private readonly ITrainingSet<T, TTarget>? _validation;
            private readonly TrainerOptions _o;
            private readonly IProgress<TrainingProgress>? _progress;
            private readonly CancellationToken _token;
            private readonly TrainingPosition _position = new();
            private readonly NetworkState<T> _epochStart;
            private T[]? _augmented;
            private readonly T[] _epochStartState = new T[TNet.OptimizerStateSize];
            private readonly NetworkState<T>? _best;
            private readonly Evaluator<TNet, T, TTarget>? _evaluator;
            private readonly ConfusionMatrix? _confusion;

            public Run(TNet net, ITrainingSet<T, TTarget> train, TrainerOptions options, ITrainingSet<T, TTarget>? validation, IProgress<TrainingProgress>? progress, CancellationToken token)
            {
                _net = net;
                _epochStart = NetworkState<T>.Of(net);
                _o = options;
                _progress = progress;
                _token = token;
                _position.Fingerprint = TrainingCheckpoint.Fingerprint(train);
                _position.Count = train.Count;
                if (validation is null && options.ValidationSplit > 0)
                {
                    int count = (int)Math.Round(options.ValidationSplit * train.Count, MidpointRounding.AwayFromZero);
                    if (count == 0 || count == train.Count)
                    {
                        throw new ArgumentException(
                            string.Format(CultureInfo.InvariantCulture, "ValidationSplit {0} of {1} examples leaves {2} for validation; expected at least one example on each side.", options.ValidationSplit, train.Count, count),
                            nameof(options));
                    }

                    (train, validation) = train.SplitOff(count, options.Seed);
                }

                _train = train;
                _validation = validation;
                if (validation is not null && validation.Count > 0)
                {
                    _evaluator = new Evaluator<TNet, T, TTarget>();
                    _confusion = typeof(TTarget) == typeof(int) ? new ConfusionMatrix(Evaluation.ClassesOf<TNet, T, TTarget>()) : null;
                }

                if (options.Patience > 0 && options.RestoreBestParameters)
                {
                    _best = NetworkState<T>.Of(net);
                }
            }

            public TrainingResult Execute()
            {
                if (_o.ResumeFrom is { } resume)
                {
                    TrainingCheckpoint.Load<TNet, T, TTarget>(resume, _net, _position, _best, _o);
                    if (_o.Patience > 0 && _position.Wait >= _o.Patience)
                    {
                        // The checkpointed run had already stopped early: it stays stopped.
                        RestoreBestIfAny();
                        return Result(StopReason.EarlyStopped, null);
                    }

                    if (_o.Shuffle)
                    {
                        // The training set's order after the completed epochs: their shuffles again (each is a permutation of the current order).
                        for (int e = 1; e <= _position.Epoch; e++)
                        {
                            _train.Shuffle(EpochSeed(_o.Seed, e));
                        }
                    }
                }

                long runStart = Stopwatch.GetTimestamp();
                int batchSize = _o.BatchSize;
                int count = _train.Count;
                int batches = (int)(((long)count + batchSize - 1) / batchSize);
                int reportEvery = Math.Max(1, batches / _o.ReportsPerEpoch);
                int inputs = TNet.InputSize;
                int perExample = TNet.TargetsPerExample;
                long samplesThisRun = 0;

                while (_position.Epoch < _o.Epochs)
                {
                    int epoch = _position.Epoch + 1;
                    if (_o.Shuffle)
                    {
                        _train.Shuffle(EpochSeed(_o.Seed, epoch));
                    }

                    _epochStart.Take(_net);
                    _net.OptimizerState.CopyTo(_epochStartState);
                    long epochStartSteps = _net.StepCount;
                    long epochStart = Stopwatch.GetTimestamp();
                    double lossSum = 0;
                    double rate = 0;
                    int seen = 0;
                    ReadOnlySpan<T> features = _train.AllFeatures;
                    ReadOnlySpan<TTarget> targets = _train.AllTargets;
                    for (int b = 0; b < batches; b++)
                    {
                        if (_token.IsCancellationRequested)
                        {
                            return Result(StopReason.Cancelled, null);
                        }

                        int start = b * batchSize;
                        int n = Math.Min(batchSize, count - start);
                        rate = _o.LearningRate.Rate(_net.StepCount);
                        T loss;
                        try
                        {
                            ReadOnlySpan<T> batch = features.Slice(start * inputs, n * inputs);
                            if (_o.Augmentation is { } augmentation)
                            {
                                // A copy of the batch, changed: the training set stays as it is.
                                Span<T> copy = (_augmented ??= new T[(long)batchSize * inputs]).AsSpan(0, n * inputs);
                                batch.CopyTo(copy);
                                augmentation.Apply(copy, n, inputs, AugmentationKey(_o.Seed, epoch, b));
                                batch = copy;
                            }

                            loss = _net.Train(batch, targets.Slice(start * perExample, n * perExample), T.CreateTruncating(rate));
                        }
                        catch (NonFiniteException e)
                        {
                            // The step changed nothing; but an earlier step may have overflowed parameters without a non-finite loss.
                            string kept = AllFinite(_net.Parameters)
                                ? RestoreBestIfAny()
                                    ? "the parameters of the best epoch " + _position.BestEpoch.ToString(CultureInfo.InvariantCulture) + " were restored"
                                    : "the parameters are those before that step"
                                : RestoreEpochStart(epochStartSteps);
                            return Result(StopReason.Diverged, string.Format(
                                CultureInfo.InvariantCulture,
                                "Training diverged in epoch {0}, batch {1} of {2} (examples {3} to {4} of the shuffled set, learning rate {5:G6}): {6} Nothing was changed by that step; {7}.",
                                epoch, b + 1, batches, start, start + n - 1, rate, e.Message, kept));
                        }

                        lossSum += double.CreateTruncating(loss) * n;
                        seen += n;
                        if (_progress is not null && ((b + 1) % reportEvery == 0) && b != batches - 1)
                        {
                            Report(epoch, b + 1, batches, seen, count, lossSum / seen, rate, epochStart, runStart, samplesThisRun + seen, null);
                        }
                    }

                    samplesThisRun += seen;
                    double trainSeconds = Stopwatch.GetElapsedTime(epochStart).TotalSeconds;
                    if (!AllFinite(_net.Parameters))
                    {
                        return Result(StopReason.Diverged, string.Format(
                            CultureInfo.InvariantCulture,
                            "Training diverged in epoch {0}: parameters became NaN or ±∞ (a step overflowed them with a finite loss); {1}.",
                            epoch, RestoreEpochStart(epochStartSteps)));
                    }

                    double validationLoss = double.NaN, accuracy = double.NaN;
                    if (_evaluator is not null)
                    {
                        Evaluation v = _evaluator.Run(_net, _validation!, _confusion);
                        validationLoss = v.Loss;
                        accuracy = v.Accuracy;
                        if (!double.IsFinite(validationLoss))
                        {
                            return Result(StopReason.Diverged, string.Format(
                                CultureInfo.InvariantCulture,
                                "Training diverged in epoch {0}: the validation loss is {1}; {2}.",
                                epoch, validationLoss, RestoreEpochStart(epochStartSteps)));
                        }
                    }

                    var metrics = new EpochMetrics(epoch, lossSum / seen, validationLoss, accuracy, rate, Stopwatch.GetElapsedTime(epochStart).TotalSeconds, seen / Math.Max(trainSeconds, 1e-9));
                    _position.History.Add(metrics);
                    _position.Epoch = epoch;
                    bool stop = UpdateEarlyStopping(metrics);
                    if (_o.CheckpointPath is { } path && (epoch % _o.CheckpointEvery == 0 || epoch == _o.Epochs || stop))
                    {
                        try
                        {
                            TrainingCheckpoint.Save<TNet, T, TTarget>(path, _net, _position, _best, _o);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            // The epochs trained are kept: the network holds this epoch's parameters, the history is returned.
                            return Result(StopReason.CheckpointFailed, string.Format(
                                CultureInfo.InvariantCulture,
                                "Writing the checkpoint of epoch {0} to '{1}' failed: {2} The network holds that epoch's parameters; the previous checkpoint, if any, is unchanged.",
                                epoch, path, e.Message));
                        }
                    }

                    if (_progress is not null)
                    {
                        Report(epoch, batches, batches, seen, count, metrics.TrainLoss, rate, epochStart, runStart, samplesThisRun, metrics);
                    }

                    if (stop)
                    {
                        RestoreBestIfAny();
                        return Result(StopReason.EarlyStopped, null);
                    }
                }

                if (_o.Patience > 0)
                {
                    RestoreBestIfAny();
                }

                return Result(StopReason.Completed, null);
            }

            /// <summary>Records an improvement (and copies the parameters); true when patience has run out.</summary>
            private bool UpdateEarlyStopping(EpochMetrics metrics)
            {
                double value = metrics.MonitoredLoss;
                if (_position.BestEpoch == 0 || value < _position.BestLoss - _o.MinDelta)
                {
                    _position.BestEpoch = metrics.Epoch;
                    _position.BestLoss = value;
                    _position.Wait = 0;
                    if (_best is not null)
                    {
                        _best.Take(_net);
                    }

                    return false;
                }

                _position.Wait++;
                return _o.Patience > 0 && _position.Wait >= _o.Patience;
            }

            private bool RestoreBestIfAny()
            {
                if (_best is null || _position.BestEpoch == 0)
                {
                    return false;
                }

                _best.Restore(_net);
                return true;
            }

            /// <summary>Puts back the epoch's starting point (or the best epoch's parameters, with early stopping); returns what it did.</summary>
            private string RestoreEpochStart(long steps)
            {
                _epochStart.Restore(_net);
                _epochStartState.CopyTo(_net.OptimizerState);
                _net.StepCount = steps;
                return RestoreBestIfAny()
                    ? "the parameters of the best epoch " + _position.BestEpoch.ToString(CultureInfo.InvariantCulture) + " were restored"
                    : "the parameters and optimizer state of the epoch's start were restored";
            }

            private void Report(int epoch, int batch, int batches, int seen, int count, double loss, double rate, long epochStart, long runStart, long samplesThisRun, EpochMetrics? completed)
            {
                TimeSpan elapsed = Stopwatch.GetElapsedTime(runStart);
                double epochSeconds = Stopwatch.GetElapsedTime(epochStart).TotalSeconds;
                double speed = seen / Math.Max(epochSeconds, 1e-9);
                double runSpeed = samplesThisRun / Math.Max(elapsed.TotalSeconds, 1e-9);
                long remainingSamples = ((long)(_o.Epochs - epoch) * count) + (count - seen);
                TimeSpan remaining = TimeSpan.FromSeconds(Math.Min(remainingSamples / Math.Max(runSpeed, 1e-9), TimeSpan.MaxValue.TotalSeconds / 2));
                _progress!.Report(new TrainingProgress(epoch, _o.Epochs, batch, batches, seen, count, loss, rate, speed, elapsed, remaining, completed));
            }

            private TrainingResult Result(StopReason reason, string? message) =>
                new(reason, _position.History.ToArray(), _position.BestEpoch, message);

            private static bool AllFinite(ReadOnlySpan<T> values)
            {
                foreach (T v in values)
                {
                    if (!T.IsFinite(v))
                    {
                        return false;
                    }
                }

                return true;
            }
        }
    }

    /// <summary>Where a run is: what a checkpoint holds besides the network's tensors.</summary>
    internal sealed class TrainingPosition
    {
        public int Epoch;
        public int BestEpoch;
        public double BestLoss = double.PositiveInfinity;
        public int Wait;
        public int Count;
        public ulong Fingerprint;
        public List<EpochMetrics> History { get; } = new();
    }
}
