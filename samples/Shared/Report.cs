using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Training;
using ScottPlot;
using Spectre.Console;

namespace NetGen.Samples
{
    /// <summary>Tables for the console and the loss/accuracy curve as a PNG.</summary>
    internal static class Report
    {
        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        public static Table Summary(IReadOnlyList<EpochMetrics> epochs)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("training summary");
            table.AddColumn(new TableColumn("epoch").RightAligned());
            table.AddColumn(new TableColumn("last lr η_k").RightAligned());
            table.AddColumn(new TableColumn("train loss").RightAligned());
            table.AddColumn(new TableColumn("test loss").RightAligned());
            table.AddColumn(new TableColumn("test accuracy").RightAligned());
            table.AddColumn(new TableColumn("seconds").RightAligned());
            foreach (var e in epochs)
            {
                table.AddRow(
                    e.Epoch.ToString(Invariant),
                    e.LearningRate.ToString("G4", Invariant),
                    e.TrainLoss.ToString("F4", Invariant),
                    e.ValidationLoss.ToString("F4", Invariant),
                    Percent(e.ValidationAccuracy),
                    e.Seconds.ToString("F1", Invariant));
            }

            return table;
        }

        public static Table Confusion(ConfusionMatrix m, IReadOnlyList<string> classNames)
        {
            var table = new Table().Border(TableBorder.Simple)
                .Title($"confusion matrix, test set (rows: true, columns: predicted), accuracy {Percent(m.Accuracy)}");
            table.AddColumn(new TableColumn(string.Empty).PadLeft(0).PadRight(1));
            for (int p = 0; p < m.Classes; p++)
            {
                table.AddColumn(new TableColumn(Markup.Escape(classNames[p])).RightAligned().PadLeft(1).PadRight(0));
            }

            table.AddColumn(new TableColumn("recall").RightAligned().PadLeft(2).PadRight(0));
            for (int a = 0; a < m.Classes; a++)
            {
                var cells = new List<string> { Markup.Escape(classNames[a]) };
                for (int p = 0; p < m.Classes; p++)
                {
                    int count = m[a, p];
                    string text = count.ToString(Invariant);
                    cells.Add(a == p ? $"[green]{text}[/]" : count == 0 ? $"[grey]{text}[/]" : $"[red]{text}[/]");
                }

                cells.Add(Percent(m.Recall(a)));
                table.AddRow(cells.ToArray());
            }

            return table;
        }

        /// <summary>Training loss along the epochs, test loss and test accuracy after each epoch.</summary>
        public static void SaveCurve(string path, string title, IReadOnlyList<(double Epoch, double Loss)> trainCurve, IReadOnlyList<EpochMetrics> epochs)
        {
            var plot = new Plot();
            plot.Font.Automatic();
            plot.Title(title);
            plot.XLabel("epoch");
            plot.Axes.Left.Label.Text = "cross-entropy loss";
            plot.Axes.Right.Label.Text = "test accuracy (%)";

            var train = plot.Add.ScatterLine(trainCurve.Select(p => p.Epoch).ToArray(), trainCurve.Select(p => p.Loss).ToArray());
            train.LegendText = "training loss (running mean)";
            train.Color = Colors.SteelBlue;
            train.LineWidth = 2;

            double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
            var test = plot.Add.Scatter(x, epochs.Select(e => e.ValidationLoss).ToArray());
            test.LegendText = "test loss";
            test.Color = Colors.DarkOrange;
            test.LineWidth = 2;
            test.MarkerSize = 8;

            double[] accuracy = epochs.Select(e => 100 * e.ValidationAccuracy).ToArray();
            var acc = plot.Add.Scatter(x, accuracy);
            acc.LegendText = "test accuracy (right axis)";
            acc.Color = Colors.ForestGreen;
            acc.LineWidth = 2;
            acc.MarkerSize = 8;
            acc.LinePattern = LinePattern.Dashed;
            acc.Axes.YAxis = plot.Axes.Right;

            double maxLoss = Math.Max(trainCurve.Max(p => p.Loss), epochs.Max(e => e.ValidationLoss));
            plot.Axes.SetLimitsX(0, epochs.Count + 0.1);
            plot.Axes.SetLimitsY(0, maxLoss * 1.05, plot.Axes.Left);
            double low = Math.Floor(accuracy.Min() - 1);
            plot.Axes.SetLimitsY(low, 100, plot.Axes.Right);
            plot.ShowLegend(Alignment.MiddleRight);
            plot.SavePng(path, 1000, 600);
        }

        public static string Percent(double fraction) => (100 * fraction).ToString("F2", Invariant) + "%";
    }
}
