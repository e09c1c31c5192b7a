// ONNX Runtime peer (inference only) of the NetGen protocol (see docs/performance.md, tests/Benchmarks/compare.sh).
// Not part of NetGen.sln: only needed for comparisons.
//
//   dotnet bin/Release/net10.0/OnnxPeer.dll --model DIR/netB.onnx [--batches 256,1000] [--data DIR]
//
// The model is net B trained one epoch by PyTorch (`torch_epoch.py --export-weights DIR`) and written by NetGen's own
// SaveOnnx (`NetGen.Benchmarks onnx --net B`): input "input" [n,784], output "output" [n,10], softmax included. One intra-op thread, sequential
// execution, all graph optimizations. Lines (mode=predict: single-sample latency over 10,000 calls
// cycling through the test set; mode=infer: batched throughput over the test set):
//   api=ortvalue        Run() with pre-created OrtValue inputs (zero-copy views of the test images) and a
//                       pre-allocated output OrtValue: no per-call tensor creation.
//   api=iobinding       OrtIoBinding, input re-bound to the pre-created OrtValue, pre-bound output.
//   api=namedonnxvalue  the usual Run(NamedOnnxValue) API: a DenseTensor per call, results allocated by ORT.
//
//   dotnet bin/Release/net10.0/OnnxPeer.dll --sequence --model DIR/lstm.onnx [--data DIR]
//
// The recurrent comparison: the row-MNIST LSTM trained by PyTorch (`torch_sequence.py --export-weights DIR`) and
// written by NetGen's SaveOnnx (`NetGen.Benchmarks onnx --net LSTM`): input "input" [n,784] (28 rows of 28 pixels; a
// model with a 3-D input [n,28,28], as torch.onnx.export writes it, works too), output "output" [n,10]. Single-sample latency
// as `NetGen.Benchmarks sequence` measures it (2,000 calls after 200 warm-up calls, the test images in order) with
// the ortvalue and iobinding APIs; test_acc from one call per test image; max_abs_diff: the largest difference
// from PyTorch's probabilities for the first 100 test images (lstm.probs.txt beside the model, if present).
//
//   dotnet bin/Release/net10.0/OnnxPeer.dll --tokens --model artifacts/char-transformer/model.onnx
// A language model on the full sequence (samples/CharTransformer writes model.onnx), what it pays per generated token
// without a key/value cache.
//   dotnet bin/Release/net10.0/OnnxPeer.dll --cnn --model DIR/lenet5.onnx [--net LeNet5] [--data DIR]
//   dotnet bin/Release/net10.0/OnnxPeer.dll --cnn --model DIR/resnet.onnx --net ResNet [--data DIR]
//
// The convolutional comparison: LeNet-5 (or, with --net ResNet, the small residual network with batch normalization,
// in eval mode) trained by PyTorch (`torch_cnn.py --nets LeNet5,ResNet --export-weights DIR`) and written by NetGen's
// SaveOnnx (`NetGen.Benchmarks onnx --net LeNet5|ResNet`): input "input" [n,784] (a model with an image input
// [n,1,28,28], as torch.onnx.export writes it, works too), output "output" [n,10]. Measured as --sequence does (as
// `NetGen.Benchmarks cnn` measures it), lines with net=LeNet5 or net=ResNet; max_abs_diff against the probabilities
// beside the model (its stem + .probs.txt: lenet5.probs.txt, resnet.probs.txt).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

internal static class Program
{
    private const int PredictCalls = 10_000;
    private const int PredictWarmup = 2_000;

    private static int Main(string[] args)
    {
        if (args.Contains("--versions"))
        {
            Console.WriteLine($"OnnxRuntime={typeof(InferenceSession).Assembly.GetName().Version} native={OrtEnv.Instance().GetVersionString()}");
            return 0;
        }

        string model = Option(args, "--model") ?? throw new ArgumentException("--model DIR/netB.onnx is required");
        if (args.Contains("--tokens"))
        {
            return Tokens(model);
        }

        string data = Option(args, "--data") ?? FindData();
        if (args.Contains("--sequence"))
        {
            return Sequence(model, data, "LSTM");
        }

        if (args.Contains("--cnn"))
        {
            string net = Option(args, "--net") ?? "LeNet5";
            if (net is not ("LeNet5" or "ResNet"))
            {
                throw new ArgumentException($"--net is LeNet5 or ResNet, not '{net}'");
            }

            return Sequence(model, data, net);
        }

        int[] batches = (Option(args, "--batches") ?? "256,1000").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();

        float[] testX = Images(Path.Combine(data, "t10k-images-idx3-ubyte.gz"));
        byte[] testY = ReadIdx(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"), out _);
        int tests = testY.Length;

        using var options = SingleThreadOptions();
        using var session = new InferenceSession(model, options);
        using var runOptions = new RunOptions();
        string inputName = session.InputNames[0];
        string outputName = session.OutputNames[0];
        string[] inputNames = { inputName };
        string[] outputNames = { outputName };

        // Zero-copy OrtValue views of every test image (testX stays pinned by ORT's Memory handle).
        var singles = new OrtValue[tests];
        for (int i = 0; i < tests; i++)
        {
            singles[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(testX, i * 784, 784), new long[] { 1, 784 });
        }

        var probs = new float[10];
        using var output = OrtValue.CreateTensorValueFromMemory(probs, new long[] { 1, 10 });
        var inputSlot = new OrtValue[1];
        var outputSlot = new[] { output };

        int accuracyCorrect = Accuracy(session, runOptions, inputNames, outputNames, testX, testY);
        double acc = 100.0 * accuracyCorrect / tests;

        Console.WriteLine(Predict("ortvalue", acc, tests, j =>
        {
            inputSlot[0] = singles[j];
            session.Run(runOptions, inputNames, inputSlot, outputNames, outputSlot);
        }));

        using (var binding = session.CreateIoBinding())
        {
            binding.BindOutput(outputName, output);
            Console.WriteLine(Predict("iobinding", acc, tests, j =>
            {
                binding.BindInput(inputName, singles[j]);
                session.RunWithBinding(runOptions, binding);
            }));
        }

        Console.WriteLine(Predict("namedonnxvalue", acc, tests, j =>
        {
            var tensor = new DenseTensor<float>(new Memory<float>(testX, j * 784, 784), new[] { 1, 784 });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, tensor) });
            Tensor<float> result = results.First().AsTensor<float>();
            for (int k = 0; k < 10; k++)
            {
                probs[k] = result.GetValue(k);
            }
        }));

        foreach (int batch in batches)
        {
            Console.WriteLine(Batched(session, runOptions, inputNames, outputNames, testX, tests, batch, acc));
        }

        foreach (var v in singles)
        {
            v.Dispose();
        }

        return 0;
    }

    private static string Predict(string api, double acc, int tests, Action<int> call)
    {
        for (int i = 0; i < PredictWarmup; i++)
        {
            call(i % tests);
        }

        var latencies = new double[PredictCalls];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < latencies.Length; i++)
        {
            int j = (i * 7919) % tests; // cycle through the test set, as the NetGen runner does
            long t0 = Stopwatch.GetTimestamp();
            call(j);
            latencies[i] = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(latencies);
        double median = latencies[latencies.Length / 2];
        return string.Create(
            CultureInfo.InvariantCulture,
            $"peer=OnnxRuntime api={api} net=B batch=1 threads=1 mode=predict samples_per_s={1e6 / median:F0} test_acc={acc:F2} predict_median_us={median:F2} predict_p99_us={latencies[(int)(latencies.Length * 0.99)]:F2} predict_alloc_bytes={allocated}");
    }

    /// <summary>The protocol's session options: one thread, sequential execution, every graph optimization.</summary>
    private static SessionOptions SingleThreadOptions() => new()
    {
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    /// <summary>Single-sample latency of one MNIST model (the row LSTM, LeNet-5 or ResNet), 2,000 calls as the NetGen runner makes them.</summary>
    /// <summary>
    /// A language model over token ids (samples/CharTransformer's SaveOnnx: input [n, T] of ids as floats, output [n,
    /// T·vocabulary]) on the full sequence of T tokens, one call at a time, one thread: what a model without a key/value
    /// cache pays per generated token. Median and 99th percentile of PredictCalls calls after PredictWarmup.
    /// </summary>
    private static int Tokens(string model)
    {
        using var options = SingleThreadOptions();
        using var session = new InferenceSession(model, options);
        using var runOptions = new RunOptions();
        string inputName = session.InputNames[0];
        string outputName = session.OutputNames[0];
        int steps = session.InputMetadata[inputName].Dimensions[1];
        int perExample = session.OutputMetadata[outputName].Dimensions[^1]; // [n, T·vocabulary]: every step's probabilities
        int vocabulary = perExample / steps;
        var random = new Random(1);
        float[] tokens = Enumerable.Range(0, steps).Select(_ => (float)random.Next(vocabulary)).ToArray();
        var probs = new float[perExample];
        using var input = OrtValue.CreateTensorValueFromMemory(tokens, new long[] { 1, steps });
        using var output = OrtValue.CreateTensorValueFromMemory(probs, new long[] { 1, perExample });
        var inputs = new[] { input };
        var outputs = new[] { output };
        string[] inputNames = { inputName };
        string[] outputNames = { outputName };
        for (int i = 0; i < PredictWarmup; i++)
        {
            session.Run(runOptions, inputNames, inputs, outputNames, outputs);
        }

        var ticks = new long[PredictCalls];
        for (int i = 0; i < PredictCalls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            session.Run(runOptions, inputNames, inputs, outputNames, outputs);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        Array.Sort(ticks);
        double Us(long t) => t * 1e6 / Stopwatch.Frequency;
        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "peer=OnnxRuntime net=TOKENS steps={0} vocabulary={1} threads=1 full_sequence_median_us={2:F2} full_sequence_p99_us={3:F2}",
            steps, vocabulary, Us(ticks[PredictCalls / 2]), Us(ticks[PredictCalls * 99 / 100])));
        return 0;
    }

    private static int Sequence(string model, string data, string net)
    {
        float[] testX = Images(Path.Combine(data, "t10k-images-idx3-ubyte.gz"));
        byte[] testY = ReadIdx(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"), out _);
        int tests = testY.Length;
        using var options = SingleThreadOptions();
        using var session = new InferenceSession(model, options);
        using var runOptions = new RunOptions();
        string inputName = session.InputNames[0];
        string outputName = session.OutputNames[0];
        string[] inputNames = { inputName };
        string[] outputNames = { outputName };

        // Zero-copy OrtValue views of every test image: [1, 784] (NetGen's export), 28 steps of 28 pixels [1, 28, 28] or
        // one 28×28 channel [1, 1, 28, 28].
        int rank = session.InputMetadata[inputName].Dimensions.Length;
        long[] shape = rank switch
        {
            2 => new long[] { 1, 784 },
            3 => new long[] { 1, 28, 28 },
            4 => new long[] { 1, 1, 28, 28 },
            _ => throw new InvalidDataException($"{model}: input '{inputName}' has rank {rank}; expected 2 [n,784], 3 [n,28,28] or 4 [n,1,28,28]"),
        };
        var singles = new OrtValue[tests];
        for (int i = 0; i < tests; i++)
        {
            singles[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(testX, i * 784, 784), shape);
        }

        var probs = new float[10];
        using var output = OrtValue.CreateTensorValueFromMemory(probs, new long[] { 1, 10 });
        var inputSlot = new OrtValue[1];
        var outputSlot = new[] { output };
        void Run(int j)
        {
            inputSlot[0] = singles[j];
            session.Run(runOptions, inputNames, inputSlot, outputNames, outputSlot);
        }

        int correct = 0;
        for (int i = 0; i < tests; i++)
        {
            Run(i);
            int best = 0;
            for (int k = 1; k < 10; k++)
            {
                best = probs[k] > probs[best] ? k : best;
            }

            correct += best == testY[i] ? 1 : 0;
        }

        double acc = 100.0 * correct / tests;
        string diff = "na";
        string reference = Path.ChangeExtension(model, ".probs.txt");
        if (File.Exists(reference))
        {
            double max = 0;
            string[] lines = File.ReadAllLines(reference);
            for (int i = 0; i < lines.Length; i++)
            {
                Run(i);
                double[] expected = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                for (int k = 0; k < 10; k++)
                {
                    max = Math.Max(max, Math.Abs(probs[k] - expected[k]));
                }
            }

            diff = max.ToString("G3", CultureInfo.InvariantCulture);
        }

        Console.Error.WriteLine($"ONNX Runtime vs PyTorch, first 100 test images: max |probability difference| = {diff}");
        Console.WriteLine(SequencePredict("ortvalue", net, acc, tests, Run, diff));
        using (var binding = session.CreateIoBinding())
        {
            binding.BindOutput(outputName, output);
            Console.WriteLine(SequencePredict("iobinding", net, acc, tests, j =>
            {
                binding.BindInput(inputName, singles[j]);
                session.RunWithBinding(runOptions, binding);
            }, diff));
        }

        foreach (var v in singles)
        {
            v.Dispose();
        }

        return 0;
    }

    private static string SequencePredict(string api, string net, double acc, int tests, Action<int> call, string diff)
    {
        const int calls = 2_000, warmup = 200;
        var latencies = new double[calls];
        long allocated = 0;
        for (int i = -warmup; i < calls; i++)
        {
            if (i == 0)
            {
                allocated = GC.GetAllocatedBytesForCurrentThread();
            }

            int j = (i + warmup) % tests; // the test images in order, as the NetGen runner does
            long t0 = Stopwatch.GetTimestamp();
            call(j);
            if (i >= 0)
            {
                latencies[i] = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
            }
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(latencies);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"peer=OnnxRuntime api={api} net={net} batch=1 threads=1 mode=predict test_acc={acc:F2} max_abs_diff={diff} predict_median_us={latencies[calls / 2]:F2} predict_p99_us={latencies[(int)(calls * 0.99)]:F2} predict_alloc_bytes={allocated}");
    }

    private static string Batched(InferenceSession session, RunOptions runOptions, string[] inputNames, string[] outputNames, float[] testX, int tests, int batch, double acc)
    {
        int chunks = tests / batch;
        var inputs = new OrtValue[chunks];
        for (int c = 0; c < chunks; c++)
        {
            inputs[c] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(testX, c * batch * 784, batch * 784), new long[] { batch, 784 });
        }

        var probs = new float[batch * 10];
        using var output = OrtValue.CreateTensorValueFromMemory(probs, new long[] { batch, 10 });
        var inputSlot = new OrtValue[1];
        var outputSlot = new[] { output };
        var calls = new List<double>();
        double total = 0;
        long samples = 0;
        for (int pass = 0; pass < 4; pass++) // pass 0 warms up
        {
            for (int c = 0; c < chunks; c++)
            {
                inputSlot[0] = inputs[c];
                long t0 = Stopwatch.GetTimestamp();
                session.Run(runOptions, inputNames, inputSlot, outputNames, outputSlot);
                double us = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
                if (pass > 0)
                {
                    calls.Add(us);
                    total += us;
                    samples += batch;
                }
            }
        }

        foreach (var v in inputs)
        {
            v.Dispose();
        }

        calls.Sort();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"peer=OnnxRuntime api=ortvalue net=B batch={batch} threads=1 mode=infer samples_per_s={samples * 1e6 / total:F0} test_acc={acc:F2} batch_median_us={calls[calls.Count / 2]:F1}");
    }

    private static int Accuracy(InferenceSession session, RunOptions runOptions, string[] inputNames, string[] outputNames, float[] testX, byte[] testY)
    {
        int tests = testY.Length;
        using var input = OrtValue.CreateTensorValueFromMemory(testX, new long[] { tests, 784 });
        var probs = new float[tests * 10];
        using var output = OrtValue.CreateTensorValueFromMemory(probs, new long[] { tests, 10 });
        session.Run(runOptions, inputNames, new[] { input }, outputNames, new[] { output });
        int correct = 0;
        for (int i = 0; i < tests; i++)
        {
            int best = 0;
            for (int k = 1; k < 10; k++)
            {
                if (probs[i * 10 + k] > probs[i * 10 + best])
                {
                    best = k;
                }
            }

            correct += best == testY[i] ? 1 : 0;
        }

        return correct;
    }

    private static byte[] ReadIdx(string path, out int[] dims)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        byte[] raw = ms.ToArray();
        int count = raw[3];
        dims = new int[count];
        for (int i = 0; i < count; i++)
        {
            dims[i] = (raw[4 + 4 * i] << 24) | (raw[5 + 4 * i] << 16) | (raw[6 + 4 * i] << 8) | raw[7 + 4 * i];
        }

        return raw.AsSpan(4 + 4 * count).ToArray();
    }

    private static float[] Images(string path)
    {
        byte[] raw = ReadIdx(path, out _);
        var pixels = new float[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            pixels[i] = raw[i] / 255f;
        }

        return pixels;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindData()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "NetGen.sln")))
            {
                return Path.Combine(d.FullName, "data", "mnist");
            }
        }

        throw new DirectoryNotFoundException("data/mnist not found: pass --data <directory>");
    }
}
