using System;
using System.IO;
using System.Linq;
using NetGen.Data;
using NetGen.Training;
using Xunit;

namespace NetGen.Tests.Training
{
    /// <summary>Data sets for every head and precision, standardization that travels with the model, the confusion matrix as text.</summary>
    public sealed class DataForEveryHeadTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "netgen-heads-" + Guid.NewGuid().ToString("N"));

        public DataForEveryHeadTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        /// <summary>y = (sin(x0 + x1), x2 · 0.5) for x uniform in [−1, 1]³: Regression's 3 inputs and 2 targets.</summary>
        private static Dataset<double, double> Curve(int count, int seed)
        {
            double[] x = TestData.Doubles(count * 3, seed);
            var y = new double[count * 2];
            for (int i = 0; i < count; i++)
            {
                y[2 * i] = Math.Sin(x[3 * i] + x[(3 * i) + 1]);
                y[(2 * i) + 1] = 0.5 * x[(3 * i) + 2];
            }

            return new Dataset<double, double>(x, y, 3, 2);
        }

        [Fact]
        public void ARegressorTrainsOnFloatTargets()
        {
            var net = new Regression();
            net.InitializeParameters(1);
            var validation = Curve(200, 2);
            double before = Evaluation.Run(net, validation).Loss;
            TrainingResult result = Trainer.Fit(net, Curve(1000, 1), new TrainerOptions { Epochs = 30, BatchSize = 16, LearningRate = LearningRateSchedule.Constant(0.1) }, validation);
            Assert.Equal(StopReason.Completed, result.Reason);
            Assert.True(result.Last!.ValidationLoss < before / 10, $"MSE {before} → {result.Last.ValidationLoss}");
            Assert.True(double.IsNaN(result.Last.ValidationAccuracy));
            Evaluation evaluation = Evaluation.Run(net, validation);
            Assert.Equal(result.Last.ValidationLoss, evaluation.Loss);
            Assert.Null(evaluation.Confusion);

            // The MSE the evaluation reports is the [Identity] head's own loss.
            double loss = 0;
            for (int i = 0; i < validation.Count; i++)
            {
                loss += net.Loss(validation.Features(i), validation.Targets(i));
            }

            Assert.Equal(loss / validation.Count, evaluation.Loss, 12);
        }

        [Fact]
        public void AMultiLabelNetworkTrainsOnSeveralTargetsPerExample()
        {
            // Four independent labels: the sign of each of the first four inputs.
            double[] x = TestData.Doubles(800 * 5, 3);
            var y = new double[800 * 4];
            for (int i = 0; i < 800; i++)
            {
                for (int k = 0; k < 4; k++)
                {
                    y[(4 * i) + k] = x[(5 * i) + k] > 0 ? 1 : 0;
                }
            }

            var data = new Dataset<double, double>(x, y, 5, 4);
            var net = new MultiLabel();
            TrainingResult result = Trainer.Fit(net, data, new TrainerOptions { Epochs = 40, BatchSize = 16, LearningRate = LearningRateSchedule.Constant(0.5), ValidationSplit = 0.25 });
            Assert.True(result.Last!.ValidationLoss < result.History[0].ValidationLoss / 2, $"{result.History[0].ValidationLoss} → {result.Last.ValidationLoss}");
        }

        [Fact]
        public void ADoublePrecisionClassifierTrainsOnDoubleFeatures()
        {
            var floats = new Dataset(TestData.Floats(300 * 4, 5), TestData.Labels(300, 3, 6), 4, 3);
            Dataset<double, int> doubles = floats.ToDouble();
            Assert.Equal(floats.AllFeatures.ToArray().Select(v => (double)v), doubles.AllFeatures.ToArray());
            Assert.Equal(floats.Labels.ToArray(), doubles.AllTargets.ToArray());
            TrainingResult result = Trainer.Fit(new Linear4x3(), doubles, new TrainerOptions { Epochs = 2 }, doubles);
            Assert.Equal(2, result.History.Count);
            Assert.InRange(result.Last!.ValidationAccuracy, 0, 1);
        }

        [Fact]
        public void TheGenericDataSetChecksItsValuesAndKeepsRowsTogether()
        {
            var e = Assert.Throws<ArgumentException>(() => new Dataset<float, float>(new[] { 1f, 2, 3, float.NaN }, new[] { 0f, 1 }, 2, 1));
            Assert.Contains("example 1 has NaN at position 1", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => new Dataset<float, float>(new[] { 1f, 2, 3 }, new[] { 0f, 1 }, 2, 1));

            // Target i·10 + k for features (i, −i): pairs stay together through Shuffle and Split.
            var features = new float[100 * 2];
            var targets = new float[100 * 3];
            for (int i = 0; i < 100; i++)
            {
                features[2 * i] = i;
                features[(2 * i) + 1] = -i;
                for (int k = 0; k < 3; k++)
                {
                    targets[(3 * i) + k] = (i * 10) + k;
                }
            }

            var data = new Dataset<float, float>(features, targets, 2, 3);
            data.Shuffle(4);
            Assert.NotEqual(0f, data.Features(0)[0] + data.Features(1)[0] - 1);
            var (train, validation) = data.Split(20, 1);
            foreach (var set in new[] { data, train, validation })
            {
                for (int i = 0; i < set.Count; i++)
                {
                    float id = set.Features(i)[0];
                    Assert.Equal(-id, set.Features(i)[1]);
                    Assert.Equal(new[] { id * 10, (id * 10) + 1, (id * 10) + 2 }, set.Targets(i).ToArray());
                }
            }

            Assert.Equal((80, 20), (train.Count, validation.Count));
            var batch = data.Batch(96, 8);
            Assert.Equal((4, 8, 12), (batch.Count, batch.Features.Length, batch.Targets.Length));
        }

        [Fact]
        public void StandardizationAppliesToOneExampleAsToTheDataSet()
        {
            var data = new Dataset(TestData.Floats(50 * 5, 8, 10), TestData.Labels(50, 4, 9), 5, 4);
            float[] raw = data.Features(7).ToArray();
            Standardization s = data.Standardize(StandardizationMode.PerFeature);
            s.Apply<float>(raw);
            Assert.Equal(data.Features(7).ToArray(), raw);
            double[] asDouble = TestData.Doubles(5, 1);
            double[] expected = asDouble.Select((v, c) => (v - s.Mean[c]) / s.StdDev[c]).ToArray();
            s.Apply<double>(asDouble);
            Assert.Equal(expected, asDouble);
            Assert.Throws<ArgumentException>(() => s.Apply<float>(new float[4]));
        }

        [Fact]
        public void StandardizationIsStoredInTheModelFileAndRestoredByLoad()
        {
            var data = new Dataset<double, double>(TestData.Doubles(40 * 5, 2, 3), new double[40 * 4], 5, 4);
            var net = new MultiLabel { Standardization = data.Standardize(StandardizationMode.PerFeature) };
            string path = Path.Combine(_dir, "model.safetensors");
            net.Save(path);
            Assert.Equal("per-feature", NetGen.IO.SafeTensors.Load(path).Metadata["netgen.standardization"]);

            var loaded = new MultiLabel();
            loaded.Load(path);
            Assert.NotNull(loaded.Standardization);
            Assert.Equal(net.Standardization.Mean.ToArray(), loaded.Standardization!.Mean.ToArray());
            Assert.Equal(net.Standardization.StdDev.ToArray(), loaded.Standardization.StdDev.ToArray());

            // A model saved without statistics loads without them; statistics of another width are an error naming the key.
            new MultiLabel().Save(path);
            loaded.Load(path);
            Assert.Null(loaded.Standardization);
            new MultiLabel { Standardization = Standardization.Create(StandardizationMode.PerFeature, new float[3], new float[] { 1, 1, 1 }) }.Save(path);
            var e = Assert.Throws<InvalidDataException>(() => loaded.Load(path));
            Assert.Contains("netgen.standardization.mean: expected 5 numbers but found 3", e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void TheConfusionMatrixPrintsItself()
        {
            var m = new ConfusionMatrix(3);
            m.Add(new[] { 0, 0, 1, 2, 2, 2 }, new[] { 0, 1, 1, 2, 2, 0 });
            string[] lines = m.ToString().Split('\n');
            Assert.Equal(5, lines.Length);
            Assert.Equal("actual \\ predicted  0  1  2   recall", lines[0]);
            Assert.Equal("0                   1  1  0   50.00 %", lines[1]);
            Assert.Equal("2                   1  0  2   66.67 %", lines[3]);
            Assert.Equal("accuracy 66.67 % (4 of 6)", lines[4]);
            Assert.StartsWith("actual \\ predicted  cat  dog  eel", m.ToString(new[] { "cat", "dog", "eel" }), StringComparison.Ordinal);
        }
    }
}
