using System;
using System.IO;
using System.Linq;
using NetGen.Data;
using NetGen.Reporting;
using NetGen.Training;
using Spectre.Console.Testing;
using Xunit;

namespace NetGen.Console.Tests
{
    [Network(Optimizer = Optimizer.Adam)]
    [Dense(2, 8)][Tanh]
    [Dense(8, 2)][Softmax]
    public partial class Xor { }

    public sealed class ConsoleTrainingTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "netgen-console-" + Guid.NewGuid().ToString("N"));

        public ConsoleTrainingTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        /// <summary>Points around the four corners of the square, labelled by XOR of their signs.</summary>
        private static Dataset Data(int count, int seed)
        {
            var random = new Random(seed);
            var x = new float[count * 2];
            var y = new int[count];
            for (int i = 0; i < count; i++)
            {
                int a = random.Next(2), b = random.Next(2);
                x[2 * i] = (a * 2) - 1 + (float)(0.2 * (random.NextDouble() - 0.5));
                x[(2 * i) + 1] = (b * 2) - 1 + (float)(0.2 * (random.NextDouble() - 0.5));
                y[i] = a ^ b;
            }

            return new Dataset(x, y, 2, 2);
        }

        private static TrainerOptions Options => new() { Epochs = 4, BatchSize = 8, Seed = 1, LearningRate = LearningRateSchedule.Constant(0.05) };

        [Fact]
        public void ARedirectedConsoleGetsOneLinePerEpochAndTheSummary()
        {
            var console = new TestConsole().Width(60); // narrower than an epoch's line, which is not wrapped
            var curve = new LossCurve();
            TrainingResult result = ConsoleTraining.Fit(new Xor(), Data(400, 1), Options, Data(100, 2), curve, console);
            string[] lines = console.Output.Split('\n');
            Assert.Equal(4, lines.Count(l => l.StartsWith("epoch ", StringComparison.Ordinal)));
            Assert.Contains(lines, l => l.StartsWith("epoch 4/4  loss ", StringComparison.Ordinal) && l.Contains("validation acc", StringComparison.Ordinal));
            Assert.Contains("training summary", console.Output, StringComparison.Ordinal);
            Assert.Contains(TrainingReport.Percent(result.Last!.ValidationAccuracy), console.Output, StringComparison.Ordinal);
            Assert.InRange(curve.Points.Count, 4 * 15, 4 * 20); // a point when a twentieth of an epoch has passed, at a report, and at each epoch's end
            Assert.Equal(4.0, curve.Points[^1].Epoch);
        }

        [Fact]
        public void AnInteractiveConsoleGetsALiveBarPerEpoch()
        {
            var console = new TestConsole().Width(200).Interactive();
            ConsoleTraining.Fit(new Xor(), Data(400, 1), Options, Data(100, 2), console: console);
            Assert.Contains("epoch 4/4", console.Output, StringComparison.Ordinal);
            Assert.True(console.Output.Contains("100%", StringComparison.Ordinal), console.Output);
            Assert.Contains("training summary", console.Output, StringComparison.Ordinal);
        }

        [Fact]
        public void TheConfusionTableAndThePlot()
        {
            var net = new Xor();
            TrainingResult result = ConsoleTraining.Fit(net, Data(400, 1), Options, Data(100, 2), console: new TestConsole());
            Evaluation evaluation = Evaluation.Run(net, Data(100, 2));
            var console = new TestConsole();
            console.Write(TrainingReport.Confusion(evaluation.Confusion!, new[] { "same", "differ" }));
            Assert.Contains("differ", console.Output, StringComparison.Ordinal);
            Assert.Contains(evaluation.Confusion![1, 1].ToString(System.Globalization.CultureInfo.InvariantCulture), console.Output, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => TrainingReport.Confusion(evaluation.Confusion, new[] { "one" }));

            string png = Path.Combine(_dir, "curve.png");
            TrainingPlot.Save(png, "xor", result.History);
            byte[] bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 1000);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes.Take(4));
            Assert.Single(Directory.GetFiles(_dir));
        }
    }
}
