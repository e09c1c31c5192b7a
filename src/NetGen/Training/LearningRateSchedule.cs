using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NetGen.Training
{
    /// <summary>
    /// A learning-rate schedule: maps the optimizer step counter k = 0, 1, 2, ... (the number of optimizer
    /// steps already taken) to the learning rate used for step k. Schedules are immutable and thread-safe.
    /// </summary>
    public abstract class LearningRateSchedule
    {
        /// <summary>Initializes the base class; only the schedules in this assembly derive from it.</summary>
        private protected LearningRateSchedule()
        {
        }

        /// <summary>The learning rate for optimizer step <paramref name="step"/>.</summary>
        /// <param name="step">Zero-based optimizer step; must not be negative.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
        public double Rate(long step)
        {
            if (step < 0)
            {
                ThrowOutOfRange(nameof(step), step, "must not be negative");
            }

            return RateCore(step);
        }

        /// <summary>Computes the rate for a validated, non-negative step.</summary>
        private protected abstract double RateCore(long step);

        /// <summary>A constant rate: η_k = η0.</summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        public static ConstantSchedule Constant(double initialRate) => new(initialRate);

        /// <summary>PyTorch StepLR: η_k = η0 · γ^⌊k / stepSize⌋.</summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        /// <param name="stepSize">Number of steps between decays, at least 1.</param>
        /// <param name="gamma">Decay factor γ in (0, 1].</param>
        public static StepDecaySchedule StepDecay(double initialRate, long stepSize, double gamma) =>
            new(initialRate, stepSize, gamma);

        /// <summary>Exponential decay: η_k = η0 · γ^k.</summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        /// <param name="gamma">Decay factor γ in (0, 1].</param>
        public static ExponentialSchedule Exponential(double initialRate, double gamma) => new(initialRate, gamma);

        /// <summary>Inverse-time decay: η_k = η0 / (1 + k / τ).</summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        /// <param name="tau">Time constant τ, finite and positive.</param>
        public static InverseTimeSchedule InverseTime(double initialRate, double tau) => new(initialRate, tau);

        /// <summary>
        /// Cosine annealing without restarts (PyTorch CosineAnnealingLR over one half period):
        /// η_k = ηmin + (η0 − ηmin)(1 + cos(π k / T)) / 2 for k &lt; T, and ηmin for k ≥ T.
        /// </summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        /// <param name="totalSteps">T, at least 1.</param>
        /// <param name="minimumRate">ηmin in [0, η0].</param>
        public static CosineSchedule Cosine(double initialRate, long totalSteps, double minimumRate = 0) =>
            new(initialRate, totalSteps, minimumRate);

        /// <summary>
        /// Linear warm-up in front of <paramref name="inner"/>; see <see cref="LinearWarmupSchedule"/> for the exact formula.
        /// </summary>
        /// <param name="inner">The schedule that takes over after the warm-up.</param>
        /// <param name="warmupSteps">Number of warm-up steps W, at least 1.</param>
        public static LinearWarmupSchedule LinearWarmup(LearningRateSchedule inner, long warmupSteps) =>
            new(inner, warmupSteps);

        internal static double CheckRate(double value, string paramName)
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                ThrowOutOfRange(paramName, value, "must be finite and positive");
            }

            return value;
        }

        internal static double CheckGamma(double value, string paramName)
        {
            if (!(value > 0 && value <= 1))
            {
                ThrowOutOfRange(paramName, value, "must be in (0, 1]");
            }

            return value;
        }

        internal static long CheckSteps(long value, string paramName)
        {
            if (value < 1)
            {
                ThrowOutOfRange(paramName, value, "must be at least 1");
            }

            return value;
        }

        [DoesNotReturn]
        internal static void ThrowOutOfRange(string paramName, double value, string requirement) =>
            throw new ArgumentOutOfRangeException(
                paramName,
                string.Format(CultureInfo.InvariantCulture, "{0} {1} but was {2}.", paramName, requirement, value.ToString("R", CultureInfo.InvariantCulture)));

        [DoesNotReturn]
        internal static void ThrowOutOfRange(string paramName, long value, string requirement) =>
            throw new ArgumentOutOfRangeException(
                paramName,
                string.Format(CultureInfo.InvariantCulture, "{0} {1} but was {2}.", paramName, requirement, value));
    }

    /// <summary>A constant learning rate: η_k = η0.</summary>
    public sealed class ConstantSchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        public ConstantSchedule(double initialRate)
        {
            InitialRate = CheckRate(initialRate, nameof(initialRate));
        }

        /// <summary>η0.</summary>
        public double InitialRate { get; }

        private protected override double RateCore(long step) => InitialRate;
    }

    /// <summary>PyTorch StepLR: η_k = η0 · γ^⌊k / stepSize⌋.</summary>
    public sealed class StepDecaySchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        /// <param name="stepSize">Number of steps between decays, at least 1.</param>
        /// <param name="gamma">Decay factor γ in (0, 1].</param>
        public StepDecaySchedule(double initialRate, long stepSize, double gamma)
        {
            InitialRate = CheckRate(initialRate, nameof(initialRate));
            StepSize = CheckSteps(stepSize, nameof(stepSize));
            Gamma = CheckGamma(gamma, nameof(gamma));
        }

        /// <summary>η0.</summary>
        public double InitialRate { get; }

        /// <summary>Number of steps between decays.</summary>
        public long StepSize { get; }

        /// <summary>Decay factor γ.</summary>
        public double Gamma { get; }

        private protected override double RateCore(long step) => InitialRate * Math.Pow(Gamma, step / StepSize);
    }

    /// <summary>Exponential decay: η_k = η0 · γ^k.</summary>
    public sealed class ExponentialSchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        /// <param name="gamma">Decay factor γ in (0, 1].</param>
        public ExponentialSchedule(double initialRate, double gamma)
        {
            InitialRate = CheckRate(initialRate, nameof(initialRate));
            Gamma = CheckGamma(gamma, nameof(gamma));
        }

        /// <summary>η0.</summary>
        public double InitialRate { get; }

        /// <summary>Decay factor γ.</summary>
        public double Gamma { get; }

        private protected override double RateCore(long step) => InitialRate * Math.Pow(Gamma, step);
    }

    /// <summary>Inverse-time decay: η_k = η0 / (1 + k / τ).</summary>
    public sealed class InverseTimeSchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        /// <param name="tau">Time constant τ, finite and positive.</param>
        public InverseTimeSchedule(double initialRate, double tau)
        {
            InitialRate = CheckRate(initialRate, nameof(initialRate));
            Tau = CheckRate(tau, nameof(tau));
        }

        /// <summary>η0.</summary>
        public double InitialRate { get; }

        /// <summary>Time constant τ: the rate has halved after τ steps.</summary>
        public double Tau { get; }

        private protected override double RateCore(long step) => InitialRate / (1 + (step / Tau));
    }

    /// <summary>
    /// Cosine annealing without restarts (PyTorch CosineAnnealingLR over one half period, T_max = T):
    /// η_k = ηmin + (η0 − ηmin)(1 + cos(π k / T)) / 2 for k &lt; T, and ηmin for every k ≥ T.
    /// </summary>
    public sealed class CosineSchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="initialRate">η0, finite and positive.</param>
        /// <param name="totalSteps">T, at least 1.</param>
        /// <param name="minimumRate">ηmin in [0, η0].</param>
        public CosineSchedule(double initialRate, long totalSteps, double minimumRate = 0)
        {
            InitialRate = CheckRate(initialRate, nameof(initialRate));
            TotalSteps = CheckSteps(totalSteps, nameof(totalSteps));
            if (!(minimumRate >= 0 && minimumRate <= initialRate))
            {
                ThrowOutOfRange(nameof(minimumRate), minimumRate, "must be in [0, initialRate]");
            }

            MinimumRate = minimumRate;
        }

        /// <summary>η0.</summary>
        public double InitialRate { get; }

        /// <summary>T: the step at which the rate reaches ηmin and stays there.</summary>
        public long TotalSteps { get; }

        /// <summary>ηmin.</summary>
        public double MinimumRate { get; }

        private protected override double RateCore(long step) =>
            step >= TotalSteps
                ? MinimumRate
                : MinimumRate + ((InitialRate - MinimumRate) * (1 + Math.Cos(Math.PI * step / TotalSteps)) / 2);
    }

    /// <summary>
    /// Linear warm-up of W steps in front of an inner schedule whose clock starts when the warm-up ends:
    /// η_k = inner(0) · (k + 1) / W for k &lt; W, and η_k = inner(k − W) for k ≥ W.
    /// The first step therefore uses inner(0) / W, step W − 1 reaches inner(0), and step W continues with
    /// inner(0) — the rate never jumps, and the inner schedule (for example a cosine over T steps) runs its
    /// full course after the warm-up.
    /// </summary>
    public sealed class LinearWarmupSchedule : LearningRateSchedule
    {
        /// <summary>Creates the schedule.</summary>
        /// <param name="inner">The schedule that takes over after the warm-up.</param>
        /// <param name="warmupSteps">Number of warm-up steps W, at least 1.</param>
        public LinearWarmupSchedule(LearningRateSchedule inner, long warmupSteps)
        {
            ArgumentNullException.ThrowIfNull(inner);
            Inner = inner;
            WarmupSteps = CheckSteps(warmupSteps, nameof(warmupSteps));
        }

        /// <summary>The schedule used after the warm-up, with its step counter shifted by W.</summary>
        public LearningRateSchedule Inner { get; }

        /// <summary>W.</summary>
        public long WarmupSteps { get; }

        private protected override double RateCore(long step) =>
            step < WarmupSteps
                ? Inner.Rate(0) * (step + 1) / WarmupSteps
                : Inner.Rate(step - WarmupSteps);
    }
}
