// Trains the lecture's 784-128-64-10 ReLU network on MNIST with mini-batch SGD and a step-dependent learning rate,
// evaluates on the 10,000 test images after every epoch, and writes the model (safetensors) and a loss/accuracy plot.
// Run: dotnet run --project samples/Mnist -c Release            (--help for the options)
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen.Data;
using NetGen.Training;
using Spectre.Console;

namespace NetGen.Samples.Mnist
{
    internal sealed record Settings(
        int Epochs, int BatchSize, double LearningRate, string Schedule, int Seed, string Dataset, string? Data, string? Output, string? Model);

    internal static class Program
    {
        /// <summary>Step decay: the rate is multiplied by <see cref="StepGamma"/> every <see cref="StepEpochs"/> epochs.</summary>
        private const int StepEpochs = 2;
        private const double StepGamma = 0.5;

        /// <summary>Inverse time: η_k = η0 / (1 + k / τ) with τ = <see cref="InverseTimeEpochs"/> epochs' worth of steps.</summary>
        private const int InverseTimeEpochs = 2;

        private static readonly string[] Digits = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
        private static readonly string[] Fashion = { "tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot" };
        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        /// <summary>The default η0 at batch 32 and above; smaller batches get η0 scaled by √(batch / 32) (0.018 at batch 1).</summary>
        private const double DefaultLearningRate = 0.1;
        private const int DefaultRateBatch = 32;

        /// <summary>A final test accuracy below this (chance is 10 %) means the network did not learn.</summary>
        private const double ChanceAccuracy = 0.2;

        /// <summary>Exit codes of a run that trained but failed: diverged (a non-finite loss) or stuck near chance.</summary>
        private const int ExitDiverged = 2;
        private const int ExitStuck = 3;

        public static int Main(string[] args)
        {
            var epochs = new Option<int>("--epochs") { Description = "Number of passes over the 60,000 training images", DefaultValueFactory = _ => 8 };
            var batchSize = new Option<int>("--batch-size") { Description = "Examples per SGD step", DefaultValueFactory = _ => 32 };
            var learningRate = new Option<double?>("--learning-rate", "--lr")
            {
                Description = $"Initial learning rate η0 (default {DefaultLearningRate.ToString(CultureInfo.InvariantCulture)} for batches of {DefaultRateBatch} or more, scaled by √(batch/{DefaultRateBatch}) below)",
            };
            var schedule = new Option<string>("--schedule")
            {
                Description = $"Learning rate η_k at step k: step (η0 halved every {StepEpochs} epochs), inverse-time (η0/(1 + k/τ), τ = {InverseTimeEpochs} epochs of steps) or constant",
                DefaultValueFactory = _ => "step",
            };
            schedule.AcceptOnlyFromAmong("step", "inverse-time", "constant");
            var seed = new Option<int>("--seed") { Description = "Seed of the initialization and of the shuffles", DefaultValueFactory = _ => 1 };
            var dataset = new Option<string>("--dataset") { Description = "mnist or fashion (Fashion-MNIST)", DefaultValueFactory = _ => "mnist" };
            dataset.AcceptOnlyFromAmong("mnist", "fashion");
            var data = new Option<string?>("--data")
            {
                Description = "Folder with the four IDX files (raw or .gz). Default: the repository's data/mnist, else NetGen's data cache; "
                    + $"for fashion {DataLocator.DebianFashionMnist} when present",
            };
            var output = new Option<string?>("--output", "-o") { Description = "Folder for model.safetensors and the plot (default: artifacts/<dataset> under the current folder)" };
            var model = new Option<string?>("--model") { Description = "Evaluate this safetensors model on the test set instead of training" };

            epochs.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--epochs must be at least 1."); } });
            batchSize.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--batch-size must be at least 1."); } });
            learningRate.Validators.Add(r =>
            {
                double? v = r.GetValueOrDefault<double?>();
                if (v is { } rate && (!(rate > 0) || double.IsInfinity(rate)))
                {
                    r.AddError("--learning-rate must be a positive number.");
                }
            });

            var root = new RootCommand("Trains NetGen's 784-128-64-10 MNIST network and evaluates it on the test set after every epoch.")
            {
                epochs, batchSize, learningRate, schedule, seed, dataset, data, output, model,
            };
            root.SetAction(parse => Run(new Settings(
                parse.GetValue(epochs),
                parse.GetValue(batchSize),
                parse.GetValue(learningRate) ?? DefaultRate(parse.GetValue(batchSize)),
                parse.GetValue(schedule)!,
                parse.GetValue(seed),
                parse.GetValue(dataset)!,
                parse.GetValue(data),
                parse.GetValue(output),
                parse.GetValue(model))));
            return root.Parse(args).Invoke();
        }

        /// <summary>η0 when --learning-rate is not given: the noise of a step grows as the batch shrinks, so the rate shrinks with it.</summary>
        internal static double DefaultRate(int batchSize) =>
            batchSize >= DefaultRateBatch ? DefaultLearningRate : DefaultLearningRate * Math.Sqrt((double)batchSize / DefaultRateBatch);

        private static int Run(Settings s)
        {
            try
            {
                return s.Model is null ? Train(s) : Evaluate(s, s.Model);
            }
            catch (NonFiniteException e)
            {
                // Train refused a step whose loss or gradient was NaN or ±∞: the run diverged.
                Console.Error.WriteLine("error: training diverged: " + OneLine(e.Message) + $" Try a smaller --learning-rate than {s.LearningRate.ToString("G4", Invariant)}.");
                return ExitDiverged;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // DataFormatException, FileNotFoundException and DirectoryNotFoundException are IOExceptions;
                // a malformed or mismatching model file is an InvalidDataException.
                Console.Error.WriteLine("error: " + OneLine(e.Message));
                return 1;
            }
        }

        private static int Train(Settings s)
        {
            var wall = Stopwatch.StartNew();
            Console.WriteLine(MnistNet.Topology);
            var (train, test, name, classes) = LoadData(s);
            int batchesPerEpoch = train.BatchCount(s.BatchSize);
            var (scheduleText, rates) = Schedule(s, batchesPerEpoch);
            string outputDir = Path.GetFullPath(s.Output ?? Path.Combine("artifacts", s.Dataset == "fashion" ? "fashion-mnist" : "mnist"));
            Console.WriteLine(
                $"{s.Epochs} epochs × {batchesPerEpoch:N0} mini-batches of {s.BatchSize}, learning rate {scheduleText}, seed {s.Seed}");

            var net = new MnistNet();
            net.InitializeParameters(s.Seed);
            var trainer = new Trainer(net, train, test, s.BatchSize, s.Seed, rates);
            var results = new List<EpochResult>();

            bool live = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
            if (live)
            {
                AnsiConsole.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(ctx =>
                    {
                        for (int epoch = 1; epoch <= s.Epochs; epoch++)
                        {
                            var task = ctx.AddTask(Markup.Escape($"epoch {epoch}/{s.Epochs}"), maxValue: train.Count);
                            var result = trainer.RunEpoch(epoch, p =>
                            {
                                task.Value = p.Samples;
                                task.Description = Markup.Escape(Progress(p, s.Epochs));
                            });
                            task.Description = Markup.Escape(EpochLine(result, s.Epochs));
                            task.StopTask();
                            results.Add(result);
                        }
                    });
            }
            else
            {
                // Not a terminal (CI, a pipe, a file): one plain line per epoch instead of a live display.
                for (int epoch = 1; epoch <= s.Epochs; epoch++)
                {
                    var result = trainer.RunEpoch(epoch, _ => { });
                    Console.WriteLine(EpochLine(result, s.Epochs));
                    results.Add(result);
                }
            }

            AnsiConsole.WriteLine();
            AnsiConsole.Write(Report.Summary(results));
            AnsiConsole.Write(Report.Confusion(results[^1].Test.Confusion, classes));

            Directory.CreateDirectory(outputDir);
            string modelPath = Path.Combine(outputDir, "model.safetensors");
            net.Save(modelPath);
            string plotPath = Path.Combine(outputDir, "training-curve.png");
            Report.SaveCurve(
                plotPath,
                $"{name}: 784-128-64-10 ReLU, SGD batch {s.BatchSize}, lr {scheduleText}",
                trainer.LossCurve,
                results);

            Console.WriteLine($"model:  {modelPath}");
            Console.WriteLine($"plot:   {plotPath}");
            Console.WriteLine(
                $"test accuracy {Report.Percent(results[^1].Test.Accuracy)} after {s.Epochs} epochs; wall time {wall.Elapsed.TotalSeconds:F1} s");
            if (results[^1].Test.Accuracy < ChanceAccuracy)
            {
                Console.Error.WriteLine(
                    $"error: the network did not learn: test accuracy {Report.Percent(results[^1].Test.Accuracy)} is near chance (10 %). "
                    + $"The learning rate {s.LearningRate.ToString("G4", Invariant)} is probably too large for batches of {s.BatchSize} (its ReLUs died) or too small; try another --learning-rate.");
                return ExitStuck;
            }

            return 0;
        }

        private static int Evaluate(Settings s, string modelPath)
        {
            Console.WriteLine(MnistNet.Topology);
            var net = new MnistNet();
            net.Load(modelPath);
            Console.WriteLine($"model: {Path.GetFullPath(modelPath)}");
            var (_, test, _, classes) = LoadData(s);
            var clock = Stopwatch.StartNew();
            var result = Evaluation.Run(net, test);
            Console.WriteLine(
                $"test accuracy {Report.Percent(result.Accuracy)} ({result.Confusion.Correct:N0} of {result.Confusion.Total:N0}), "
                + $"test loss {result.Loss.ToString("F4", Invariant)}, {clock.Elapsed.TotalSeconds:F2} s");
            AnsiConsole.Write(Report.Confusion(result.Confusion, classes));
            return 0;
        }

        private static (Dataset Train, Dataset Test, string Name, string[] Classes) LoadData(Settings s)
        {
            string dir = s.Data ?? DataLocator.DefaultDirectory(s.Dataset);
            bool fashion = s.Dataset == "fashion";
            if (!Directory.Exists(dir))
            {
                throw new DirectoryNotFoundException(
                    $"data folder {dir} does not exist; pass --data with a folder holding the four {(fashion ? "Fashion-MNIST" : "MNIST")} IDX files.");
            }

            var (train, test) = fashion ? FashionMnist.Load(dir) : NetGen.Data.Mnist.Load(dir);
            string name = fashion ? "Fashion-MNIST" : "MNIST";
            Console.WriteLine($"data: {name} from {Path.GetFullPath(dir)}: {train.Count:N0} training, {test.Count:N0} test images");
            return (train, test, name, fashion ? Fashion : Digits);
        }

        private static (string Text, LearningRateSchedule Schedule) Schedule(Settings s, int batchesPerEpoch)
        {
            string eta = s.LearningRate.ToString("G4", Invariant);
            return s.Schedule switch
            {
                "constant" => (eta + " constant", LearningRateSchedule.Constant(s.LearningRate)),
                "inverse-time" => (
                    $"{eta}/(1 + k/{InverseTimeEpochs * batchesPerEpoch})",
                    LearningRateSchedule.InverseTime(s.LearningRate, (double)InverseTimeEpochs * batchesPerEpoch)),
                _ => (
                    $"{eta} ×{StepGamma.ToString(Invariant)} every {StepEpochs} epochs",
                    LearningRateSchedule.StepDecay(s.LearningRate, (long)StepEpochs * batchesPerEpoch, StepGamma)),
            };
        }

        private static string Progress(EpochProgress p, int epochs) =>
            string.Format(
                Invariant,
                "epoch {0}/{1}  loss {2:F4}  train acc {3:F2}%  {4,7:N0} samples/s",
                p.Epoch, epochs, p.Loss, 100 * p.Accuracy, p.SamplesPerSecond);

        private static string EpochLine(EpochResult r, int epochs) =>
            string.Format(
                Invariant,
                "epoch {0}/{1}  loss {2:F4}  train acc {3:F2}%  {4,7:N0} samples/s  test loss {5:F4}  test acc {6:F2}%  {7:F1} s",
                r.Epoch, epochs, r.TrainLoss, 100 * r.TrainAccuracy, r.SamplesPerSecond, r.Test.Loss, 100 * r.Test.Accuracy, r.Seconds);

        private static string OneLine(string message) =>
            string.Join(' ', message.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
