using System;
using System.Threading.Tasks;
using NetGen.Data;
using NetGen.Training;

namespace NetGen.Samples
{
    /// <summary>Mean cross-entropy, accuracy and confusion matrix of a network on a dataset.</summary>
    internal sealed record Evaluation(double Loss, double Accuracy, ConfusionMatrix Confusion)
    {
        private const int Chunk = 1000;

        /// <summary>Evaluates <paramref name="net"/> on every example of <paramref name="data"/> (PredictBatch is thread-safe, so chunks run in parallel).</summary>
        public static Evaluation Run(IClassifier net, Dataset data)
        {
            int classes = net.ClassCount;
            int chunks = (data.Count + Chunk - 1) / Chunk;
            var predicted = new int[data.Count];
            var lossSums = new double[chunks];
            Parallel.For(0, chunks, c =>
            {
                var batch = data.Batch(c * Chunk, Chunk);
                var outputs = new float[batch.Count * classes];
                net.PredictBatch(batch.Features, outputs);
                double sum = 0;
                for (int i = 0; i < batch.Count; i++)
                {
                    var p = outputs.AsSpan(i * classes, classes);
                    sum -= Math.Log(Math.Max(p[batch.Labels[i]], 1e-12f));
                    predicted[(c * Chunk) + i] = Metrics.ArgMax(p);
                }

                lossSums[c] = sum;
            });

            var confusion = new ConfusionMatrix(data.ClassCount);
            confusion.Add(data.Labels, predicted);
            double loss = 0;
            foreach (double s in lossSums)
            {
                loss += s;
            }

            return new Evaluation(loss / data.Count, confusion.Accuracy, confusion);
        }
    }
}
