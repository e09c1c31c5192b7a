using System;
using System.Globalization;
using System.Numerics;

namespace NetGen.Data
{
    /// <summary>A run of consecutive examples of a <see cref="Dataset{T, TTarget}"/>: features and targets, both views into it.</summary>
    /// <typeparam name="T">The feature type.</typeparam>
    /// <typeparam name="TTarget">The target type.</typeparam>
    public readonly ref struct Batch<T, TTarget>
    {
        internal Batch(ReadOnlySpan<T> features, ReadOnlySpan<TTarget> targets, int count)
        {
            Features = features;
            Targets = targets;
            Count = count;
        }

        /// <summary>Features, Count × FeatureCount values, row-major.</summary>
        public ReadOnlySpan<T> Features { get; }

        /// <summary>Targets, Count × TargetsPerExample values, row-major.</summary>
        public ReadOnlySpan<TTarget> Targets { get; }

        /// <summary>Number of examples.</summary>
        public int Count { get; }
    }

    /// <summary>
    /// Examples for any head and precision: features of type <typeparamref name="T"/> (<see cref="float"/>, or
    /// <see cref="double"/> for a <c>Precision.Double</c> network) and <see cref="TargetsPerExample"/> targets per example
    /// of type <typeparamref name="TTarget"/>: <typeparamref name="T"/> values for the <c>[Identity]</c> (regression) and
    /// <c>[Sigmoid]</c> (multi-label) heads, <see cref="int"/> labels for a classifier (see <c>Dataset.ToDouble()</c>).
    /// Like <see cref="Dataset"/>, everything lives in two contiguous arrays, batches are zero-copy spans that go straight
    /// into <c>Train</c>, and <see cref="Shuffle(int)"/> reorders rows so batches stay contiguous.
    /// </summary>
    /// <typeparam name="T">The feature type, float or double.</typeparam>
    /// <typeparam name="TTarget">The target type: <typeparamref name="T"/> or int.</typeparam>
    public sealed class Dataset<T, TTarget> : ITrainingSet<T, TTarget>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTarget : unmanaged
    {
        private T[] _features;
        private TTarget[] _targets;
        private T[]? _spareFeatures;
        private TTarget[]? _spareTargets;
        private int[]? _order;

        /// <summary>Wraps existing arrays (not copied).</summary>
        /// <param name="features">Row-major features, Count × <paramref name="featureCount"/> values, all finite.</param>
        /// <param name="targets">Row-major targets, Count × <paramref name="targetsPerExample"/> values (finite, for floating-point targets).</param>
        /// <param name="featureCount">Features per example (at least 1).</param>
        /// <param name="targetsPerExample">Targets per example (at least 1).</param>
        /// <exception cref="ArgumentException">The lengths do not agree, or a value is NaN or ±∞ (naming the example).</exception>
        public Dataset(T[] features, TTarget[] targets, int featureCount, int targetsPerExample)
        {
            ArgumentNullException.ThrowIfNull(features);
            ArgumentNullException.ThrowIfNull(targets);
            ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(targetsPerExample, 1);
            if (targets.Length % targetsPerExample != 0)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Expected a multiple of {0} targets (targets per example) but got {1}.", targetsPerExample, targets.Length),
                    nameof(targets));
            }

            int count = targets.Length / targetsPerExample;
            if ((long)count * featureCount != features.Length)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Expected {0} × {1} = {2} feature values (one row per example) but got {3}.", count, featureCount, (long)count * featureCount, features.Length),
                    nameof(features));
            }

            CheckFinite(features, featureCount, nameof(features));
            if (typeof(TTarget) == typeof(float) || typeof(TTarget) == typeof(double))
            {
                CheckFinite(System.Runtime.InteropServices.MemoryMarshal.Cast<TTarget, T>(targets), targetsPerExample, nameof(targets));
            }

            _features = features;
            _targets = targets;
            FeatureCount = featureCount;
            TargetsPerExample = targetsPerExample;
        }

        /// <summary>Number of examples.</summary>
        public int Count => _targets.Length / TargetsPerExample;

        /// <summary>Features per example.</summary>
        public int FeatureCount { get; }

        /// <summary>Targets per example.</summary>
        public int TargetsPerExample { get; }

        /// <summary>All features, row-major, in the current order.</summary>
        public ReadOnlySpan<T> AllFeatures => _features;

        /// <summary>All targets, row-major, in the current order.</summary>
        public ReadOnlySpan<TTarget> AllTargets => _targets;

        /// <summary>Features of example <paramref name="index"/> (a view).</summary>
        public ReadOnlySpan<T> Features(int index)
        {
            CheckIndex(index, nameof(index));
            return new ReadOnlySpan<T>(_features, index * FeatureCount, FeatureCount);
        }

        /// <summary>Targets of example <paramref name="index"/> (a view).</summary>
        public ReadOnlySpan<TTarget> Targets(int index)
        {
            CheckIndex(index, nameof(index));
            return new ReadOnlySpan<TTarget>(_targets, index * TargetsPerExample, TargetsPerExample);
        }

        /// <summary>Examples [start, start + count), count clipped to the end (zero-copy).</summary>
        public Batch<T, TTarget> Batch(int start, int count)
        {
            CheckIndex(start, nameof(start));
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
            int n = Math.Min(count, Count - start);
            return new Batch<T, TTarget>(
                new ReadOnlySpan<T>(_features, start * FeatureCount, n * FeatureCount),
                new ReadOnlySpan<TTarget>(_targets, start * TargetsPerExample, n * TargetsPerExample),
                n);
        }

        /// <summary>Number of batches of <paramref name="batchSize"/> covering the set.</summary>
        public int BatchCount(int batchSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
            return (int)(((long)Count + batchSize - 1) / batchSize);
        }

        /// <summary>
        /// Reorders the examples by the seeded permutation <see cref="Dataset.Shuffle(int)"/> uses, applied to the current
        /// order; allocates only on the first call.
        /// </summary>
        public void Shuffle(int seed)
        {
            int n = Count;
            int[] order = _order ??= new int[n];
            Dataset.Permutation(order, seed);
            T[] features = _spareFeatures ?? new T[_features.Length];
            TTarget[] targets = _spareTargets ?? new TTarget[_targets.Length];
            int f = FeatureCount, k = TargetsPerExample;
            for (int i = 0; i < n; i++)
            {
                Array.Copy(_features, (long)order[i] * f, features, (long)i * f, f);
                Array.Copy(_targets, (long)order[i] * k, targets, (long)i * k, k);
            }

            _spareFeatures = _features;
            _spareTargets = _targets;
            _features = features;
            _targets = targets;
        }

        /// <summary>Splits off <paramref name="validationCount"/> examples chosen by <paramref name="seed"/> (copies, in permuted order).</summary>
        public (Dataset<T, TTarget> Train, Dataset<T, TTarget> Validation) Split(int validationCount, int seed)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(validationCount);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(validationCount, Count);
            int[] order = Dataset.Permutation(Count, seed);
            int trainCount = Count - validationCount;
            return (Gather(order.AsSpan(0, trainCount)), Gather(order.AsSpan(trainCount)));
        }

        /// <inheritdoc/>
        (ITrainingSet<T, TTarget> Train, ITrainingSet<T, TTarget> Validation) ITrainingSet<T, TTarget>.SplitOff(int validationCount, int seed) =>
            Split(validationCount, seed);

        /// <summary>Computes standardization statistics on these features, applies them here and returns them (apply them to the other sets and to inputs at inference).</summary>
        public Standardization Standardize(StandardizationMode mode)
        {
            Standardization s = Standardization.Compute<T>(_features, FeatureCount, mode);
            s.Apply<T>(_features);
            return s;
        }

        /// <summary>Standardizes the features in place with statistics computed elsewhere (e.g. on the training set).</summary>
        public void Apply(Standardization standardization)
        {
            ArgumentNullException.ThrowIfNull(standardization);
            standardization.Apply<T>(_features);
        }

        private Dataset<T, TTarget> Gather(ReadOnlySpan<int> indices)
        {
            int f = FeatureCount, k = TargetsPerExample;
            var features = new T[(long)indices.Length * f];
            var targets = new TTarget[(long)indices.Length * k];
            for (int i = 0; i < indices.Length; i++)
            {
                Array.Copy(_features, (long)indices[i] * f, features, (long)i * f, f);
                Array.Copy(_targets, (long)indices[i] * k, targets, (long)i * k, k);
            }

            return new Dataset<T, TTarget>(features, targets, f, k);
        }

        private void CheckIndex(int index, string name)
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(name, index, string.Format(CultureInfo.InvariantCulture, "Expected an example index in [0, {0}).", Count));
            }
        }

        private static void CheckFinite(ReadOnlySpan<T> values, int rowSize, string name)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (!T.IsFinite(values[i]))
                {
                    throw new ArgumentException(
                        string.Format(CultureInfo.InvariantCulture, "Expected finite values but example {0} has {1} at position {2}.", i / rowSize, values[i], i % rowSize),
                        name);
                }
            }
        }
    }
}
