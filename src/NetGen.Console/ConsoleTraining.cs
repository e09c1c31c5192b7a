using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Threading;
using NetGen.Data;
using NetGen.Training;
using Spectre.Console;

namespace NetGen.Reporting
{
    /// <summary>
    /// <see cref="Trainer.Fit{TNet, T, TTarget}"/> with a console display, in one call: a live progress bar per epoch
    /// (loss, samples/s, ETA; the epoch's validation metrics when it ends) on an interactive terminal, one plain line per
    /// epoch otherwise (CI, a pipe, a file), then the summary table.
    /// </summary>
    public static class ConsoleTraining
    {
        /// <summary>Trains as <see cref="Trainer.Fit{TNet, T, TTarget}"/> does, showing progress on <paramref name="console"/> (default: <see cref="AnsiConsole.Console"/>).</summary>
        /// <param name="net">The network.</param>
        /// <param name="train">The training set.</param>
        /// <param name="options">The trainer's options.</param>
        /// <param name="validation">A validation set, or null.</param>
        /// <param name="curve">Collects the training-loss curve for <see cref="TrainingPlot.Save"/>, or null.</param>
        /// <param name="console">Where to write; null for the process's console.</param>
        /// <param name="cancellationToken">Stops the run between two steps.</param>
        public static TrainingResult Fit<TNet, T, TTarget>(
            TNet net,
            ITrainingSet<T, TTarget> train,
            TrainerOptions options,
            ITrainingSet<T, TTarget>? validation = null,
            LossCurve? curve = null,
            IAnsiConsole? console = null,
            CancellationToken cancellationToken = default)
            where TNet : class, ITrainable<TNet, T, TTarget>
            where T : unmanaged, IFloatingPointIeee754<T>
            where TTarget : unmanaged
        {
            console ??= AnsiConsole.Console;
            TrainingResult result = null!;
            if (console.Profile.Capabilities.Interactive)
            {
                console.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(ctx =>
                    {
                        ProgressTask? task = null;
                        int taskEpoch = 0;
                        result = Trainer.Fit(net, train, options, validation, new Reports(p =>
                        {
                            curve?.Add(p);
                            if (task is null || p.Epoch != taskEpoch)
                            {
                                task = ctx.AddTask(Markup.Escape($"epoch {p.Epoch}/{p.Epochs}"), maxValue: p.SamplesPerEpoch);
                                taskEpoch = p.Epoch;
                            }

                            task.Value = p.Samples;
                            task.Description = Markup.Escape(p.Completed is { } done ? EpochLine(done, p.Epochs) : ProgressLine(p));
                            if (p.Completed is not null)
                            {
                                task.StopTask();
                            }
                        }), cancellationToken);
                    });
            }
            else
            {
                result = Trainer.Fit(net, train, options, validation, new Reports(p =>
                {
                    curve?.Add(p);
                    if (p.Completed is { } done)
                    {
                        // Plain text, not wrapped at the console's width: one line per epoch for logs and pipes.
                        console.Profile.Out.Writer.WriteLine(EpochLine(done, p.Epochs));
                    }
                }), cancellationToken);
            }

            if (result.History.Count > 0)
            {
                console.WriteLine();
                console.Write(TrainingReport.Summary(result.History));
            }

            if (result.Reason != StopReason.Completed)
            {
                console.WriteLine(result.Reason + (result.Message is null ? string.Empty : ": " + result.Message));
            }

            return result;
        }

        /// <summary>The running state of an epoch, e.g. "epoch 2/8  loss 0.1190  122,417 samples/s  ETA 00:04".</summary>
        public static string ProgressLine(TrainingProgress p) =>
            string.Format(
                CultureInfo.InvariantCulture,
                "epoch {0}/{1}  loss {2:F4}  {3,7:N0} samples/s  ETA {4:mm\\:ss}",
                p.Epoch, p.Epochs, p.Loss, p.SamplesPerSecond, p.Remaining);

        /// <summary>A finished epoch, with its validation metrics when there are some.</summary>
        public static string EpochLine(EpochMetrics m, int epochs)
        {
            string line = string.Format(CultureInfo.InvariantCulture, "epoch {0}/{1}  loss {2:F4}  {3,7:N0} samples/s", m.Epoch, epochs, m.TrainLoss, m.SamplesPerSecond);
            if (!double.IsNaN(m.ValidationLoss))
            {
                line += string.Format(CultureInfo.InvariantCulture, "  validation loss {0:F4}", m.ValidationLoss);
            }

            if (!double.IsNaN(m.ValidationAccuracy))
            {
                line += string.Format(CultureInfo.InvariantCulture, "  validation acc {0:F2}%", 100 * m.ValidationAccuracy);
            }

            return line + string.Format(CultureInfo.InvariantCulture, "  {0:F1} s", m.Seconds);
        }

        /// <summary>A synchronous IProgress: the display changes on the training thread, in order.</summary>
        private sealed class Reports : IProgress<TrainingProgress>
        {
            private readonly Action<TrainingProgress> _action;

            public Reports(Action<TrainingProgress> action) => _action = action;

            public void Report(TrainingProgress value) => _action(value);
        }
    }

    /// <summary>The training-loss curve for a plot: the mean loss over each twentieth of an epoch, from the progress reports' running means.</summary>
    public sealed class LossCurve
    {
        private readonly int _pointsPerEpoch;
        private double _sum;
        private int _samples;
        private int _lastSamples;
        private double _lastTotal;

        /// <summary>Creates an empty curve with <paramref name="pointsPerEpoch"/> points per epoch (at most one per progress report).</summary>
        public LossCurve(int pointsPerEpoch = 20)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerEpoch, 1);
            _pointsPerEpoch = pointsPerEpoch;
        }

        /// <summary>(epoch as a fraction, mean training loss of the stretch before it).</summary>
        public List<(double Epoch, double Loss)> Points { get; } = new();

        /// <summary>Takes one progress report.</summary>
        public void Add(TrainingProgress p)
        {
            if (p.Samples < _lastSamples)
            {
                _lastSamples = 0;
                _lastTotal = 0;
            }

            double total = p.Loss * p.Samples;
            _sum += total - _lastTotal;
            _samples += p.Samples - _lastSamples;
            _lastSamples = p.Samples;
            _lastTotal = total;
            if (_samples >= Math.Max(1, p.SamplesPerEpoch / _pointsPerEpoch) || p.Completed is not null)
            {
                Points.Add((p.Epoch - 1 + ((double)p.Samples / p.SamplesPerEpoch), _sum / Math.Max(1, _samples)));
                _sum = 0;
                _samples = 0;
            }
        }
    }
}
