// Two tabular problems whose data the library loads from CSV: a regression (house prices: ';'-separated, a quoted
// header name, the target chosen by name) and a multi-label classifier (three tags in the first three columns).
// Both standardize their features, train with Trainer.Fit (Adam, early stopping) and keep the standardization in the
// model file, so the reloaded model predicts from raw inputs.
// Run: dotnet run --project samples/Tabular -c Release
using System;
using System.IO;
using NetGen;
using NetGen.Data;
using NetGen.Training;

string folder = AppContext.BaseDirectory;

// Regression: price (in thousands) from area, rooms, age and distance to the centre.
Dataset<float, float> houses = CsvDataset.LoadTargets<float>(
    Path.Combine(folder, "houses.csv"),
    new CsvOptions { Separator = ';', Targets = CsvColumns.Named("price_k") });
var (houseTrain, houseTest) = houses.Split(validationCount: 120, seed: 1);
Standardization scaling = houseTrain.Standardize(StandardizationMode.PerFeature);
houseTest.Apply(scaling);

var price = new PriceNet { Standardization = scaling };
price.InitializeParameters(1);
Console.WriteLine(PriceNet.Summary);
TrainingResult fit = Trainer.Fit(
    price,
    houseTrain,
    new TrainerOptions { Epochs = 400, BatchSize = 16, Seed = 1, LearningRate = LearningRateSchedule.Constant(0.03), Patience = 30 },
    houseTest);
Console.WriteLine($"houses: {houses.Count} rows, {fit.Reason} after {fit.History.Count} epochs (best {fit.BestEpoch}), "
    + $"test RMSE {Math.Sqrt(Evaluation.Run(price, houseTest).Loss):F1} k");

// The model file goes to the artifacts folder under the current folder, as the other samples' do.
string artifacts = Path.Combine("artifacts", "tabular");
Directory.CreateDirectory(artifacts);
string model = Path.Combine(artifacts, "price.safetensors");
price.Save(model);
var reloaded = new PriceNet();
reloaded.Load(model);                                      // parameters and the standardization
float[] house = { 120f, 4f, 10f, 3f };                     // raw: 120 m², 4 rooms, 10 years, 3 km
reloaded.Standardization!.Apply<float>(house);
var predicted = new float[1];
reloaded.Predict(house, predicted);
Console.WriteLine($"a 120 m², 4-room, 10-year-old house 3 km from the centre: {predicted[0]:F0} k (reloaded from {model})");
Console.WriteLine();

// Multi-label: three independent tags per example, binary cross-entropy on a [Sigmoid] head.
Dataset<float, float> tags = CsvDataset.LoadTargets<float>(
    Path.Combine(folder, "tags.csv"),
    new CsvOptions { Targets = CsvColumns.FirstColumns(3) });
var (tagTrain, tagTest) = tags.Split(validationCount: 200, seed: 1);
tagTest.Apply(tagTrain.Standardize(StandardizationMode.PerFeature));
var tagger = new TagNet();
tagger.InitializeParameters(1);
TrainingResult tagFit = Trainer.Fit(
    tagger,
    tagTrain,
    new TrainerOptions { Epochs = 200, BatchSize = 16, Seed = 1, LearningRate = LearningRateSchedule.Constant(0.01), Patience = 20 },
    tagTest);

// Accuracy of each tag at a 0.5 threshold.
var probabilities = new float[tagTest.Count * TagNet.OutputSize];
tagger.PredictBatch(tagTest.AllFeatures, probabilities);
string[] names = { "outdoor", "water", "people" };
Console.Write($"tags: {tags.Count} rows, {tagFit.Reason} after {tagFit.History.Count} epochs; test accuracy per tag:");
for (int k = 0; k < TagNet.OutputSize; k++)
{
    int correct = 0;
    for (int i = 0; i < tagTest.Count; i++)
    {
        correct += (probabilities[(i * TagNet.OutputSize) + k] > 0.5f) == (tagTest.Targets(i)[k] > 0.5f) ? 1 : 0;
    }

    Console.Write($" {names[k]} {100.0 * correct / tagTest.Count:F1}%");
}

Console.WriteLine();

/// <summary>Regression: 4 standardized features → price in thousands.</summary>
[Network(Optimizer = Optimizer.Adam)]
[Dense(4, 32)][Relu]
[Dense(32, 1)][Identity]
public partial class PriceNet { }

/// <summary>Multi-label: 5 features → 3 independent tag probabilities.</summary>
[Network(Optimizer = Optimizer.Adam)]
[Dense(5, 32)][Relu]
[Dense(32, 3)][Sigmoid]
public partial class TagNet { }
