using System;

namespace NetGen.Tests
{
    internal static class TestData
    {
        public static double[] Doubles(int count, int seed, double scale = 1)
        {
            var random = new Random(seed);
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = ((random.NextDouble() * 2) - 1) * scale;
            }

            return values;
        }

        public static float[] Floats(int count, int seed, float scale = 1)
        {
            var random = new Random(seed);
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
            }

            return values;
        }

        public static int[] Labels(int count, int classes, int seed)
        {
            var random = new Random(seed);
            var labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = random.Next(classes);
            }

            return labels;
        }

        public static double[][] Rows(double[] flat, int width)
        {
            var rows = new double[flat.Length / width][];
            for (int r = 0; r < rows.Length; r++)
            {
                rows[r] = flat.AsSpan(r * width, width).ToArray();
            }

            return rows;
        }
    }
}
