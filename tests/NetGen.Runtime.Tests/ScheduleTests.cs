using System;
using NetGen.Training;
using Xunit;

namespace NetGen.Runtime.Tests
{
    public class ScheduleTests
    {
        private const int Precision = 12;

        [Fact]
        public void Constant_IsConstant()
        {
            var s = LearningRateSchedule.Constant(0.1);
            Assert.Equal(0.1, s.Rate(0));
            Assert.Equal(0.1, s.Rate(1_000_000));
        }

        [Fact]
        public void StepDecay_MatchesStepLR()
        {
            var s = LearningRateSchedule.StepDecay(0.1, 3, 0.5);
            double[] expected = { 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125 };
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], s.Rate(k), Precision);
            }
        }

        [Fact]
        public void Exponential_IsGeometric()
        {
            var s = LearningRateSchedule.Exponential(2.0, 0.5);
            Assert.Equal(2.0, s.Rate(0), Precision);
            Assert.Equal(1.0, s.Rate(1), Precision);
            Assert.Equal(0.5, s.Rate(2), Precision);
            Assert.Equal(2.0 / 1024, s.Rate(10), Precision);
        }

        [Fact]
        public void InverseTime_HalvesAfterTau()
        {
            var s = LearningRateSchedule.InverseTime(0.3, 10);
            Assert.Equal(0.3, s.Rate(0), Precision);
            Assert.Equal(0.3 / 1.5, s.Rate(5), Precision); // 0.2
            Assert.Equal(0.15, s.Rate(10), Precision);
            Assert.Equal(0.1, s.Rate(20), Precision);
        }

        [Fact]
        public void Cosine_HandComputedValues()
        {
            var s = LearningRateSchedule.Cosine(1.0, 4, 0.2);
            // ηmin + (η0 − ηmin)(1 + cos(πk/4))/2 with η0 − ηmin = 0.8
            Assert.Equal(1.0, s.Rate(0), Precision);
            Assert.Equal(0.2 + (0.4 * (1 + (Math.Sqrt(2) / 2))), s.Rate(1), Precision); // ≈ 0.882843
            Assert.Equal(0.6, s.Rate(2), Precision);
            Assert.Equal(0.2 + (0.4 * (1 - (Math.Sqrt(2) / 2))), s.Rate(3), Precision); // ≈ 0.317157
            Assert.Equal(0.2, s.Rate(4), Precision);
            Assert.Equal(0.2, s.Rate(5), Precision); // clamped, no restart
            Assert.Equal(0.2, s.Rate(1000), Precision);
        }

        [Fact]
        public void Cosine_DefaultMinimumIsZero()
        {
            var s = LearningRateSchedule.Cosine(0.5, 2);
            Assert.Equal(0.5, s.Rate(0), Precision);
            Assert.Equal(0.25, s.Rate(1), Precision);
            Assert.Equal(0.0, s.Rate(2), Precision);
        }

        [Fact]
        public void LinearWarmup_RampsThenShiftsInnerClock()
        {
            var inner = LearningRateSchedule.StepDecay(0.8, 2, 0.5);
            var s = LearningRateSchedule.LinearWarmup(inner, 4);
            Assert.Equal(0.2, s.Rate(0), Precision);
            Assert.Equal(0.4, s.Rate(1), Precision);
            Assert.Equal(0.6, s.Rate(2), Precision);
            Assert.Equal(0.8, s.Rate(3), Precision);
            Assert.Equal(0.8, s.Rate(4), Precision); // inner(0)
            Assert.Equal(0.8, s.Rate(5), Precision); // inner(1)
            Assert.Equal(0.4, s.Rate(6), Precision); // inner(2)
        }

        [Fact]
        public void NegativeStep_Throws()
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant(1).Rate(-1));
            Assert.Equal("step", e.ParamName);
            Assert.Contains("-1", e.Message);
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(-0.1)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        public void BadInitialRate_Throws(double rate)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant(rate));
            Assert.Equal("initialRate", e.ParamName);
        }

        [Fact]
        public void BadArguments_NameParameterAndValue()
        {
            var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.StepDecay(0.1, 0, 0.5));
            Assert.Equal("stepSize", e1.ParamName);
            Assert.Contains("was 0", e1.Message);

            var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Exponential(0.1, 1.5));
            Assert.Equal("gamma", e2.ParamName);
            Assert.Contains("1.5", e2.Message);

            var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.InverseTime(0.1, -2));
            Assert.Equal("tau", e3.ParamName);
            Assert.Contains("-2", e3.Message);

            var e4 = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(0.1, 0));
            Assert.Equal("totalSteps", e4.ParamName);

            var e5 = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(0.1, 10, 0.2));
            Assert.Equal("minimumRate", e5.ParamName);
            Assert.Contains("0.2", e5.Message);

            var e6 = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.LinearWarmup(LearningRateSchedule.Constant(1), 0));
            Assert.Equal("warmupSteps", e6.ParamName);

            Assert.Throws<ArgumentNullException>(() => LearningRateSchedule.LinearWarmup(null!, 3));
        }
    }

    public class MetricsTests
    {
        [Fact]
        public void Accuracy_CountsMatches()
        {
            Assert.Equal(0.75, Metrics.Accuracy(new[] { 0, 1, 2, 3 }, new[] { 0, 1, 2, 0 }));
            Assert.Equal(0.0, Metrics.Accuracy(new[] { 1 }, new[] { 0 }));
        }

        [Fact]
        public void Accuracy_RejectsMismatchedOrEmpty()
        {
            Assert.Throws<ArgumentException>(() => Metrics.Accuracy(new[] { 0, 1 }, new[] { 0 }));
            Assert.Throws<ArgumentException>(() => Metrics.Accuracy(ReadOnlySpan<int>.Empty, ReadOnlySpan<int>.Empty));
        }

        [Fact]
        public void ArgMax_FirstOnTies()
        {
            Assert.Equal(1, Metrics.ArgMax(new[] { 0.1f, 0.7f, 0.7f, 0.2f }));
            Assert.Equal(1, Metrics.ArgMax(new[] { float.NaN, 0.5f }));
            Assert.Throws<ArgumentException>(() => Metrics.ArgMax(ReadOnlySpan<float>.Empty));
        }

        [Fact]
        public void ConfusionMatrix_RowIsActual()
        {
            var m = new ConfusionMatrix(3);
            m.Add(0, 0);
            m.Add(0, 1);
            m.Add(1, 1);
            m.Add(2, 1);
            m.Add(new[] { 2, 2 }, new[] { 2, 0 });

            int[,] expected =
            {
                { 1, 1, 0 },
                { 0, 1, 0 },
                { 1, 1, 1 },
            };
            Assert.Equal(expected, m.ToArray());
            Assert.Equal(1, m[0, 1]);
            Assert.Equal(0, m[1, 0]);
            Assert.Equal(6, m.Total);
            Assert.Equal(3, m.Correct);
            Assert.Equal(0.5, m.Accuracy);
            Assert.Equal(0.5, m.Recall(0));       // row 0: 1 of 2
            Assert.Equal(1.0 / 3, m.Recall(2), 12); // row 2: 1 of 3
            Assert.Equal(1.0 / 3, m.Precision(1), 12); // column 1: 1 of 3
            Assert.Equal(0.5, m.Precision(0));    // column 0: 1 of 2

            m.Clear();
            Assert.Equal(0, m.Total);
            Assert.Equal(0, m[0, 0]);
            Assert.Equal(0.0, m.Accuracy);
        }

        [Fact]
        public void ConfusionMatrix_ValidatesClasses()
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix(0));
            Assert.Equal("classes", e.ParamName);

            var m = new ConfusionMatrix(2);
            var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(2, 0));
            Assert.Equal("actual", e2.ParamName);
            Assert.Contains("was 2", e2.Message);
            var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(0, -1));
            Assert.Equal("predicted", e3.ParamName);

            // A batch with a bad label adds nothing.
            Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(new[] { 0, 1 }, new[] { 0, 5 }));
            Assert.Equal(0, m.Total);
        }
    }
}
