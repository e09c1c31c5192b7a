using System;
using System.IO;
using NetGen.Data;
using NetGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Tests
{
    /// <summary>The lecture's network trained for one epoch on the real MNIST bundled in data/mnist.</summary>
    public class MnistEndToEndTests
    {
        private readonly ITestOutputHelper _output;

        public MnistEndToEndTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void OneEpochOfMiniBatchSgdReaches96PercentOnTheTestSet()
        {
            var (train, test) = Mnist.Load(BundledMnist());
            Assert.Equal(Mnist.TrainCount, train.Count);
            Assert.Equal(Mnist.TestCount, test.Count);

            const int BatchSize = 16;
            var net = new MnistNet();
            net.InitializeParameters(1);
            train.Shuffle(1);
            int batches = train.BatchCount(BatchSize);
            // η_k halves at half the epoch (step-dependent rate, as in the sample).
            var schedule = LearningRateSchedule.StepDecay(0.1, batches / 2, 0.5);
            double firstLoss = 0, lastLoss = 0;
            for (int b = 0; b < batches; b++)
            {
                var batch = train.Batch(b * BatchSize, BatchSize);
                float loss = net.Train(batch.Features, batch.Labels, (float)schedule.Rate(b));
                Assert.True(float.IsFinite(loss), $"loss {loss} at batch {b}");
                if (b < 100)
                {
                    firstLoss += loss;
                }
                else if (b >= batches - 100)
                {
                    lastLoss += loss;
                }
            }

            Assert.True(lastLoss < firstLoss / 3, $"training loss fell only from {firstLoss / 100} to {lastLoss / 100}");

            var confusion = new ConfusionMatrix(Mnist.ClassCount);
            for (int i = 0; i < test.Count; i++)
            {
                confusion.Add(test.Label(i), net.Classify(test.Features(i)));
            }

            _output.WriteLine($"test accuracy after one epoch: {confusion.Accuracy:P2}");
            Assert.True(confusion.Accuracy >= 0.96, $"test accuracy {confusion.Accuracy:P2} after one epoch, expected at least 96%");
        }

        /// <summary>data/mnist of the repository: the folder holding NetGen.sln, found from the test binaries upwards.</summary>
        private static string BundledMnist()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NetGen.sln")))
                {
                    return Path.Combine(dir.FullName, "data", "mnist");
                }
            }

            throw new DirectoryNotFoundException($"no NetGen.sln above {AppContext.BaseDirectory}");
        }
    }
}
