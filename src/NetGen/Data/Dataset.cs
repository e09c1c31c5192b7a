using System;
using System.Globalization;
using NetGen.Runtime;

namespace NetGen.Data
{
    /// <summary>One example: its features and its label.</summary>
    public readonly ref struct Example
    {
        internal Example(ReadOnlySpan<float> features, int label)
        {
            Features = features;
            Label = label;
        }

        /// <summary>The feature vector (a view into the dataset, not a copy).</summary>
        public ReadOnlySpan<float> Features { get; }

        /// <summary>The class label, in [0, <see cref="Dataset.ClassCount"/>).</summary>
        public int Label { get; }
    }

    /// <summary>A run of consecutive examples: features (count × FeatureCount, row-major) and labels, both views into the dataset.</summary>
    public readonly ref struct Batch
    {
        internal Batch(ReadOnlySpan<float> features, ReadOnlySpan<int> labels)
        {
            Features = features;
            Labels = labels;
        }

        /// <summary>Features of the batch, row-major, <see cref="Count"/> × <see cref="Dataset.FeatureCount"/> values.</summary>
        public ReadOnlySpan<float> Features { get; }

        /// <summary>Labels of the batch.</summary>
        public ReadOnlySpan<int> Labels { get; }

        /// <summary>Number of examples in the batch.</summary>
        public int Count => Labels.Length;
    }

    /// <summary>A training/validation (or training/test) pair of datasets.</summary>
    public sealed class DatasetPair
    {
        /// <summary>Creates a pair.</summary>
        public DatasetPair(Dataset train, Dataset test)
        {
            Train = train ?? throw new ArgumentNullException(nameof(train));
            Test = test ?? throw new ArgumentNullException(nameof(test));
        }

        /// <summary>The training part.</summary>
        public Dataset Train { get; }

        /// <summary>The held-out part: the test set of a loader, or the validation set of <see cref="Dataset.Split(int, int)"/>.</summary>
        public Dataset Test { get; }

        /// <summary>Deconstructs into (train, test).</summary>
        public void Deconstruct(out Dataset train, out Dataset test)
        {
            train = Train;
            test = Test;
        }
    }

    /// <summary>
    /// A labelled classification dataset held in memory: all features in one contiguous row-major
    /// <see cref="float"/>[] (<see cref="Count"/> × <see cref="FeatureCount"/>) and one <see cref="int"/> label per example.
    /// Examples and batches are zero-copy spans; <see cref="Shuffle(int)"/> reorders the rows so batches stay contiguous.
    /// </summary>
    /// <remarks>Not thread-safe: spans obtained before <see cref="Shuffle(int)"/> or <see cref="Standardization.Apply(Dataset)"/> are invalidated by them.</remarks>
    public sealed class Dataset : ITrainingSet<float, int>
    {
        private static readonly float[] ByteScale = CreateByteScale();

        private float[] _features;
        private int[] _labels;
        private float[]? _spareFeatures;
        private int[]? _spareLabels;
        private int[]? _order;

        /// <summary>Wraps existing arrays (not copied).</summary>
        /// <param name="features">Row-major features, <c>labels.Length × featureCount</c> values, all finite (a NaN or ±∞ is an <see cref="ArgumentException"/> naming the example and the feature).</param>
        /// <param name="labels">One label per example, each in [0, <paramref name="classCount"/>).</param>
        /// <param name="featureCount">Features per example (at least 1).</param>
        /// <param name="classCount">Number of classes (at least 1).</param>
        public Dataset(float[] features, int[] labels, int featureCount, int classCount)
        {
            ArgumentNullException.ThrowIfNull(features);
            ArgumentNullException.ThrowIfNull(labels);
            ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
            if ((long)labels.Length * featureCount != features.Length)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Expected {0} × {1} = {2} feature values but got {3}.", labels.Length, featureCount, (long)labels.Length * featureCount, features.Length),
                    nameof(features));
            }

            Guard.Labels(labels, classCount, nameof(labels));
            for (int i = 0; i < features.Length; i++)
            {
                if (!float.IsFinite(features[i]))
                {
                    throw new ArgumentException(
                        string.Format(CultureInfo.InvariantCulture, "Expected finite features but example {0} has {1} at feature {2}.", i / featureCount, features[i], i % featureCount),
                        nameof(features));
                }
            }

            _features = features;
            _labels = labels;
            FeatureCount = featureCount;
            ClassCount = classCount;
        }

        /// <summary>Number of examples.</summary>
        public int Count => _labels.Length;

        /// <summary>Features per example.</summary>
        public int FeatureCount { get; }

        /// <summary>Number of classes: every label is in [0, ClassCount).</summary>
        public int ClassCount { get; }

        /// <summary>All features, row-major, in the current order.</summary>
        public ReadOnlySpan<float> AllFeatures => _features;

        /// <summary>All labels, in the current order.</summary>
        public ReadOnlySpan<int> Labels => _labels;

        /// <summary>
        /// Creates a dataset from 8-bit pixels scaled to [0, 1] (value / 255).
        /// </summary>
        /// <param name="pixels">Row-major pixels, <c>labels.Length × featureCount</c> bytes.</param>
        /// <param name="labels">One label per example (the array is kept, not copied).</param>
        /// <param name="featureCount">Pixels per example.</param>
        /// <param name="classCount">Number of classes.</param>
        public static Dataset FromPixels(ReadOnlySpan<byte> pixels, int[] labels, int featureCount, int classCount)
        {
            var features = new float[pixels.Length];
            ScalePixels(pixels, features);
            return new Dataset(features, labels, featureCount, classCount);
        }

        /// <summary>
        /// Loads a dataset from an IDX images file (first dimension = examples, the rest = features) and an IDX labels
        /// file (one dimension, integer type). Unsigned-byte images are scaled to [0, 1] (value / 255); other element
        /// types are converted to <see cref="float"/> unchanged.
        /// </summary>
        /// <param name="imagesPath">IDX file of examples, raw or gzip.</param>
        /// <param name="labelsPath">IDX file of labels, raw or gzip.</param>
        /// <param name="classCount">Number of classes; every label must be in [0, classCount).</param>
        /// <exception cref="DataFormatException">A file is malformed, the counts differ, or a label is out of range.</exception>
        public static Dataset FromIdx(string imagesPath, string labelsPath, int classCount)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
            IdxTensor images = IdxFile.Read(imagesPath);
            IdxTensor labels = IdxFile.Read(labelsPath);
            return FromIdx(images, imagesPath, labels, labelsPath, classCount);
        }

        internal static Dataset FromIdx(IdxTensor images, string imagesPath, IdxTensor labels, string labelsPath, int classCount)
        {
            if (labels.Rank != 1)
            {
                throw new DataFormatException(
                    string.Format(CultureInfo.InvariantCulture, "{0}: invalid labels file at byte offset 3: expected 1 dimension but found {1} ({2}).", labelsPath, labels.Rank, IdxTensor.FormatDimensions(labels.Dimensions)),
                    labelsPath, 3);
            }

            int count = images.Dimensions[0];
            if (labels.Length != count)
            {
                throw new DataFormatException(
                    string.Format(CultureInfo.InvariantCulture, "{0}: label count at byte offset 4 does not match the images: expected {1} (from {2}) but found {3}.", labelsPath, count, imagesPath, labels.Length),
                    labelsPath, 4);
            }

            int headerLength = 8;
            int elementSize = IdxTensor.ElementSize(labels.TypeCode);
            int[] labelValues = new int[count];
            switch (labels.TypeCode)
            {
                case IdxTypeCode.UnsignedByte: { byte[] a = labels.AsBytes(); for (int i = 0; i < a.Length; i++) { labelValues[i] = a[i]; } break; }
                case IdxTypeCode.SignedByte: { sbyte[] a = labels.AsSBytes(); for (int i = 0; i < a.Length; i++) { labelValues[i] = a[i]; } break; }
                case IdxTypeCode.Int16: { short[] a = labels.AsInt16(); for (int i = 0; i < a.Length; i++) { labelValues[i] = a[i]; } break; }
                case IdxTypeCode.Int32: labels.AsInt32().AsSpan().CopyTo(labelValues); break;
                default:
                    throw new DataFormatException(
                        string.Format(CultureInfo.InvariantCulture, "{0}: invalid labels file at byte offset 2: expected an integer type code (0x08, 0x09, 0x0B or 0x0C) but found 0x{1:X2}.", labelsPath, (byte)labels.TypeCode),
                        labelsPath, 2);
            }

            for (int i = 0; i < labelValues.Length; i++)
            {
                if ((uint)labelValues[i] >= (uint)classCount)
                {
                    long offset = headerLength + (long)i * elementSize;
                    throw new DataFormatException(
                        string.Format(CultureInfo.InvariantCulture, "{0}: label {1} at byte offset {2} is out of range: expected 0 to {3} but found {4}.", labelsPath, i, offset, classCount - 1, labelValues[i]),
                        labelsPath, offset);
                }
            }

            int featureCount = 1;
            for (int d = 1; d < images.Rank; d++)
            {
                featureCount *= images.Dimensions[d];
            }

            if (featureCount == 0)
            {
                throw new DataFormatException(
                    string.Format(CultureInfo.InvariantCulture, "{0}: invalid images file at byte offset 8: expected a non-empty example shape but found {1}.", imagesPath, IdxTensor.FormatDimensions(images.Dimensions)),
                    imagesPath, 8);
            }

            float[] features;
            if (images.TypeCode == IdxTypeCode.UnsignedByte)
            {
                features = new float[images.Length];
                ScalePixels(images.AsBytes(), features);
            }
            else
            {
                features = images.TypeCode == IdxTypeCode.Single ? images.AsSingles() : images.ToSingles();
            }

            return new Dataset(features, labelValues, featureCount, classCount);
        }

        /// <summary>Features of example <paramref name="index"/> (a view, not a copy).</summary>
        public ReadOnlySpan<float> Features(int index)
        {
            if ((uint)index >= (uint)_labels.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, "Index outside the dataset.");
            }

            return new ReadOnlySpan<float>(_features, index * FeatureCount, FeatureCount);
        }

        /// <summary>Label of example <paramref name="index"/>.</summary>
        public int Label(int index) => _labels[index];

        /// <summary>Example <paramref name="index"/>: features (a view) and label.</summary>
        public Example Example(int index) => new(Features(index), _labels[index]);

        /// <summary>
        /// Examples [start, start + count) as contiguous spans (zero-copy). The last batch of an epoch may be shorter:
        /// <paramref name="count"/> is clipped to the end of the dataset.
        /// </summary>
        /// <param name="start">First example, in [0, Count).</param>
        /// <param name="count">Maximum number of examples (at least 1).</param>
        public Batch Batch(int start, int count)
        {
            if ((uint)start >= (uint)_labels.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(start), start, "Start outside the dataset.");
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
            int n = Math.Min(count, _labels.Length - start);
            return new Batch(
                new ReadOnlySpan<float>(_features, start * FeatureCount, n * FeatureCount),
                new ReadOnlySpan<int>(_labels, start, n));
        }

        /// <summary>Number of batches of <paramref name="batchSize"/> needed to cover the dataset (the last may be shorter).</summary>
        public int BatchCount(int batchSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
            return (int)(((long)_labels.Length + batchSize - 1) / batchSize);
        }

        /// <summary>
        /// Reorders the examples by a random permutation determined by <paramref name="seed"/> (SplitMix64 Fisher–Yates,
        /// identical on every platform and .NET version). Rows are copied once into a second buffer which then becomes
        /// current, so batches stay contiguous. The permutation applies to the current order: for a reproducible
        /// schedule call it once per epoch with a seed derived from the run seed and the epoch number.
        /// </summary>
        public void Shuffle(int seed)
        {
            int n = _labels.Length;
            int[] order = _order ??= new int[n];
            Permutation(order, seed);
            float[] features = _spareFeatures ?? new float[_features.Length];
            int[] labels = _spareLabels ?? new int[n];
            int f = FeatureCount;
            for (int i = 0; i < n; i++)
            {
                int src = order[i];
                Array.Copy(_features, (long)src * f, features, (long)i * f, f);
                labels[i] = _labels[src];
            }

            _spareFeatures = _features;
            _spareLabels = _labels;
            _features = features;
            _labels = labels;
        }

        /// <summary>
        /// Splits off a validation set of <paramref name="validationCount"/> examples chosen by a random permutation
        /// determined by <paramref name="seed"/>; the rest form the training set. Both are new datasets (copies), in
        /// permuted order. <see cref="DatasetPair.Test"/> holds the validation part.
        /// </summary>
        public DatasetPair Split(int validationCount, int seed)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(validationCount);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(validationCount, Count);
            int[] order = Permutation(Count, seed);
            int trainCount = Count - validationCount;
            return new DatasetPair(Gather(order.AsSpan(0, trainCount)), Gather(order.AsSpan(trainCount)));
        }

        /// <summary>
        /// Splits off round(<paramref name="validationFraction"/> × Count) examples as a validation set; see <see cref="Split(int, int)"/>.
        /// </summary>
        public DatasetPair Split(double validationFraction, int seed)
        {
            if (!(validationFraction >= 0 && validationFraction <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "Expected a fraction in [0, 1].");
            }

            return Split((int)Math.Round(validationFraction * Count, MidpointRounding.AwayFromZero), seed);
        }

        /// <summary>
        /// A copy with <see cref="double"/> features and the same labels in the current order, for a
        /// <c>Precision.Double</c> classifier (<c>Trainer.Fit(net, data.ToDouble(), ...)</c>).
        /// </summary>
        public Dataset<double, int> ToDouble()
        {
            var features = new double[_features.Length];
            for (int i = 0; i < features.Length; i++)
            {
                features[i] = _features[i];
            }

            return new Dataset<double, int>(features, (int[])_labels.Clone(), FeatureCount, 1);
        }

        /// <summary>Computes standardization statistics on this dataset and applies them to it; apply the result to the test set too.</summary>
        public Standardization Standardize(StandardizationMode mode)
        {
            Standardization s = Standardization.Compute(this, mode);
            s.Apply(this);
            return s;
        }

        internal float[] FeatureArray => _features;

        /// <summary>One label per example.</summary>
        int ITrainingSet<float, int>.TargetsPerExample => 1;

        /// <summary>The labels, in the current order.</summary>
        ReadOnlySpan<int> ITrainingSet<float, int>.AllTargets => _labels;

        /// <inheritdoc/>
        (ITrainingSet<float, int> Train, ITrainingSet<float, int> Validation) ITrainingSet<float, int>.SplitOff(int validationCount, int seed)
        {
            DatasetPair pair = Split(validationCount, seed);
            return (pair.Train, pair.Test);
        }

        internal static void ScalePixels(ReadOnlySpan<byte> pixels, Span<float> destination)
        {
            float[] table = ByteScale;
            for (int i = 0; i < pixels.Length; i++)
            {
                destination[i] = table[pixels[i]];
            }
        }

        internal static int[] Permutation(int n, int seed)
        {
            var order = new int[n];
            Permutation(order, seed);
            return order;
        }

        /// <summary>Writes the seeded permutation of [0, order.Length) into <paramref name="order"/>.</summary>
        internal static void Permutation(int[] order, int seed)
        {
            int n = order.Length;
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
            }

            ulong state = Initializers.Seed(seed);
            for (int i = n - 1; i > 0; i--)
            {
                ulong high = Math.BigMul(Initializers.Next(ref state), (ulong)(i + 1), out _);
                int j = (int)high;
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        private Dataset Gather(ReadOnlySpan<int> indices)
        {
            int f = FeatureCount;
            var features = new float[(long)indices.Length * f];
            var labels = new int[indices.Length];
            for (int i = 0; i < indices.Length; i++)
            {
                Array.Copy(_features, (long)indices[i] * f, features, (long)i * f, f);
                labels[i] = _labels[indices[i]];
            }

            return new Dataset(features, labels, f, ClassCount);
        }

        private static float[] CreateByteScale()
        {
            var table = new float[256];
            for (int i = 0; i < 256; i++)
            {
                table[i] = i / 255f;
            }

            return table;
        }
    }
}
