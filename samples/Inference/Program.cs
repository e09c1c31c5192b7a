using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetGen;

// Trains an MNIST-shaped network briefly on synthetic data, then times single-example inference and a
// batch-1 training step. Runs the same under the JIT (`dotnet run -c Release`) and as a NativeAOT binary.

const int TrainCount = 20_000;
const int TestCount = 2_000;
const int Epochs = 3;
const float LearningRate = 0.01f;
const int PredictCalls = 10_000;
const int TrainCalls = 2_000;

string mode = RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT";
Console.WriteLine($"NetGen inference sample: {mode}, .NET {Environment.Version}, Vector256 {Vector256.IsHardwareAccelerated}, Vector512 {Vector512.IsHardwareAccelerated}");
Console.WriteLine($"MnistNet: {MnistNet.InputSize} -> {MnistNet.OutputSize}, {MnistNet.ParameterCount:N0} parameters");

// Compiled-in weights: TrainedMnist starts with models/mnist.safetensors, embedded at build time; no file is read here.
string? mnist = args.Length == 2 && args[0] == "--mnist" ? args[1] : FindMnist();
if (mnist is not null)
{
    NetGen.Data.Dataset test = NetGen.Data.Mnist.Load(mnist).Test;
    var trained = new TrainedMnist();
    int right = 0;
    var timer = Stopwatch.StartNew();
    for (int n = 0; n < test.Count; n++)
    {
        if (trained.Classify(test.Features(n)) == test.Labels[n])
        {
            right++;
        }
    }

    Console.WriteLine($"compiled-in weights ({TrainedMnist.CompiledWeightsResource}): test accuracy {(double)right / test.Count:P2} ({right:N0} of {test.Count:N0}) in {timer.Elapsed.TotalMilliseconds:F0} ms");
}
else
{
    Console.WriteLine("compiled-in weights: skipped (no MNIST folder; pass --mnist <folder with the four IDX files>)");
}

// Synthetic data: inputs uniform in [-1, 1], labelled by the argmax of a fixed random linear teacher.
var random = new Random(12345);
var teacher = new float[MnistNet.OutputSize * MnistNet.InputSize];
for (int i = 0; i < teacher.Length; i++)
{
    teacher[i] = (float)(random.NextDouble() * 2 - 1);
}

(float[] trainX, int[] trainY) = Make(TrainCount);
(float[] testX, int[] testY) = Make(TestCount);

var net = new MnistNet();
net.InitializeParameters(seed: 1);
Console.WriteLine($"before training: test accuracy {Accuracy(testX, testY):P1}");

var clock = Stopwatch.StartNew();
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    double loss = 0;
    for (int n = 0; n < TrainCount; n++)
    {
        loss += net.Train(Row(trainX, n), trainY[n], LearningRate);
    }

    Console.WriteLine($"epoch {epoch}: mean training loss {loss / TrainCount:F4}, test accuracy {Accuracy(testX, testY):P1}");
}

Console.WriteLine($"training: {Epochs} epochs x {TrainCount:N0} examples in {clock.Elapsed.TotalSeconds:F2} s");
double accuracy = Accuracy(testX, testY);

// Single-example Predict: warm up, then time each call.
var output = new float[MnistNet.OutputSize];
for (int i = 0; i < 1_000; i++)
{
    net.Predict(Row(testX, i % TestCount), output);
}

var predict = new double[PredictCalls];
for (int i = 0; i < PredictCalls; i++)
{
    ReadOnlySpan<float> x = Row(testX, i % TestCount);
    long start = Stopwatch.GetTimestamp();
    net.Predict(x, output);
    predict[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
}

// Batch-1 training step (forward, backward and SGD update): time each call.
var train = new double[TrainCalls];
for (int i = 0; i < TrainCalls; i++)
{
    ReadOnlySpan<float> x = Row(trainX, i);
    long start = Stopwatch.GetTimestamp();
    net.Train(x, trainY[i], LearningRate);
    train[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
}

Console.WriteLine($"Predict (1 example):   median {Median(predict):F2} us, mean {Mean(predict):F2} us over {PredictCalls:N0} calls");
Console.WriteLine($"Train (batch of 1):    median {Median(train):F2} us, mean {Mean(train):F2} us over {TrainCalls:N0} calls");

if (accuracy < 0.5)
{
    Console.WriteLine($"FAIL: test accuracy {accuracy:P1} is below 50 %; the network did not learn");
    return 1;
}

Console.WriteLine($"OK: test accuracy {accuracy:P1}");
return 0;

(float[] X, int[] Y) Make(int count)
{
    var x = new float[count * MnistNet.InputSize];
    var y = new int[count];
    for (int n = 0; n < count; n++)
    {
        Span<float> row = x.AsSpan(n * MnistNet.InputSize, MnistNet.InputSize);
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = (float)(random.NextDouble() * 2 - 1);
        }

        int best = 0;
        float bestScore = float.NegativeInfinity;
        for (int c = 0; c < MnistNet.OutputSize; c++)
        {
            float score = 0;
            ReadOnlySpan<float> w = teacher.AsSpan(c * MnistNet.InputSize, MnistNet.InputSize);
            for (int i = 0; i < row.Length; i++)
            {
                score += w[i] * row[i];
            }

            if (score > bestScore)
            {
                bestScore = score;
                best = c;
            }
        }

        y[n] = best;
    }

    return (x, y);
}

double Accuracy(float[] x, int[] y)
{
    int correct = 0;
    for (int n = 0; n < y.Length; n++)
    {
        if (net.Classify(Row(x, n)) == y[n])
        {
            correct++;
        }
    }

    return (double)correct / y.Length;
}

static string? FindMnist()
{
    for (var dir = new System.IO.DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        string candidate = System.IO.Path.Combine(dir.FullName, "data", "mnist");
        if (System.IO.Directory.Exists(candidate))
        {
            return candidate;
        }
    }

    return null;
}

static ReadOnlySpan<float> Row(float[] x, int n) => x.AsSpan(n * MnistNet.InputSize, MnistNet.InputSize);

static double Median(double[] values)
{
    double[] sorted = (double[])values.Clone();
    Array.Sort(sorted);
    int mid = sorted.Length / 2;
    return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

static double Mean(double[] values)
{
    double sum = 0;
    foreach (double v in values)
    {
        sum += v;
    }

    return sum / values.Length;
}

/// <summary>The MNIST-shaped network: 784 inputs, two ReLU hidden layers, 10 softmax outputs.</summary>
[Network]
[Dense(784, 128)][Relu]
[Dense(128, 64)][Relu]
[Dense(64, 10)][Softmax]
public partial class MnistNet { }

/// <summary>
/// The same network with compiled-in weights: models/mnist.safetensors (trained by samples/Mnist with its defaults, 97.84 %
/// on the test set) is checked against this topology at build time and embedded; the constructor copies it.
/// </summary>
[Network(Weights = "models/mnist.safetensors")]
[Dense(784, 128)][Relu]
[Dense(128, 64)][Relu]
[Dense(64, 10)][Softmax]
public partial class TrainedMnist { }
