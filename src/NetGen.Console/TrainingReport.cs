using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Training;
using ScottPlot;
using Spectre.Console;

namespace NetGen.Reporting
{
    /// <summary>Spectre.Console tables of a run: the per-epoch summary and the confusion matrix.</summary>
    public static class TrainingReport
    {
        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        /// <summary>One row per epoch: last learning rate, training loss, validation loss and accuracy (when measured), seconds.</summary>
        public static Table Summary(IReadOnlyList<EpochMetrics> epochs)
        {
            ArgumentNullException.ThrowIfNull(epochs);
            bool validation = epochs.Any(e => !double.IsNaN(e.ValidationLoss));
            bool accuracy = epochs.Any(e => !double.IsNaN(e.ValidationAccuracy));
            var table = new Table().Border(TableBorder.Rounded).Title("training summary");
            table.AddColumn(new TableColumn("epoch").RightAligned());
            table.AddColumn(new TableColumn("last lr η_k").RightAligned());
            table.AddColumn(new TableColumn("train loss").RightAligned());
            if (validation)
            {
                table.AddColumn(new TableColumn("validation loss").RightAligned());
            }

            if (accuracy)
            {
                table.AddColumn(new TableColumn("validation accuracy").RightAligned());
            }

            table.AddColumn(new TableColumn("seconds").RightAligned());
            foreach (EpochMetrics e in epochs)
            {
                var cells = new List<string> { e.Epoch.ToString(Invariant), e.LearningRate.ToString("G4", Invariant), e.TrainLoss.ToString("F4", Invariant) };
                if (validation)
                {
                    cells.Add(e.ValidationLoss.ToString("F4", Invariant));
                }

                if (accuracy)
                {
                    cells.Add(Percent(e.ValidationAccuracy));
                }

                cells.Add(e.Seconds.ToString("F1", Invariant));
                table.AddRow(cells.ToArray());
            }

            return table;
        }

        /// <summary>The confusion matrix (rows: true classes, columns: predicted), the diagonal green, errors red, with each class's recall.</summary>
        public static Table Confusion(ConfusionMatrix m, IReadOnlyList<string>? classNames = null, string title = "confusion matrix")
        {
            ArgumentNullException.ThrowIfNull(m);
            if (classNames is not null && classNames.Count != m.Classes)
            {
                throw new ArgumentException(string.Format(Invariant, "Expected {0} class names but got {1}.", m.Classes, classNames.Count), nameof(classNames));
            }

            string Name(int c) => classNames?[c] ?? c.ToString(Invariant);
            var table = new Table().Border(TableBorder.Simple)
                .Title(Markup.Escape($"{title} (rows: true, columns: predicted), accuracy {Percent(m.Accuracy)}"));
            table.AddColumn(new TableColumn(string.Empty).PadLeft(0).PadRight(1));
            for (int p = 0; p < m.Classes; p++)
            {
                table.AddColumn(new TableColumn(Markup.Escape(Name(p))).RightAligned().PadLeft(1).PadRight(0));
            }

            table.AddColumn(new TableColumn("recall").RightAligned().PadLeft(2).PadRight(0));
            for (int a = 0; a < m.Classes; a++)
            {
                var cells = new List<string> { Markup.Escape(Name(a)) };
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

        /// <summary>A fraction as a percentage with two decimals, e.g. "97.84%".</summary>
        public static string Percent(double fraction) => (100 * fraction).ToString("F2", Invariant) + "%";
    }

    /// <summary>The loss/accuracy plot of a run, as a PNG (ScottPlot).</summary>
    public static class TrainingPlot
    {
        /// <summary>
        /// Writes the training loss along the epochs (<paramref name="curve"/>, or the per-epoch means), the validation loss
        /// and, for a classifier, the validation accuracy on a right axis.
        /// </summary>
        public static void Save(string path, string title, IReadOnlyList<EpochMetrics> epochs, LossCurve? curve = null, int width = 1000, int height = 600)
        {
            ArgumentNullException.ThrowIfNull(path);
            ArgumentNullException.ThrowIfNull(epochs);
            if (epochs.Count == 0)
            {
                throw new ArgumentException("Expected at least one epoch to plot.", nameof(epochs));
            }

            IReadOnlyList<(double Epoch, double Loss)> points = curve is { Points.Count: > 0 } ? curve.Points : epochs.Select(e => ((double)e.Epoch, e.TrainLoss)).ToList();
            var plot = new Plot();
            plot.Font.Automatic();
            plot.Title(title);
            plot.XLabel("epoch");
            plot.Axes.Left.Label.Text = "loss";
            var train = plot.Add.ScatterLine(points.Select(p => p.Epoch).ToArray(), points.Select(p => p.Loss).ToArray());
            train.LegendText = curve is null ? "training loss (epoch mean)" : "training loss (running mean)";
            train.Color = Colors.SteelBlue;
            train.LineWidth = 2;

            double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
            double maxLoss = points.Max(p => p.Loss);
            if (epochs.Any(e => !double.IsNaN(e.ValidationLoss)))
            {
                var validation = plot.Add.Scatter(x, epochs.Select(e => e.ValidationLoss).ToArray());
                validation.LegendText = "validation loss";
                validation.Color = Colors.DarkOrange;
                validation.LineWidth = 2;
                validation.MarkerSize = 8;
                maxLoss = Math.Max(maxLoss, epochs.Max(e => e.ValidationLoss));
            }

            if (epochs.Any(e => !double.IsNaN(e.ValidationAccuracy)))
            {
                plot.Axes.Right.Label.Text = "validation accuracy (%)";
                double[] accuracy = epochs.Select(e => 100 * e.ValidationAccuracy).ToArray();
                var acc = plot.Add.Scatter(x, accuracy);
                acc.LegendText = "validation accuracy (right axis)";
                acc.Color = Colors.ForestGreen;
                acc.LineWidth = 2;
                acc.MarkerSize = 8;
                acc.LinePattern = LinePattern.Dashed;
                acc.Axes.YAxis = plot.Axes.Right;
                plot.Axes.SetLimitsY(Math.Floor(accuracy.Min() - 1), 100, plot.Axes.Right);
            }

            plot.Axes.SetLimitsX(0, epochs[epochs.Count - 1].Epoch + 0.1);
            plot.Axes.SetLimitsY(0, maxLoss * 1.05, plot.Axes.Left);
            plot.ShowLegend(Alignment.MiddleRight);
            // Atomic: a temporary file in the same folder, renamed over the target.
            byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
            string full = System.IO.Path.GetFullPath(path);
            string temporary = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                System.IO.File.WriteAllBytes(temporary, png);
                System.IO.File.Move(temporary, full, overwrite: true);
            }
            finally
            {
                System.IO.File.Delete(temporary);
            }
        }
    }
}
