using System.Diagnostics;
using BenchmarkDotNet.Running;
using NetGen.Benchmarks;

// Main's first line: the first-use measurement counts from here.
long mainStart = Stopwatch.GetTimestamp();

// dotnet run -c Release --project tests/NetGen.Benchmarks -- epoch [--nets A,B] [--batches 1,32,128] [--repeat N]
// dotnet run -c Release --project tests/NetGen.Benchmarks -- random                (batch-1 epoch on random vectors, Predict latency)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- infer [--batches 256,1000]   (batched inference, net B)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- sequence [--nets LSTM,GRU,STREAM] [--batches 1,32] [--samples 6000]
// dotnet run -c Release --project tests/NetGen.Benchmarks -- cnn [--nets LeNet5,ResNet,ResNetNoNorm] [--batches 1,32] [--samples 6000]   (LeNet-5, the ResNet of samples/FashionResNet)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- onnx --net B|LSTM|LeNet5|ResNet --weights FILE.safetensors --out FILE.onnx   (the ONNX Runtime peer's model)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- optimizers --case mnist|threads|small [--optimizers Sgd,...] [--batches 32,128]   (Optimizers.cs, SmallNetworks.cs)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- smalldata --out DIR    (the small networks' synthetic data, read by every peer)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- firstuse --net Digits|B --optimizer Sgd [--first train|predict]   (a fresh process: FirstUse.cs)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- interface             (a call through IClassifier vs a direct call)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- --filter '*'          (BenchmarkDotNet)
if (args.Length > 0 && args[0] == "firstuse")
{
    return FirstUse.Run(args, mainStart);
}

if (args.Length > 0 && args[0] == "optimizers")
{
    return Optimizers.Run(args);
}

if (args.Length > 0 && args[0] == "smalldata")
{
    return SmallNetworks.WriteData(args);
}

if (args.Length > 0 && args[0] == "epoch")
{
    return Epoch.Run(args);
}

if (args.Length > 0 && args[0] == "random")
{
    return Epoch.Random(args);
}

if (args.Length > 0 && args[0] == "sequence")
{
    return Sequence.Run(args);
}

if (args.Length > 0 && args[0] == "cnn")
{
    return Cnn.Run(args);
}

if (args.Length > 0 && args[0] == "onnx")
{
    return OnnxExport.Run(args);
}

if (args.Length > 0 && args[0] == "interface")
{
    return InterfaceCost.Run();
}

if (args.Length > 0 && args[0] == "infer")
{
    return Epoch.Infer(args);
}

return RunBenchmarkDotNet(args);

// A method of its own, so that compiling Main does not load BenchmarkDotNet (the first-use timing starts in Main).
static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(TrainBenchmarks).Assembly).Run(args);
    return 0;
}
