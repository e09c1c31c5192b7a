// Two interleaved spirals: a classic problem that no linear model can solve.
// A 2-32-32-2 tanh network learns it in about a second with plain mini-batch SGD, trained by Trainer.Fit.
// Run: dotnet run --project samples/Spirals -c Release
using System;
using System.Diagnostics;
using NetGen;
using NetGen.Data;
using NetGen.Training;

const int Count = 1024;
const int Batch = 16;
var random = new Random(1);
var x = new float[Count * 2];
var y = new int[Count];
for (int i = 0; i < Count; i++)
{
    int label = i % 2;
    double t = random.NextDouble();
    double angle = (t * 3 * Math.PI) + (label * Math.PI);
    double radius = 0.1 + (t * 0.9);
    x[2 * i] = (float)(4 * radius * Math.Cos(angle));
    x[(2 * i) + 1] = (float)(4 * radius * Math.Sin(angle));
    y[i] = label;
}

var data = new Dataset(x, y, featureCount: 2, classCount: 2);
var net = new SpiralNet();
var clock = Stopwatch.StartNew();
Console.WriteLine(SpiralNet.Summary);

// 200 epochs of 64 mini-batches; η = 0.1 for the first 150 epochs, then 0.03. The training set is its own validation
// set here: its loss and accuracy are measured after every epoch.
TrainingResult result = Trainer.Fit(
    net,
    data,
    new TrainerOptions
    {
        Epochs = 200,
        BatchSize = Batch,
        Seed = 1,
        LearningRate = LearningRateSchedule.StepDecay(0.1, 150 * (Count / Batch), 0.3),
    },
    validation: data,
    progress: new EveryTwentiethEpoch());

Console.WriteLine($"{result.Reason} in {clock.Elapsed.TotalSeconds:F2} s: accuracy {100 * result.Last!.ValidationAccuracy:F1}%");

/// <summary>Prints the first epoch and every 20th (reports arrive synchronously, on the training thread).</summary>
internal sealed class EveryTwentiethEpoch : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p)
    {
        if (p.Completed is { } e && (e.Epoch == 1 || e.Epoch % 20 == 0))
        {
            Console.WriteLine($"epoch {e.Epoch,4}  loss {e.TrainLoss:F4}  accuracy {100 * e.ValidationAccuracy:F1}%");
        }
    }
}

[Network]
[Dense(2, 32)][Tanh]
[Dense(32, 32)][Tanh]
[Dense(32, 2)][Softmax]
public partial class SpiralNet { }
