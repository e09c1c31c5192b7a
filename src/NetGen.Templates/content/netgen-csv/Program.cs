// Trains a classifier on a CSV file: one column holds the class label (0, 1, 2, ...), every other column is a numeric
// feature. Usage: dotnet run [-- path/to/file.csv [label-column]]   (default: the bundled data.csv, column "label")
using System;
using System.IO;
using NetGen;
using NetGen.Data;
using NetGen.Training;
using NetGenApp;

string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data.csv");
string labelColumn = args.Length > 1 ? args[1] : "label";

// Load: the label column by its header name; errors name the file, line and column.
Dataset data = CsvDataset.Load(path, new CsvOptions { Targets = CsvColumns.Named(labelColumn) }, classCount: Classifier.OutputSize);
Console.WriteLine($"{path}: {data.Count} rows, {data.FeatureCount} features, {data.ClassCount} classes");
if (data.FeatureCount != Classifier.InputSize)
{
    Console.Error.WriteLine($"{path} has {data.FeatureCount} feature columns but Classifier takes {Classifier.InputSize}: "
        + "change the first [Dense] of Classifier.cs to match.");
    return 1;
}

// Hold out 20% as a test set, then standardize with the training set's statistics.
var (train, test) = data.Split(validationFraction: 0.2, seed: 1);
Standardization scaling = train.Standardize(StandardizationMode.PerFeature);
scaling.Apply(test);

var net = new Classifier { Standardization = scaling };   // saved with the model, so a reloaded model takes raw inputs
net.InitializeParameters(seed: 1);
Console.WriteLine(Classifier.Summary);

// Train: 20% of the training set validates each epoch; stop when the validation loss has not improved for 10 epochs
// and keep the best parameters.
TrainingResult result = Trainer.Fit(
    net,
    train,
    new TrainerOptions
    {
        Epochs = 300,
        BatchSize = 16,
        Seed = 1,
        LearningRate = LearningRateSchedule.Constant(0.01),
        ValidationSplit = 0.2,
        Patience = 10,
    });
Console.WriteLine($"training: {result.Reason} after {result.History.Count} epochs (best epoch {result.BestEpoch})");

Evaluation evaluation = Evaluation.Run(net, test);
Console.WriteLine($"test accuracy: {100 * evaluation.Accuracy:F1}% ({test.Count} rows)");
Console.WriteLine(evaluation.Confusion);

string model = Path.Combine(Environment.CurrentDirectory, "model.safetensors");
net.Save(model);
Console.WriteLine($"model saved to {model}");
return 0;
