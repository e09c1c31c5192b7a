using System;
using System.Diagnostics;
using System.Globalization;

// Times two versions of the generated 784-128-64-10 network (namespaces Before and After, written by
// side_by_side.sh from the MNIST snapshot at two commits) in one process, alternating, best of N rounds:
// Train per 60,000 examples at batch 32, 128 and 256 on inputs in cache, an epoch over 60,000 distinct inputs
// at batch 1, 32 and 128, Predict on 60,000 distinct inputs one by one, and PredictBatch over them in calls of 1,000.
// The inputs are random (args[1] absent or "random") or the MNIST training images (args[1] = their directory).
int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
string data = args.Length > 1 ? args[1] : "random";
var before = new Before.MnistNet();
var after = new After.MnistNet();
before.InitializeParameters(1);
after.InitializeParameters(1);
var x = new float[60_000 * 784];
var labels = new int[60_000];
if (data == "random")
{
    // Dense in the sense that matters to the first layer: 20 % of the values are nonzero, spread uniformly, so
    // almost every 16-value chunk and every input of a block of 32 holds one (MNIST: 58 % of the chunks).
    var random = new Random(1);
    for (int i = 0; i < x.Length; i++)
    {
        x[i] = random.NextSingle() < 0.2f ? random.NextSingle() : 0f;
    }

    for (int i = 0; i < labels.Length; i++)
    {
        labels[i] = random.Next(10);
    }
}
else
{
    // The 60,000 MNIST training images (data is the directory of the IDX files), in a fixed shuffled order.
    NetGen.Data.Dataset train = NetGen.Data.Mnist.Load(data).Train;
    train.Shuffle(0);
    train.AllFeatures.CopyTo(x);
    train.Labels.CopyTo(labels);
}

var output = new float[1000 * 10];
(string Name, Action Before, Action After)[] cases =
{
    ("Train, batch 32, inputs in cache", () => Repeat(before.Train, 32), () => Repeat(after.Train, 32)),
    ("Train, batch 128, inputs in cache", () => Repeat(before.Train, 128), () => Repeat(after.Train, 128)),
    ("Train, batch 256, inputs in cache", () => Repeat(before.Train, 256), () => Repeat(after.Train, 256)),
    ("epoch, batch 1", () => EpochSingle(before.Train), () => EpochSingle(after.Train)),
    ("epoch, batch 32", () => Epoch(before.Train, 32), () => Epoch(after.Train, 32)),
    ("epoch, batch 128", () => Epoch(before.Train, 128), () => Epoch(after.Train, 128)),
    ("Predict, one by one", () => PredictEach(before.Predict), () => PredictEach(after.Predict)),
    ("PredictBatch, 1,000 per call", () => Predict(before.PredictBatch), () => Predict(after.PredictBatch)),
};

var best = new double[cases.Length, 2];
for (int c = 0; c < cases.Length; c++)
{
    best[c, 0] = best[c, 1] = double.MaxValue;
}

for (int round = 0; round < rounds; round++)
{
    for (int c = 0; c < cases.Length; c++)
    {
        for (int side = 0; side < 2; side++)
        {
            int which = (round + side) % 2; // alternate which version goes first
            var clock = Stopwatch.StartNew();
            (which == 0 ? cases[c].Before : cases[c].After)();
            best[c, which] = Math.Min(best[c, which], clock.Elapsed.TotalSeconds);
        }
    }
}

Console.WriteLine($"best of {rounds} rounds, seconds per 60,000 examples; inputs: {data}");
Console.WriteLine($"{"case",-36} {"before",9} {"after",9} {"after/before",13}");
for (int c = 0; c < cases.Length; c++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cases[c].Name,-36} {best[c, 0],9:F4} {best[c, 1],9:F4} {best[c, 1] / best[c, 0],13:F3}"));
}

// Both versions went through the same calls in the same order: unless a change is meant to alter results, their
// parameters are still bit-identical.
ReadOnlySpan<float> pb = before.Parameters, pa = after.Parameters;
double largest = 0;
for (int i = 0; i < pb.Length; i++)
{
    largest = Math.Max(largest, Math.Abs((double)pb[i] - pa[i]));
}

Console.WriteLine(pb.SequenceEqual(pa)
    ? "parameters after all rounds: bit-identical"
    : string.Create(CultureInfo.InvariantCulture, $"parameters after all rounds: differ, largest |difference| {largest:G3}"));
return 0;

void Repeat(Func<ReadOnlySpan<float>, ReadOnlySpan<int>, float, float> train, int batch)
{
    for (int start = 0; start + batch <= 60_000; start += batch)
    {
        train(x.AsSpan(0, batch * 784), labels.AsSpan(0, batch), 1e-4f);
    }
}

void Epoch(Func<ReadOnlySpan<float>, ReadOnlySpan<int>, float, float> train, int batch)
{
    for (int start = 0; start + batch <= 60_000; start += batch)
    {
        train(x.AsSpan(start * 784, batch * 784), labels.AsSpan(start, batch), 1e-4f);
    }
}

void EpochSingle(Func<ReadOnlySpan<float>, int, float, float> train)
{
    for (int n = 0; n < 60_000; n++)
    {
        train(x.AsSpan(n * 784, 784), labels[n], 1e-4f);
    }
}

void PredictEach(PredictMany predict)
{
    for (int n = 0; n < 60_000; n++)
    {
        predict(x.AsSpan(n * 784, 784), output.AsSpan(0, 10));
    }
}

void Predict(PredictMany predict)
{
    for (int start = 0; start + 1000 <= 60_000; start += 1000)
    {
        predict(x.AsSpan(start * 784, 1000 * 784), output);
    }
}

internal delegate void PredictMany(ReadOnlySpan<float> inputs, Span<float> outputs);
