// Trains a small convolutional network on images in MNIST's IDX format (MNIST, Fashion-MNIST or your own files of
// 28 × 28 unsigned bytes with labels 0-9) and reports the test accuracy.
// Usage: dotnet run -- [folder] [--epochs N] [--limit N]
//   folder   holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte
//            (each raw or .gz). Without it, MNIST is downloaded once into NetGen's cache folder and loaded from there.
//   --epochs number of passes over the training set (default 3)
//   --limit  train and test on at most N random examples of each set (default: all), for a quick run
using System;
using System.IO;
using NetGen;
using NetGen.Data;
using NetGen.Training;
using NetGenApp;

string? folder = null;
int epochs = 3;
int limit = int.MaxValue;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs" when i + 1 < args.Length: epochs = int.Parse(args[++i]); break;
        case "--limit" when i + 1 < args.Length: limit = int.Parse(args[++i]); break;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal) || folder is not null)
            {
                Console.Error.WriteLine($"unexpected argument '{args[i]}'; usage: [folder] [--epochs N] [--limit N]");
                return 2;
            }

            folder = args[i];
            break;
    }
}

Dataset train, test;
if (folder is null)
{
    (train, test) = await Mnist.LoadOrDownloadAsync();
    folder = Mnist.DefaultDirectory;
}
else
{
    train = Dataset.FromIdx(Find(folder, "train-images-idx3-ubyte"), Find(folder, "train-labels-idx1-ubyte"), ImageClassifier.OutputSize);
    test = Dataset.FromIdx(Find(folder, "t10k-images-idx3-ubyte"), Find(folder, "t10k-labels-idx1-ubyte"), ImageClassifier.OutputSize);
}

train = Subset(train, limit);
test = Subset(test, limit);
Console.WriteLine($"{folder}: {train.Count} training and {test.Count} test images of {train.FeatureCount} pixels");

var net = new ImageClassifier();
net.InitializeParameters(seed: 1);
Console.WriteLine(ImageClassifier.Summary);

TrainingResult result = Trainer.Fit(
    net,
    train,
    new TrainerOptions { Epochs = epochs, BatchSize = 32, Seed = 1, LearningRate = LearningRateSchedule.Constant(0.002) },
    validation: test);
foreach (EpochMetrics epoch in result.History)
{
    Console.WriteLine($"epoch {epoch.Epoch}: train loss {epoch.TrainLoss:F4}, test loss {epoch.ValidationLoss:F4}, "
        + $"{epoch.SamplesPerSecond:F0} images/s");
}

Evaluation evaluation = Evaluation.Run(net, test);
Console.WriteLine($"test accuracy: {100 * evaluation.Accuracy:F1}% ({test.Count} images)");

string model = Path.Combine(Environment.CurrentDirectory, "model.safetensors");
net.Save(model);
Console.WriteLine($"model saved to {model}");
return 0;

// The file itself, or the file with a .gz suffix.
static string Find(string folder, string name)
{
    string path = Path.Combine(folder, name);
    if (File.Exists(path)) return path;
    if (File.Exists(path + ".gz")) return path + ".gz";
    throw new FileNotFoundException($"{folder} has neither {name} nor {name}.gz (MNIST-format IDX files expected).", path);
}

// At most `limit` examples, chosen at random (seeded).
static Dataset Subset(Dataset data, int limit) =>
    data.Count <= limit ? data : data.Split(validationCount: data.Count - limit, seed: 1).Train;
