using System;
using System.Numerics;
using System.Runtime.InteropServices;
using NetGen.Data;

namespace NetGen.Training
{
    /// <summary>
    /// A network's metrics on a data set: for a classifier the mean cross-entropy of its probabilities (each clamped at
    /// 1e-12), the accuracy and the confusion matrix; for a network trained on float targets the mean squared error of
    /// its outputs (the training loss of an <c>[Identity]</c> head; for a <c>[Sigmoid]</c> head the error of the
    /// probabilities).
    /// </summary>
    /// <param name="Loss">Mean cross-entropy (classifier) or mean squared error (float targets).</param>
    /// <param name="Accuracy">Fraction of labels predicted (classifier); NaN for float targets.</param>
    /// <param name="Confusion">The confusion matrix (classifier); null for float targets.</param>
    public sealed record Evaluation(double Loss, double Accuracy, ConfusionMatrix? Confusion)
    {
        /// <summary>Evaluates <paramref name="net"/> on every example of <paramref name="data"/> (PredictBatch in chunks).</summary>
        /// <exception cref="ArgumentException">The data's feature or target count does not fit the network.</exception>
        public static Evaluation Run<TNet, T, TTarget>(TNet net, ITrainingSet<T, TTarget> data)
            where TNet : class, ITrainable<TNet, T, TTarget>
            where T : unmanaged, IFloatingPointIeee754<T>
            where TTarget : unmanaged
        {
            ArgumentNullException.ThrowIfNull(net);
            ArgumentNullException.ThrowIfNull(data);
            Trainer.CheckShape<TNet, T, TTarget>(data, nameof(data));
            return new Evaluator<TNet, T, TTarget>().Run(net, data, new ConfusionMatrix(ClassesOf<TNet, T, TTarget>()));
        }

        internal static int ClassesOf<TNet, T, TTarget>()
            where TNet : class, ITrainable<TNet, T, TTarget>
            where T : unmanaged, IFloatingPointIeee754<T>
            where TTarget : unmanaged => TNet.OutputSize / TNet.TargetsPerExample;
    }

    /// <summary>The evaluation loop with its buffer allocated once (the trainer reuses one per run).</summary>
    internal sealed class Evaluator<TNet, T, TTarget>
        where TNet : class, ITrainable<TNet, T, TTarget>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTarget : unmanaged
    {
        private const int Chunk = 256;
        private readonly T[] _outputs = new T[Chunk * TNet.OutputSize];

        /// <summary>Evaluates; for a classifier the counts go to <paramref name="confusion"/> (cleared first).</summary>
        public Evaluation Run(TNet net, ITrainingSet<T, TTarget> data, ConfusionMatrix? confusion)
        {
            int count = data.Count;
            int inputs = TNet.InputSize;
            int outputs = TNet.OutputSize;
            int perExample = TNet.TargetsPerExample;
            bool labels = typeof(TTarget) == typeof(int);
            int classes = outputs / perExample;
            confusion?.Clear();
            double sum = 0;
            for (int start = 0; start < count; start += Chunk)
            {
                int n = Math.Min(Chunk, count - start);
                Span<T> y = _outputs.AsSpan(0, n * outputs);
                net.PredictBatch(data.AllFeatures.Slice(start * inputs, n * inputs), y);
                ReadOnlySpan<TTarget> targets = data.AllTargets.Slice(start * perExample, n * perExample);
                if (labels)
                {
                    ReadOnlySpan<int> l = MemoryMarshal.Cast<TTarget, int>(targets);
                    for (int r = 0; r < l.Length; r++)
                    {
                        Span<T> p = y.Slice(r * classes, classes);
                        double probability = double.CreateTruncating(p[l[r]]);
                        sum -= Math.Log(Math.Max(probability, 1e-12));
                        int predicted = ArgMax(p);
                        if (confusion is not null && predicted >= 0)
                        {
                            confusion.Add(l[r], predicted);
                        }
                    }
                }
                else
                {
                    ReadOnlySpan<T> t = MemoryMarshal.Cast<TTarget, T>(targets);
                    for (int i = 0; i < t.Length; i++)
                    {
                        double d = double.CreateTruncating(y[i] - t[i]);
                        sum += d * d;
                    }
                }
            }

            if (labels)
            {
                long total = (long)count * perExample;
                double accuracy = confusion is null || total == 0 ? double.NaN : (double)confusion.Correct / total;
                return new Evaluation(sum / total, accuracy, confusion);
            }

            return new Evaluation(sum / ((long)count * outputs), double.NaN, null);
        }

        /// <summary>The first index of the largest value, or -1 when one is NaN.</summary>
        private static int ArgMax(ReadOnlySpan<T> p)
        {
            int best = 0;
            for (int j = 0; j < p.Length; j++)
            {
                if (T.IsNaN(p[j]))
                {
                    return -1;
                }

                if (p[j] > p[best])
                {
                    best = j;
                }
            }

            return best;
        }
    }
}
