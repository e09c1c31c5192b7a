using System;

namespace NetGen.Data
{
    /// <summary>
    /// Examples in memory as the trainer reads them: features (Count × FeatureCount, row-major) and targets
    /// (Count × TargetsPerExample) in one current order, so that a run of consecutive examples is a pair of spans that
    /// go straight into <c>Train</c>. <see cref="Dataset"/> (float features, one integer label per example) implements
    /// it for classifiers.
    /// </summary>
    /// <typeparam name="T">The feature type: float, or double for a Precision.Double network.</typeparam>
    /// <typeparam name="TTarget">The target type: int class labels, or <typeparamref name="T"/> values.</typeparam>
    public interface ITrainingSet<T, TTarget>
        where T : unmanaged
        where TTarget : unmanaged
    {
        /// <summary>Number of examples.</summary>
        int Count { get; }

        /// <summary>Features per example.</summary>
        int FeatureCount { get; }

        /// <summary>Target values per example.</summary>
        int TargetsPerExample { get; }

        /// <summary>All features in the current order, row-major.</summary>
        ReadOnlySpan<T> AllFeatures { get; }

        /// <summary>All targets in the current order, row-major.</summary>
        ReadOnlySpan<TTarget> AllTargets { get; }

        /// <summary>
        /// Reorders the examples by a permutation determined by <paramref name="seed"/>, applied to the current order,
        /// without allocating once it has run once. Spans taken before are invalidated.
        /// </summary>
        void Shuffle(int seed);

        /// <summary>Splits off <paramref name="validationCount"/> examples chosen by <paramref name="seed"/> as a validation set (copies).</summary>
        (ITrainingSet<T, TTarget> Train, ITrainingSet<T, TTarget> Validation) SplitOff(int validationCount, int seed);
    }
}
