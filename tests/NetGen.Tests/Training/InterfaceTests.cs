using System;
using NetGen.Tests.Recurrent;
using Xunit;

namespace NetGen.Tests.Training
{
    /// <summary>Every generated network implements the interface of its head's flavour, with the generated sizes.</summary>
    public class InterfaceTests
    {
        private static (int Input, int Output, int Parameters, int State, int Targets) Sizes<TNet, T, TTarget>()
            where TNet : class, ITrainable<TNet, T, TTarget>
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
            where TTarget : unmanaged =>
            (TNet.InputSize, TNet.OutputSize, TNet.ParameterCount, TNet.OptimizerStateSize, TNet.TargetsPerExample);

        private static int Classes<TNet>()
            where TNet : class, IClassifier<TNet, double> => TNet.ClassCount;

        [Fact]
        public void ClassifiersAndRegressorsReportTheGeneratedSizes()
        {
            Assert.Equal((784, 10, MnistNet.ParameterCount, 0, 1), Sizes<MnistNet, float, int>());
            Assert.Equal((2, 3, BlobAdam.ParameterCount, 2 * BlobAdam.ParameterCount, 1), Sizes<BlobAdam, float, int>());
            Assert.Equal(BlobMomentum.ParameterCount, BlobMomentum.OptimizerStateSize);
            Assert.Equal((3, 2, Regression.ParameterCount, 0, 2), Sizes<Regression, double, double>());
            Assert.Equal((5, 4, MultiLabel.ParameterCount, 0, 4), Sizes<MultiLabel, double, double>());
        }

        [Fact]
        public void ManyToManySequenceNetworksTakeOneLabelPerStep()
        {
            // RnnToManyLabels: T = 4 steps of 3 values, 3 classes at every step.
            Assert.Equal((12, 12, RnnToManyLabels.ParameterCount, 0, 4), Sizes<RnnToManyLabels, double, int>());
            Assert.Equal(3, Classes<RnnToManyLabels>());
            Assert.Equal(3, Classes<Linear4x3>());
            Assert.Equal((10, 15, GruToManyRegression.ParameterCount, 0, 15), Sizes<GruToManyRegression, double, double>());
        }

        [Fact]
        public void TheSummaryDescribesEveryLayerAndTheTotals()
        {
            string summary = MnistNet.Summary;
            Assert.Contains("Linear(784, 128), ReLU", summary, StringComparison.Ordinal);
            Assert.Contains("100,480", summary, StringComparison.Ordinal);
            Assert.Contains("Parameters: 109,386 (437,544 bytes)", summary, StringComparison.Ordinal);
            Assert.Contains("forward 218,368", summary, StringComparison.Ordinal);
            Assert.Equal(summary, Summary<MnistNet>());
            Assert.Contains("optimizer state: " + (2 * BlobAdam.ParameterCount * 4).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " bytes", BlobAdam.Summary, StringComparison.Ordinal);
            Assert.Contains("[4, 3]", RnnToManyLabels.Summary, StringComparison.Ordinal);
        }

        /// <summary>Image layers show C × H × W, as the header does, and the input its image.</summary>
        [Fact]
        public void TheSummaryShowsImagesAsChannelsRowsAndColumns()
        {
            string summary = Convolution.LeNet5.Summary;
            Assert.Contains("input [1, 28, 28]", summary, StringComparison.Ordinal);
            Assert.Contains("[6, 28, 28]", summary, StringComparison.Ordinal);
            Assert.Contains("[16, 5, 5]", summary, StringComparison.Ordinal);
            Assert.Contains("[400]", summary, StringComparison.Ordinal); // after [Flatten]
            Assert.DoesNotContain("[4704]", summary, StringComparison.Ordinal);
        }

        private static string Summary<TNet>()
            where TNet : class, INetwork<TNet, float> => TNet.Summary;

        [Fact]
        public void OptimizerStateAndStepCountRoundTrip()
        {
            var data = BlobData.Create(64, 1);
            var a = new BlobAdam();
            for (int i = 0; i < 5; i++)
            {
                a.Train(data.AllFeatures, data.Labels, 0.01f);
            }

            var b = new BlobAdam();
            a.Parameters.CopyTo(b.Parameters);
            a.OptimizerState.CopyTo(b.OptimizerState);
            b.StepCount = a.StepCount;
            a.Train(data.AllFeatures, data.Labels, 0.01f);
            b.Train(data.AllFeatures, data.Labels, 0.01f);
            Assert.True(a.Parameters.SequenceEqual(b.Parameters));
            Assert.True(a.OptimizerState.SequenceEqual(b.OptimizerState));
            Assert.NotEqual(0f, a.OptimizerState[a.OptimizerState.Length - 1]);

            // Without the moments the next step differs: the state is what Adam's step reads.
            var c = new BlobAdam();
            b.Parameters.CopyTo(c.Parameters);
            c.StepCount = b.StepCount;
            c.Train(data.AllFeatures, data.Labels, 0.01f);
            b.Train(data.AllFeatures, data.Labels, 0.01f);
            Assert.False(b.Parameters.SequenceEqual(c.Parameters));

            Assert.Throws<ArgumentOutOfRangeException>(() => a.StepCount = -1);
            Assert.True(new BlobSgd().OptimizerState.IsEmpty);
            a.ResetOptimizer();
            Assert.Equal(0, a.StepCount);
            Assert.True(a.OptimizerState.IndexOfAnyExcept(0f) < 0);
        }
    }
}
