using System;
using NetGen.Data;

namespace NetGen.Tests.Training
{
    /// <summary>Three separable Gaussian blobs (centres on a circle of radius 2, σ = 0.5), or the same points with random labels.</summary>
    internal static class BlobData
    {
        public static Dataset Create(int count, int seed, bool randomLabels = false)
        {
            var random = new Random(seed);
            var features = new float[count * 2];
            var labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                int c = random.Next(3);
                double angle = c * 2 * Math.PI / 3;
                features[2 * i] = (float)((2 * Math.Cos(angle)) + (0.5 * Gaussian(random)));
                features[(2 * i) + 1] = (float)((2 * Math.Sin(angle)) + (0.5 * Gaussian(random)));
                labels[i] = randomLabels ? random.Next(3) : c;
            }

            return new Dataset(features, labels, 2, 3);
        }

        private static double Gaussian(Random random) =>
            Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
