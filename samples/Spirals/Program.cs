// Two interleaved spirals: a classic problem that no linear model can solve.
// A 2-32-32-2 tanh network learns it in about a second with plain mini-batch SGD.
// Run: dotnet run --project samples/Spirals -c Release
using System;
using System.Diagnostics;
using NetGen;

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

var net = new SpiralNet();
var order = new int[Count];
for (int i = 0; i < Count; i++)
{
    order[i] = i;
}

var batchX = new float[Batch * SpiralNet.InputSize];
var batchY = new int[Batch];
var clock = Stopwatch.StartNew();
Console.WriteLine($"SpiralNet: {SpiralNet.InputSize} → 32 → 32 → {SpiralNet.OutputSize}, {SpiralNet.ParameterCount} parameters");
for (int epoch = 1; epoch <= 200; epoch++)
{
    random.Shuffle(order);
    float loss = 0;
    for (int start = 0; start < Count; start += Batch)
    {
        for (int k = 0; k < Batch; k++)
        {
            int n = order[start + k];
            batchX[2 * k] = x[2 * n];
            batchX[(2 * k) + 1] = x[(2 * n) + 1];
            batchY[k] = y[n];
        }

        loss += net.Train(batchX, batchY, epoch <= 150 ? 0.1f : 0.03f);
    }

    if (epoch == 1 || epoch % 20 == 0)
    {
        int correct = 0;
        for (int i = 0; i < Count; i++)
        {
            correct += net.Classify(x.AsSpan(2 * i, 2)) == y[i] ? 1 : 0;
        }

        Console.WriteLine($"epoch {epoch,4}  loss {loss / (Count / Batch):F4}  accuracy {100.0 * correct / Count:F1}%");
    }
}

Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F2} s");

[Network]
[Dense(2, 32)][Tanh]
[Dense(32, 32)][Tanh]
[Dense(32, 2)][Softmax]
public partial class SpiralNet { }
