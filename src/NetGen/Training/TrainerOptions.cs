using System;
using System.Globalization;
using System.IO;

namespace NetGen.Training
{
    /// <summary>
    /// How <see cref="Trainer.Fit{TNet, T, TTarget}"/> runs: epochs, batches, the shuffle's seed, the learning-rate
    /// schedule, the validation split, early stopping, progress reports and checkpoints. Immutable once built; every
    /// value is checked when the run starts (<see cref="Validate"/>), with the offending property named.
    /// </summary>
    public sealed record TrainerOptions
    {
        /// <summary>Passes over the training set (default 10). A resumed run continues up to this epoch.</summary>
        public int Epochs { get; init; } = 10;

        /// <summary>Examples per optimizer step (default 32); the last batch of an epoch may be shorter.</summary>
        public int BatchSize { get; init; } = 32;

        /// <summary>
        /// Seed of the shuffles (epoch e shuffles the training set with a seed derived from this and e) and of the
        /// validation split (default 0). Parameters are not initialized here: call InitializeParameters yourself.
        /// </summary>
        public int Seed { get; init; }

        /// <summary>Whether the training set is shuffled before every epoch (default true).</summary>
        public bool Shuffle { get; init; } = true;

        /// <summary>The learning rate η_k of optimizer step k (<c>net.StepCount</c>); default a constant 0.01.</summary>
        public LearningRateSchedule LearningRate { get; init; } = LearningRateSchedule.Constant(0.01);

        /// <summary>
        /// Fraction of the training set split off (by <see cref="Seed"/>) for validation when no validation set is
        /// passed (default 0: none). In [0, 1).
        /// </summary>
        public double ValidationSplit { get; init; }

        /// <summary>
        /// Early stopping: stop after this many epochs without an improvement of the monitored loss (the validation
        /// loss, or the training loss without a validation set) by more than <see cref="MinDelta"/>. 0 (default): off.
        /// </summary>
        public int Patience { get; init; }

        /// <summary>The improvement of the monitored loss that counts (default 0: any decrease).</summary>
        public double MinDelta { get; init; }

        /// <summary>With early stopping: put back the parameters of the best epoch when the run stops (default true).</summary>
        public bool RestoreBestParameters { get; init; } = true;

        /// <summary>Where checkpoints are written (atomically: a temporary file renamed over it); null (default): none.</summary>
        public string? CheckpointPath { get; init; }

        /// <summary>Write a checkpoint after every this many epochs (default 1), and after the last.</summary>
        public int CheckpointEvery { get; init; } = 1;

        /// <summary>
        /// A checkpoint to resume from: the parameters, optimizer state, step count, epoch, early-stopping state and
        /// history it holds replace the network's and the run continues after its epoch, ending bit-identical to a run
        /// that was never stopped (same options and the same training set, in the order it was first passed).
        /// </summary>
        public string? ResumeFrom { get; init; }

        /// <summary>
        /// A change made to a copy of each training mini-batch's features before its step (data augmentation, e.g. an
        /// <see cref="ImageAugmentation"/> with flips and shifts); null (default): the batches are trained on as they are.
        /// Its randomness is keyed by <see cref="Seed"/>, the epoch and the batch, so runs and resumed runs repeat exactly.
        /// </summary>
        public Augmentation? Augmentation { get; init; }

        /// <summary>Progress reports per epoch (default 100; at least one, at the end of each epoch).</summary>
        public int ReportsPerEpoch { get; init; } = 100;

        /// <summary>Checks every value; throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the property.</summary>
        public void Validate()
        {
            Positive(Epochs, nameof(Epochs));
            Positive(BatchSize, nameof(BatchSize));
            Positive(CheckpointEvery, nameof(CheckpointEvery));
            Positive(ReportsPerEpoch, nameof(ReportsPerEpoch));
            if (Patience < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Expected 0 (no early stopping) or a positive number of epochs.");
            }

            if (!(ValidationSplit >= 0 && ValidationSplit < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "Expected a fraction in [0, 1).");
            }

            if (!(MinDelta >= 0) || double.IsInfinity(MinDelta))
            {
                throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "Expected a finite value ≥ 0.");
            }

            if (LearningRate is null)
            {
                throw new ArgumentException("LearningRate must be set.", nameof(LearningRate));
            }

            if (CheckpointPath is { } path)
            {
                // Checked before the first epoch, not when the first checkpoint is written after it.
                string full = Path.GetFullPath(path);
                if (Directory.Exists(full))
                {
                    throw new ArgumentException($"CheckpointPath '{path}' is a folder; name a file in it, e.g. '{Path.Combine(path, "run.ckpt")}'.", nameof(CheckpointPath));
                }

                string folder = Path.GetDirectoryName(full)!;
                if (!Directory.Exists(folder))
                {
                    throw new ArgumentException($"The folder of CheckpointPath '{path}' does not exist: {folder}.", nameof(CheckpointPath));
                }
            }
        }

        private static void Positive(int value, string name)
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(name, value, string.Format(CultureInfo.InvariantCulture, "{0} must be at least 1 but was {1}.", name, value));
            }
        }
    }
}
