using System;

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
            ReadOnlySpan<float> x = data.AllFeatures;
            int f = data.FeatureCount;
            int n = data.Count;
            if (n == 0)
            {
                throw new ArgumentException("Cannot compute statistics of an empty dataset.", nameof(data));
            }

            if (mode == StandardizationMode.Global)
            {
                double sum = 0;
                foreach (float v in x)
                {
                    sum += v;
                }

                double mean = sum / x.Length;
                double sq = 0;
                foreach (float v in x)
                {
                    double d = v - mean;
                    sq += d * d;
                }

                return new Standardization(mode, new[] { (float)mean }, new[] { Clamp(Math.Sqrt(sq / x.Length)) });
            }

            var sums = new double[f];
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<float> row = x.Slice(r * f, f);
                for (int c = 0; c < f; c++)
                {
                    sums[c] += row[c];
                }
            }

            for (int c = 0; c < f; c++)
            {
                sums[c] /= n;
            }

            var squares = new double[f];
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<float> row = x.Slice(r * f, f);
                for (int c = 0; c < f; c++)
                {
                    double d = row[c] - sums[c];
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
            Span<float> x = data.FeatureArray;
            if (Mode == StandardizationMode.Global)
            {
                float mean = _mean[0];
                float inv = 1f / _stdDev[0];
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (x[i] - mean) * inv;
                }

                return;
            }

            int f = data.FeatureCount;
            if (f != _mean.Length)
            {
                throw new ArgumentException("The dataset's feature count differs from the statistics'.", nameof(data));
            }

            var inverse = new float[f];
            for (int c = 0; c < f; c++)
            {
                inverse[c] = 1f / _stdDev[c];
            }

            for (int r = 0; r < data.Count; r++)
            {
                Span<float> row = x.Slice(r * f, f);
                for (int c = 0; c < f; c++)
                {
                    row[c] = (row[c] - _mean[c]) * inverse[c];
                }
            }
        }

        private static float Clamp(double std) => std < MinStdDev ? 1f : (float)std;
    }
}
