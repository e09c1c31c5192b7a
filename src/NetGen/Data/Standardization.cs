using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Text;

namespace NetGen.Data
{
    /// <summary>Which statistics <see cref="Standardization"/> uses.</summary>
    public enum StandardizationMode
    {
        /// <summary>One mean and standard deviation per feature (column).</summary>
        PerFeature,
        /// <summary>One mean and standard deviation over all feature values (e.g. MNIST's 0.1307 / 0.3081 on [0, 1] pixels).</summary>
        Global,
    }

    /// <summary>
    /// Feature standardization x' = (x − mean) / std, with statistics computed on a training set and applied
    /// unchanged to validation and test sets. The standard deviation is the population one (divide by N); a deviation
    /// below <see cref="MinStdDev"/> (a constant feature, such as MNIST's always-black corner pixels) is replaced
    /// by 1, so such features are only centred.
    /// </summary>
    /// <remarks>
    /// Preprocessing travels with the model: set a generated network's <c>Standardization</c> property and its Save
    /// writes the statistics into the model file's metadata (<c>netgen.standardization</c>, <c>.mean</c>, <c>.std</c>;
    /// PyTorch ignores metadata), and Load restores them. Apply them to an input before Predict with
    /// <see cref="Apply{T}(Span{T})"/>.
    /// </remarks>
    public sealed class Standardization
    {
        /// <summary>Deviations below this are treated as 1.</summary>
        public const float MinStdDev = 1e-6f;

        private readonly float[] _mean;
        private readonly float[] _stdDev;

        private Standardization(StandardizationMode mode, float[] mean, float[] stdDev)
        {
            Mode = mode;
            _mean = mean;
            _stdDev = stdDev;
        }

        /// <summary>Metadata key of the mode ("per-feature" or "global") in a model file.</summary>
        public const string MetadataKey = "netgen.standardization";

        /// <summary>
        /// Statistics given directly, e.g. the ones a model was trained with.
        /// </summary>
        /// <param name="mode">Per-feature (one mean and deviation per feature) or global (one of each).</param>
        /// <param name="mean">The means, finite.</param>
        /// <param name="stdDev">The deviations divided by, finite and at least <see cref="MinStdDev"/> (a smaller one would turn features into ±∞), as many as means.</param>
        public static Standardization Create(StandardizationMode mode, ReadOnlySpan<float> mean, ReadOnlySpan<float> stdDev)
        {
            if (mode is not (StandardizationMode.PerFeature or StandardizationMode.Global))
            {
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown standardization mode.");
            }

            if (mean.Length == 0 || mean.Length != stdDev.Length || (mode == StandardizationMode.Global && mean.Length != 1))
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Expected {0} means and as many deviations but got {1} and {2}.", mode == StandardizationMode.Global ? "1" : "≥ 1", mean.Length, stdDev.Length),
                    nameof(stdDev));
            }

            for (int i = 0; i < mean.Length; i++)
            {
                if (!float.IsFinite(mean[i]) || !float.IsFinite(stdDev[i]) || !(stdDev[i] >= MinStdDev))
                {
                    throw new ArgumentException(
                        string.Format(CultureInfo.InvariantCulture, "Expected a finite mean and a finite deviation of at least MinStdDev ({0}) at feature {1} but got {2} and {3}.", MinStdDev, i, mean[i], stdDev[i]),
                        nameof(stdDev));
                }
            }

            return new Standardization(mode, mean.ToArray(), stdDev.ToArray());
        }

        /// <summary>Per-feature or global.</summary>
        public StandardizationMode Mode { get; }

        /// <summary>Means: one per feature, or a single value in <see cref="StandardizationMode.Global"/> mode.</summary>
        public ReadOnlySpan<float> Mean => _mean;

        /// <summary>Standard deviations actually divided by (already clamped as described on the type), parallel to <see cref="Mean"/>.</summary>
        public ReadOnlySpan<float> StdDev => _stdDev;

        /// <summary>Computes the statistics of <paramref name="data"/> (accumulated in double precision, two passes).</summary>
        public static Standardization Compute(Dataset data, StandardizationMode mode)
        {
            ArgumentNullException.ThrowIfNull(data);
            if (data.Count == 0)
            {
                throw new ArgumentException("Cannot compute statistics of an empty dataset.", nameof(data));
            }

            return Compute<float>(data.AllFeatures, data.FeatureCount, mode);
        }

        /// <summary>Computes the statistics of row-major features, <paramref name="featureCount"/> per example (double accumulation).</summary>
        /// <exception cref="ArgumentException">No rows, or a length that is not a multiple of the feature count.</exception>
        public static Standardization Compute<T>(ReadOnlySpan<T> features, int featureCount, StandardizationMode mode)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
            if (features.IsEmpty || features.Length % featureCount != 0)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Expected a positive multiple of {0} values (rows of features) but got {1}.", featureCount, features.Length),
                    nameof(features));
            }

            ReadOnlySpan<T> x = features;
            int f = featureCount;
            int n = features.Length / featureCount;

            if (mode == StandardizationMode.Global)
            {
                double sum = 0;
                foreach (T v in x)
                {
                    sum += double.CreateTruncating(v);
                }

                double mean = sum / x.Length;
                double sq = 0;
                foreach (T v in x)
                {
                    double d = double.CreateTruncating(v) - mean;
                    sq += d * d;
                }

                return new Standardization(mode, new[] { (float)mean }, new[] { Clamp(Math.Sqrt(sq / x.Length)) });
            }

            var sums = new double[f];
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<T> row = x.Slice(r * f, f);
                for (int c = 0; c < f; c++)
                {
                    sums[c] += double.CreateTruncating(row[c]);
                }
            }

            for (int c = 0; c < f; c++)
            {
                sums[c] /= n;
            }

            var squares = new double[f];
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<T> row = x.Slice(r * f, f);
                for (int c = 0; c < f; c++)
                {
                    double d = double.CreateTruncating(row[c]) - sums[c];
                    squares[c] += d * d;
                }
            }

            var means = new float[f];
            var std = new float[f];
            for (int c = 0; c < f; c++)
            {
                means[c] = (float)sums[c];
                std[c] = Clamp(Math.Sqrt(squares[c] / n));
            }

            return new Standardization(mode, means, std);
        }

        /// <summary>Standardizes the features of <paramref name="data"/> in place.</summary>
        /// <exception cref="ArgumentException">Per-feature statistics whose length differs from the dataset's feature count.</exception>
        public void Apply(Dataset data)
        {
            ArgumentNullException.ThrowIfNull(data);
            if (Mode == StandardizationMode.PerFeature && data.FeatureCount != _mean.Length)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "The dataset has {0} features but the statistics {1}.", data.FeatureCount, _mean.Length),
                    nameof(data));
            }

            Apply<float>(data.FeatureArray);
        }

        /// <summary>
        /// Standardizes in place one example (inference: apply the training statistics to an input before Predict) or
        /// several rows of features, x' = (x − mean) / std. With per-feature statistics the length must be a multiple of
        /// their feature count.
        /// </summary>
        /// <exception cref="ArgumentException">The length is not a multiple of the feature count.</exception>
        public void Apply<T>(Span<T> features)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Mode == StandardizationMode.Global)
            {
                T mean = T.CreateTruncating(_mean[0]);
                T inv = T.One / T.CreateTruncating(_stdDev[0]);
                for (int i = 0; i < features.Length; i++)
                {
                    features[i] = (features[i] - mean) * inv;
                }

                return;
            }

            int f = _mean.Length;
            if (features.Length % f != 0)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Expected a multiple of {0} values (the statistics' feature count) but got {1}.", f, features.Length),
                    nameof(features));
            }

            for (int r = 0; r < features.Length; r += f)
            {
                Span<T> row = features.Slice(r, f);
                for (int c = 0; c < f; c++)
                {
                    row[c] = (row[c] - T.CreateTruncating(_mean[c])) / T.CreateTruncating(_stdDev[c]);
                }
            }
        }

        /// <summary>
        /// The model file's metadata with these statistics added (<paramref name="standardization"/> null: unchanged).
        /// Generated Save methods call it.
        /// </summary>
        public static IReadOnlyDictionary<string, string> AddTo(IReadOnlyDictionary<string, string> metadata, Standardization? standardization)
        {
            ArgumentNullException.ThrowIfNull(metadata);
            if (standardization is null)
            {
                return metadata;
            }

            var result = new Dictionary<string, string>(metadata)
            {
                [MetadataKey] = standardization.Mode == StandardizationMode.Global ? "global" : "per-feature",
                [MetadataKey + ".mean"] = Join(standardization._mean),
                [MetadataKey + ".std"] = Join(standardization._stdDev),
            };
            return result;
        }

        /// <summary>
        /// The statistics stored in a model file's metadata by <see cref="AddTo"/>, or null when it has none. Generated
        /// Load methods call it, before changing anything.
        /// </summary>
        /// <param name="metadata">The file's metadata.</param>
        /// <param name="fileName">The file, for error messages.</param>
        /// <param name="featureCount">The network's input size: per-feature statistics must have this many values.</param>
        /// <exception cref="InvalidDataException">The entries are malformed, naming the file, the key and expected vs actual.</exception>
        public static Standardization? FromMetadata(IReadOnlyDictionary<string, string> metadata, string? fileName, int featureCount)
        {
            ArgumentNullException.ThrowIfNull(metadata);
            if (!metadata.TryGetValue(MetadataKey, out string? modeText))
            {
                return null;
            }

            string file = fileName ?? "stream";
            StandardizationMode mode = modeText switch
            {
                "global" => StandardizationMode.Global,
                "per-feature" => StandardizationMode.PerFeature,
                _ => throw new InvalidDataException($"{file}: metadata {MetadataKey}: expected 'per-feature' or 'global' but found '{modeText}'."),
            };
            int expected = mode == StandardizationMode.Global ? 1 : featureCount;
            float[] mean = Parse(metadata, MetadataKey + ".mean", expected, file);
            float[] std = Parse(metadata, MetadataKey + ".std", expected, file);
            try
            {
                return Create(mode, mean, std);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{file}: metadata {MetadataKey}: {e.Message}", e);
            }
        }

        private static float[] Parse(IReadOnlyDictionary<string, string> metadata, string key, int expected, string file)
        {
            if (!metadata.TryGetValue(key, out string? text))
            {
                throw new InvalidDataException($"{file}: metadata {key}: expected {expected} numbers but the entry is missing.");
            }

            string[] parts = text.Split(',');
            if (parts.Length != expected)
            {
                throw new InvalidDataException(string.Format(CultureInfo.InvariantCulture, "{0}: metadata {1}: expected {2} numbers but found {3}.", file, key, expected, parts.Length));
            }

            var values = new float[expected];
            for (int i = 0; i < expected; i++)
            {
                if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                {
                    throw new InvalidDataException(string.Format(CultureInfo.InvariantCulture, "{0}: metadata {1}: expected a number at position {2} but found '{3}'.", file, key, i, parts[i]));
                }
            }

            return values;
        }

        private static string Join(float[] values)
        {
            var text = new StringBuilder();
            for (int i = 0; i < values.Length; i++)
            {
                text.Append(i == 0 ? string.Empty : ",").Append(values[i].ToString("R", CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        private static float Clamp(double std) => std < MinStdDev ? 1f : (float)std;
    }
}
