using System;
using System.Collections.Generic;

namespace NetGen.Training
{
    /// <summary>Why a run ended.</summary>
    public enum StopReason
    {
        /// <summary>Every epoch ran.</summary>
        Completed,

        /// <summary>Early stopping: the monitored loss did not improve for Patience epochs.</summary>
        EarlyStopped,

        /// <summary>A loss, gradient or parameter became NaN or ±∞; the parameters are finite (see <see cref="TrainingResult.Message"/>).</summary>
        Diverged,

        /// <summary>The cancellation token was signalled; the run stopped between two steps.</summary>
        Cancelled,

        /// <summary>
        /// Writing a checkpoint failed (a full disk, a file-size limit, a folder removed): the run stopped after that epoch,
        /// whose parameters the network holds; <see cref="TrainingResult.Message"/> names the path and the error.
        /// </summary>
        CheckpointFailed,
    }

    /// <summary>The metrics of one epoch.</summary>
    /// <param name="Epoch">1-based epoch number.</param>
    /// <param name="TrainLoss">Mean loss over the epoch's examples, each taken before its step.</param>
    /// <param name="ValidationLoss">Mean loss on the validation set after the epoch (cross-entropy for a classifier, mean squared error of the outputs for a regressor); NaN without a validation set.</param>
    /// <param name="ValidationAccuracy">Fraction of validation labels predicted (classifiers); NaN otherwise.</param>
    /// <param name="LearningRate">η of the epoch's last step.</param>
    /// <param name="Seconds">Wall time of the epoch, validation included.</param>
    /// <param name="SamplesPerSecond">Training examples per second (steps only).</param>
    public sealed record EpochMetrics(
        int Epoch,
        double TrainLoss,
        double ValidationLoss,
        double ValidationAccuracy,
        double LearningRate,
        double Seconds,
        double SamplesPerSecond)
    {
        /// <summary>The loss early stopping watches: the validation loss when there is a validation set, else the training loss.</summary>
        public double MonitoredLoss => double.IsNaN(ValidationLoss) ? TrainLoss : ValidationLoss;
    }

    /// <summary>A progress report, made synchronously on the training thread (a slow handler slows training).</summary>
    /// <param name="Epoch">1-based epoch.</param>
    /// <param name="Epochs">Epochs of the run.</param>
    /// <param name="Batch">Batches done in this epoch.</param>
    /// <param name="Batches">Batches per epoch.</param>
    /// <param name="Samples">Examples done in this epoch.</param>
    /// <param name="SamplesPerEpoch">Examples per epoch.</param>
    /// <param name="Loss">Mean loss over this epoch's examples so far.</param>
    /// <param name="LearningRate">η of the last step.</param>
    /// <param name="SamplesPerSecond">Examples per second in this epoch.</param>
    /// <param name="Elapsed">Time since the run (or its resumption) started.</param>
    /// <param name="Remaining">Estimated time to the last epoch's end at the current speed (validation not counted).</param>
    /// <param name="Completed">Set on the report that ends an epoch: its metrics, validation included; null otherwise.</param>
    public readonly record struct TrainingProgress(
        int Epoch,
        int Epochs,
        int Batch,
        int Batches,
        int Samples,
        int SamplesPerEpoch,
        double Loss,
        double LearningRate,
        double SamplesPerSecond,
        TimeSpan Elapsed,
        TimeSpan Remaining,
        EpochMetrics? Completed);

    /// <summary>What <see cref="Trainer.Fit{TNet, T, TTarget}"/> returns: why it stopped, and every epoch's metrics.</summary>
    public sealed class TrainingResult
    {
        internal TrainingResult(StopReason reason, IReadOnlyList<EpochMetrics> history, int bestEpoch, string? message)
        {
            Reason = reason;
            History = history;
            BestEpoch = bestEpoch;
            Message = message;
        }

        /// <summary>Why the run ended.</summary>
        public StopReason Reason { get; }

        /// <summary>One entry per completed epoch, the epochs of a resumed checkpoint included.</summary>
        public IReadOnlyList<EpochMetrics> History { get; }

        /// <summary>The completed epoch with the lowest monitored loss (0 when none completed).</summary>
        public int BestEpoch { get; }

        /// <summary>For <see cref="StopReason.Diverged"/>: where and what became non-finite, and which parameters were kept.</summary>
        public string? Message { get; }

        /// <summary>The last completed epoch's metrics, or null when none completed.</summary>
        public EpochMetrics? Last => History.Count == 0 ? null : History[History.Count - 1];
    }
}
