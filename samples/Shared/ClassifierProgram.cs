// The command line, training loop display and reports that the MNIST samples share: a sample describes its network
// and its defaults in a ClassifierSample, and its Main calls ClassifierProgram.Run with it.
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen.Data;
using NetGen.Reporting;
using NetGen.Training;
using Spectre.Console;

namespace NetGen.Samples
{
    /// <summary>What differs between the MNIST samples: the network, the texts that name it and the default options.</summary>
    /// <param name="Description">The command's description for <c>--help</c>.</param>
    /// <param name="Topology">The first line of the output.</param>
    /// <param name="PlotModel">The network and optimizer in the plot's title, e.g. "784-128-64-10 ReLU, SGD".</param>
    /// <param name="ArtifactPrefix">Prefix of the default output folder: artifacts/{prefix}mnist or artifacts/{prefix}fashion-mnist.</param>
    /// <param name="Create">A new, untrained network.</param>
    /// <param name="Epochs">Default of <c>--epochs</c>.</param>
    /// <param name="BatchSize">Default of <c>--batch-size</c>.</param>
    /// <param name="LearningRate">Default of <c>--learning-rate</c>.</param>
    /// <param name="StepEpochs">The step schedule multiplies the rate by <paramref name="StepGamma"/> every this many epochs.</param>
    /// <param name="StepGamma">The step schedule's factor.</param>
    /// <param name="InverseTimeEpochs">The inverse-time schedule's τ, in epochs' worth of steps.</param>
    /// <param name="DefaultDataset">Default of <c>--dataset</c>: mnist or fashion.</param>
    /// <param name="DefaultSchedule">Default of <c>--schedule</c>: step, inverse-time, cosine or constant.</param>
    /// <param name="WarmupEpochs">The cosine schedule's linear warm-up, in epochs.</param>
    /// <param name="Standardize">
    /// Sets the network's Standardization: when given, the features are standardized with the training set's global mean and
    /// deviation, which the model file keeps (and --model applies to the test set).
    /// </param>
    /// <param name="Configure">Sets the network's hyperparameters (weight decay, momentum) before training; null: PyTorch's defaults.</param>
    /// <param name="Augment">The augmentation of the training batches, given the background value of an image (after standardization); null: none.</param>
    /// <param name="SetThreads">Sets the network's TrainingThreads; when given, the sample has <c>--threads</c> (default: the processor count, at most 8).</param>
    internal sealed record ClassifierSample<TNet>(
        string Description,
        string Topology,
        string PlotModel,
        string ArtifactPrefix,
        Func<TNet> Create,
        int Epochs,
        int BatchSize,
        double LearningRate,
        int StepEpochs,
        double StepGamma,
        int InverseTimeEpochs,
        string DefaultDataset = "mnist",
        string DefaultSchedule = "step",
        double WarmupEpochs = 1,
        Action<TNet, Standardization>? Standardize = null,
        Action<TNet>? Configure = null,
        Func<float, Augmentation>? Augment = null,
        Action<TNet, int>? SetThreads = null);

    internal sealed record Settings(
        int Epochs, int BatchSize, double LearningRate, string Schedule, int Seed, string Dataset, string? Data, string? Output, string? Model, bool Download, int Threads);

    internal static class ClassifierProgram
    {
        private static readonly string[] Digits = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
        private static readonly string[] Fashion = { "tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot" };
        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        /// <summary>A final test accuracy below this (chance is 10 %) means the network did not learn.</summary>
        private const double ChanceAccuracy = 0.2;

        /// <summary>Exit codes of a run that trained but failed: diverged (a non-finite loss) or stuck near chance.</summary>
        private const int ExitDiverged = 2;
        private const int ExitStuck = 3;

        public static int Run<TNet>(ClassifierSample<TNet> sample, string[] args)
            where TNet : class, IClassifier<TNet, float>
        {
            var epochs = new Option<int>("--epochs") { Description = "Number of passes over the 60,000 training images", DefaultValueFactory = _ => sample.Epochs };
            var batchSize = new Option<int>("--batch-size") { Description = "Examples per optimizer step", DefaultValueFactory = _ => sample.BatchSize };
            var learningRate = new Option<double?>("--learning-rate", "--lr")
            {
                Description = $"Initial learning rate η0 (default {sample.LearningRate.ToString(Invariant)} for batches of {sample.BatchSize} or more, scaled by √(batch/{sample.BatchSize}) below)",
            };
            var schedule = new Option<string>("--schedule")
            {
                Description = $"Learning rate η_k at step k: step (η0 ×{sample.StepGamma.ToString(Invariant)} every {Epochs(sample.StepEpochs)}), "
                    + $"inverse-time (η0/(1 + k/τ), τ = {sample.InverseTimeEpochs} epoch{(sample.InverseTimeEpochs == 1 ? string.Empty : "s")} of steps), "
                    + $"cosine (a linear warm-up over {sample.WarmupEpochs.ToString(Invariant)} epoch, then η0·(1 + cos πk/K)/2 down to 0 at the last step) or constant",
                DefaultValueFactory = _ => sample.DefaultSchedule,
            };
            schedule.AcceptOnlyFromAmong("step", "inverse-time", "cosine", "constant");
            var seed = new Option<int>("--seed") { Description = "Seed of the initialization and of the shuffles", DefaultValueFactory = _ => 1 };
            var dataset = new Option<string>("--dataset") { Description = "mnist or fashion (Fashion-MNIST)", DefaultValueFactory = _ => sample.DefaultDataset };
            dataset.AcceptOnlyFromAmong("mnist", "fashion");
            var data = new Option<string?>("--data")
            {
                Description = "Folder with the four IDX files (raw or .gz). Default: the repository's data/mnist, else NetGen's data cache; "
                    + $"for fashion {DataLocator.DebianFashionMnist} when present",
            };
            var output = new Option<string?>("--output", "-o")
            {
                Description = $"Folder for model.safetensors and the plot (default: artifacts/{sample.ArtifactPrefix}<dataset> under the current folder)",
            };
            var model = new Option<string?>("--model") { Description = "Evaluate this safetensors model on the test set instead of training" };
            var threads = new Option<int>("--threads")
            {
                Description = "Threads a training step may use (TrainingThreads); the results are the same for every count",
                DefaultValueFactory = _ => Math.Min(Environment.ProcessorCount, 8),
            };
            threads.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 64) { r.AddError("--threads must be 1 to 64."); } });
            var download = new Option<bool>("--download")
            {
                Description = "When the data is not found, download the four files into NetGen's data cache (each checked by its SHA-256)",
            };

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

            var root = new RootCommand(sample.Description)
            {
                epochs, batchSize, learningRate, schedule, seed, dataset, data, output, model, download,
            };
            if (sample.SetThreads is not null)
            {
                root.Options.Add(threads);
            }

            root.SetAction(parse => Execute(sample, new Settings(
                parse.GetValue(epochs),
                parse.GetValue(batchSize),
                parse.GetValue(learningRate) ?? DefaultRate(sample, parse.GetValue(batchSize)),
                parse.GetValue(schedule)!,
                parse.GetValue(seed),
                parse.GetValue(dataset)!,
                parse.GetValue(data),
                parse.GetValue(output),
                parse.GetValue(model),
                parse.GetValue(download),
                sample.SetThreads is null ? 1 : parse.GetValue(threads))));
            return root.Parse(args).Invoke();
        }

        /// <summary>η0 when --learning-rate is not given: the noise of a step grows as the batch shrinks, so the rate shrinks with it.</summary>
        internal static double DefaultRate<TNet>(ClassifierSample<TNet> sample, int batchSize)
            where TNet : class, IClassifier<TNet, float> =>
            batchSize >= sample.BatchSize ? sample.LearningRate : sample.LearningRate * Math.Sqrt((double)batchSize / sample.BatchSize);

        private static int Execute<TNet>(ClassifierSample<TNet> sample, Settings s)
            where TNet : class, IClassifier<TNet, float>
        {
            try
            {
                return s.Model is null ? Train(sample, s) : Evaluate(sample, s, s.Model);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // DataFormatException, FileNotFoundException and DirectoryNotFoundException are IOExceptions;
                // a malformed or mismatching model file is an InvalidDataException.
                Console.Error.WriteLine("error: " + OneLine(e.Message));
                return 1;
            }
        }

        private static int Train<TNet>(ClassifierSample<TNet> sample, Settings s)
            where TNet : class, IClassifier<TNet, float>
        {
            var wall = Stopwatch.StartNew();
            Console.WriteLine(sample.Topology);
            var (train, test, name, classes) = LoadData(s);
            int batchesPerEpoch = train.BatchCount(s.BatchSize);
            var (scheduleText, rates) = Schedule(sample, s, batchesPerEpoch);
            string outputDir = Path.GetFullPath(
                s.Output ?? Path.Combine("artifacts", sample.ArtifactPrefix + (s.Dataset == "fashion" ? "fashion-mnist" : "mnist")));
            Console.WriteLine(
                $"{s.Epochs} epochs × {batchesPerEpoch:N0} mini-batches of {s.BatchSize}, learning rate {scheduleText}, seed {s.Seed}"
                + (sample.SetThreads is null ? string.Empty : $", {s.Threads} thread{(s.Threads == 1 ? string.Empty : "s")}"));

            var net = sample.Create();
            net.InitializeParameters(s.Seed);
            sample.Configure?.Invoke(net);
            sample.SetThreads?.Invoke(net, s.Threads);
            float background = 0;
            if (sample.Standardize is { } keep)
            {
                // One mean and deviation over all pixels of the training set, applied to both sets and saved with the model.
                Standardization standardization = train.Standardize(StandardizationMode.Global);
                standardization.Apply(test);
                keep(net, standardization);
                background = (0 - standardization.Mean[0]) / standardization.StdDev[0];
            }

            var options = new TrainerOptions
            {
                Epochs = s.Epochs,
                BatchSize = s.BatchSize,
                Seed = s.Seed,
                LearningRate = rates,
                ReportsPerEpoch = 200,
                Augmentation = sample.Augment?.Invoke(background),
            };

            // The test set is the validation set: its loss and accuracy after every epoch are the library's history. NetGen.Console
            // shows a live bar per epoch (plain lines when the output is not a terminal) and the summary table.
            var curve = new LossCurve();
            TrainingResult result = ConsoleTraining.Fit(net, train, options, test, curve);
            if (result.Reason == StopReason.Diverged)
            {
                Console.Error.WriteLine("error: " + OneLine(result.Message!) + $" Try a smaller --learning-rate than {s.LearningRate.ToString("G4", Invariant)}.");
                return ExitDiverged;
            }

            var final = Evaluation.Run(net, test);
            AnsiConsole.Write(TrainingReport.Confusion(final.Confusion!, classes, "confusion matrix, test set"));

            Directory.CreateDirectory(outputDir);
            string modelPath = Path.Combine(outputDir, "model.safetensors");
            net.Save(modelPath);
            string plotPath = Path.Combine(outputDir, "training-curve.png");
            TrainingPlot.Save(plotPath, $"{name}: {sample.PlotModel} batch {s.BatchSize}, lr {scheduleText}", result.History, curve);

            Console.WriteLine($"model:  {modelPath}");
            Console.WriteLine($"plot:   {plotPath}");
            Console.WriteLine(
                $"test accuracy {TrainingReport.Percent(final.Accuracy)} after {result.History.Count} epochs; wall time {wall.Elapsed.TotalSeconds:F1} s");
            if (final.Accuracy < ChanceAccuracy)
            {
                Console.Error.WriteLine(
                    $"error: the network did not learn: test accuracy {TrainingReport.Percent(final.Accuracy)} is near chance (10 %). "
                    + $"The learning rate {s.LearningRate.ToString("G4", Invariant)} is probably too large for batches of {s.BatchSize} or too small; try another --learning-rate.");
                return ExitStuck;
            }

            return 0;
        }

        private static int Evaluate<TNet>(ClassifierSample<TNet> sample, Settings s, string modelPath)
            where TNet : class, IClassifier<TNet, float>
        {
            Console.WriteLine(sample.Topology);
            var net = sample.Create();
            net.Load(modelPath);
            Console.WriteLine($"model: {Path.GetFullPath(modelPath)}");
            var (_, test, _, classes) = LoadData(s);
            if (Standardization.FromMetadata(NetGen.IO.SafeTensors.Load(modelPath).Metadata, modelPath, TNet.InputSize) is { } standardization)
            {
                standardization.Apply(test); // the statistics the model was trained with travel in its file
            }

            var clock = Stopwatch.StartNew();
            var result = Evaluation.Run(net, test);
            Console.WriteLine(
                $"test accuracy {TrainingReport.Percent(result.Accuracy)} ({result.Confusion!.Correct:N0} of {result.Confusion.Total:N0}), "
                + $"test loss {result.Loss.ToString("F4", Invariant)}, {clock.Elapsed.TotalSeconds:F2} s");
            AnsiConsole.Write(TrainingReport.Confusion(result.Confusion, classes, "confusion matrix, test set"));
            return 0;
        }

        private static (Dataset Train, Dataset Test, string Name, string[] Classes) LoadData(Settings s)
        {
            string dir = s.Data ?? DataLocator.DefaultDirectory(s.Dataset);
            bool fashion = s.Dataset == "fashion";
            if (s.Download && s.Data is null && !DataLocator.IsComplete(dir))
            {
                var options = new DownloadOptions { Directory = dir };
                Console.WriteLine($"downloading {(fashion ? "Fashion-MNIST" : "MNIST")} into {Path.GetFullPath(dir)}");
                dir = (fashion ? FashionMnist.DownloadAsync(options) : NetGen.Data.Mnist.DownloadAsync(options)).GetAwaiter().GetResult();
            }

            if (!Directory.Exists(dir))
            {
                throw new DirectoryNotFoundException(
                    $"data folder {dir} does not exist; pass --data with a folder holding the four {(fashion ? "Fashion-MNIST" : "MNIST")} IDX files, "
                    + "or --download to fetch them into NetGen's data cache.");
            }

            var (train, test) = fashion ? FashionMnist.Load(dir) : NetGen.Data.Mnist.Load(dir);
            string name = fashion ? "Fashion-MNIST" : "MNIST";
            Console.WriteLine($"data: {name} from {Path.GetFullPath(dir)}: {train.Count:N0} training, {test.Count:N0} test images");
            return (train, test, name, fashion ? Fashion : Digits);
        }

        private static (string Text, LearningRateSchedule Schedule) Schedule<TNet>(ClassifierSample<TNet> sample, Settings s, int batchesPerEpoch)
            where TNet : class, IClassifier<TNet, float>
        {
            string eta = s.LearningRate.ToString("G4", Invariant);
            return s.Schedule switch
            {
                "constant" => (eta + " constant", LearningRateSchedule.Constant(s.LearningRate)),
                "cosine" => (
                    $"{eta}, cosine to 0 after {sample.WarmupEpochs.ToString(Invariant)} epoch of warm-up",
                    LearningRateSchedule.LinearWarmup(
                        LearningRateSchedule.Cosine(s.LearningRate, (long)s.Epochs * batchesPerEpoch),
                        (long)Math.Round(sample.WarmupEpochs * batchesPerEpoch))),
                "inverse-time" => (
                    $"{eta}/(1 + k/{sample.InverseTimeEpochs * batchesPerEpoch})",
                    LearningRateSchedule.InverseTime(s.LearningRate, (double)sample.InverseTimeEpochs * batchesPerEpoch)),
                _ => (
                    $"{eta} ×{sample.StepGamma.ToString(Invariant)} every {Epochs(sample.StepEpochs)}",
                    LearningRateSchedule.StepDecay(s.LearningRate, (long)sample.StepEpochs * batchesPerEpoch, sample.StepGamma)),
            };
        }

        private static string Epochs(int n) => n == 1 ? "epoch" : $"{n} epochs";

        private static string OneLine(string message) =>
            string.Join(' ', message.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
