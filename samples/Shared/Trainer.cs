using System;
using System.Collections.Generic;
using System.Diagnostics;
using NetGen.Data;
using NetGen.Training;

namespace NetGen.Samples
{
    /// <summary>The state of the running epoch, reported to the progress display.</summary>
    internal readonly record struct EpochProgress(int Epoch, int Samples, int Total, double Loss, double Accuracy, double SamplesPerSecond);

    /// <summary>One row of the summary table.</summary>
    internal sealed record EpochResult(
        int Epoch,
        double FirstRate,
        double LastRate,
        double TrainLoss,
        double TrainAccuracy,
        double SamplesPerSecond,
        Evaluation Test,
        double Seconds);

    /// <summary>Mini-batch training over shuffled epochs (with the network's optimizer) at a step-dependent learning rate η_k.</summary>
    internal sealed class Trainer
    {
        /// <summary>Training accuracy is measured (one extra forward pass, before the step) on every n-th batch only.</summary>
        public const int AccuracyEvery = 4;

        /// <summary>Points per epoch of the training-loss curve in the plot.</summary>
        private const int CurvePointsPerEpoch = 20;

        private readonly IClassifier _net;
        private readonly Dataset _train;
        private readonly Dataset _test;
        private readonly int _batchSize;
        private readonly int _seed;
        private readonly LearningRateSchedule _schedule;
        private readonly int _classes;
        private readonly float[] _outputs;

        public Trainer(IClassifier net, Dataset train, Dataset test, int batchSize, int seed, LearningRateSchedule schedule)
        {
            _net = net;
            _train = train;
            _test = test;
            _batchSize = batchSize;
            _seed = seed;
            _schedule = schedule;
            _classes = net.ClassCount;
            _outputs = new float[batchSize * _classes];
        }

        /// <summary>Training loss (mean over the examples of each stretch, before their steps), for the plot: (epoch as a fraction, loss).</summary>
        public List<(double Epoch, double Loss)> LossCurve { get; } = new();

        /// <summary>Runs one epoch and evaluates on the test set; <paramref name="report"/> is called every few batches and at the end.</summary>
        public EpochResult RunEpoch(int epoch, Action<EpochProgress> report)
        {
            var clock = Stopwatch.StartNew();

            // A reproducible order: one shuffle per epoch with a seed derived from the run seed and the epoch.
            _train.Shuffle(unchecked((_seed * 1_000_003) + epoch));
            int total = _train.Count;
            int batches = _train.BatchCount(_batchSize);
            int reportEvery = Math.Max(1, batches / 200);
            int curveEvery = Math.Max(1, batches / CurvePointsPerEpoch);
            double firstRate = _schedule.Rate(_net.StepCount);
            double rate = firstRate;
            double lossSum = 0, curveSum = 0;
            int seen = 0, curveSeen = 0, sampled = 0, sampledCorrect = 0;

            for (int b = 0; b < batches; b++)
            {
                var batch = _train.Batch(b * _batchSize, _batchSize);
                int n = batch.Count;
                if (b % AccuracyEvery == 0)
                {
                    var outputs = _outputs.AsSpan(0, n * _classes);
                    _net.PredictBatch(batch.Features, outputs);
                    for (int i = 0; i < n; i++)
                    {
                        sampledCorrect += Metrics.ArgMax(outputs.Slice(i * _classes, _classes)) == batch.Labels[i] ? 1 : 0;
                    }

                    sampled += n;
                }

                rate = _schedule.Rate(_net.StepCount);
                double loss = _net.Train(batch.Features, batch.Labels, (float)rate) * (double)n;
                lossSum += loss;
                curveSum += loss;
                seen += n;
                curveSeen += n;

                if ((b + 1) % curveEvery == 0 || b == batches - 1)
                {
                    LossCurve.Add((epoch - 1 + ((double)seen / total), curveSum / curveSeen));
                    curveSum = 0;
                    curveSeen = 0;
                }

                if ((b + 1) % reportEvery == 0 || b == batches - 1)
                {
                    report(new EpochProgress(epoch, seen, total, lossSum / seen, (double)sampledCorrect / Math.Max(1, sampled), seen / clock.Elapsed.TotalSeconds));
                }
            }

            double samplesPerSecond = seen / clock.Elapsed.TotalSeconds;
            var test = Evaluation.Run(_net, _test);
            return new EpochResult(epoch, firstRate, rate, lossSum / seen, (double)sampledCorrect / Math.Max(1, sampled), samplesPerSecond, test, clock.Elapsed.TotalSeconds);
        }
    }
}
