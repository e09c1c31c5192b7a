using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetGen.IO;
using NetGen.Runtime;
using NetGen.Tests.Convolution;
using Xunit;

namespace NetGen.Tests.Interop
{
    /// <summary>
    /// Generated image networks against PyTorch (torch_conv.py: the nn.Sequential named by the model file's own
    /// "netgen.sequential" metadata, loaded with strict=True): predictions to 1e-5 in float (LeNet-5) and gradients of
    /// every parameter against autograd to 1e-10 relative in double, for odd sizes, padding, stride 2, several channels,
    /// overlapping pools, every head, and dropout with the masks NetGen drew (rebuilt from NetGen.Runtime.Dropout).
    /// Every case is prepared first and PyTorch runs once for all of them, in the fixture.
    /// </summary>
    public sealed class ConvolutionInteropTests : IClassFixture<ConvolutionInteropTests.TorchRuns>
    {
        private const double Tolerance = 1e-10;
        private const double FloatTolerance = 1e-5;

        private readonly TorchRuns _runs;

        public ConvolutionInteropTests(TorchRuns runs) => _runs = runs;

        public static IEnumerable<object[]> Names() => TorchRuns.Cases.Select(c => new object[] { c.Name });

        [Theory]
        [MemberData(nameof(Names))]
        public void Predictions_and_gradients_match_pytorch(string name)
        {
            Case c = TorchRuns.Cases.Single(k => k.Name == name);
            SafeTensorsFile result = _runs.Result(name);
            double[] predictions = Read(result, "predictions", c.Batch * c.OutputSize);
            double tolerance = c.Float ? FloatTolerance : Tolerance;
            AssertClose(name + " predictions", predictions, c.Predictions, tolerance);
            if (c.Float)
            {
                return;
            }

            Assert.True(Math.Abs(Read(result, "loss", 1)[0] - c.Loss) <= Tolerance * Math.Abs(c.Loss), $"{name}: loss {c.Loss:R} vs PyTorch {Read(result, "loss", 1)[0]:R}");
            SafeTensorsFile gradient = SafeTensors.Load(c.GradientFile);
            Assert.NotEmpty(gradient.Tensors);
            foreach (SafeTensorInfo tensor in gradient.Tensors)
            {
                int count = 1;
                foreach (int d in tensor.Shape)
                {
                    count *= d;
                }

                double[] actual = new double[count];
                gradient.CopyTo(tensor.Name, actual);
                AssertClose($"{name} grad.{tensor.Name}", Read(result, "grad." + tensor.Name, count), actual, Tolerance);
            }
        }

        private static double[] Read(SafeTensorsFile file, string name, int count)
        {
            SafeTensorInfo info = file.GetTensor(name);
            var values = new double[count];
            if (info.DType == DType.F32)
            {
                var floats = new float[count];
                file.CopyTo(name, floats);
                for (int i = 0; i < count; i++)
                {
                    values[i] = floats[i];
                }
            }
            else
            {
                file.CopyTo(name, values);
            }

            return values;
        }

        /// <summary>max |expected − actual| ≤ tolerance · max |expected|, naming the worst entry.</summary>
        private static void AssertClose(string what, double[] expected, double[] actual, double tolerance)
        {
            Assert.Equal(expected.Length, actual.Length);
            double scale = expected.Max(Math.Abs);
            Assert.True(scale > 0, $"{what}: all zero");
            int worst = 0;
            for (int i = 1; i < expected.Length; i++)
            {
                if (Math.Abs(expected[i] - actual[i]) > Math.Abs(expected[worst] - actual[worst]))
                {
                    worst = i;
                }
            }

            double error = Math.Abs(expected[worst] - actual[worst]) / scale;
            Assert.True(error <= tolerance, $"{what}: entry {worst}: PyTorch {expected[worst]:R}, NetGen {actual[worst]:R}, relative error {error:E2}");
        }

        /// <summary>One prepared case: NetGen's predictions, loss and gradient file, and the directory PyTorch reads.</summary>
        internal sealed record Case(string Name, string Directory, bool Float, int Batch, int OutputSize, double[] Predictions, double Loss, string GradientFile);

        /// <summary>A mask of one dropout layer: its module index in the nn.Sequential, its NetGen layer index, p and width.</summary>
        private sealed record DropoutMask(int Module, int Layer, double P, int Width);

        public sealed class TorchRuns : IDisposable
        {
            private const int Seed = 7;
            private static readonly string Root = Path.Combine(Path.GetTempPath(), "netgen-conv-" + Guid.NewGuid().ToString("N"));
            private static List<Case>? s_cases;

            public TorchRuns()
            {
                Run(Cases.Select(c => c.Directory));
            }

            internal static List<Case> Cases => s_cases ??= Prepare();

            public SafeTensorsFile Result(string name) => SafeTensors.Load(Path.Combine(Root, name, "result.safetensors"));

            public void Dispose()
            {
                try
                {
                    Directory.Delete(Root, recursive: true);
                }
                catch (IOException)
                {
                }
            }

            private static List<Case> Prepare() => new()
            {
                Double("ConvOdd", new ConvOdd(), n => n.InitializeParameters(Seed), n => n.Parameters, (n, x, y, g) => n.Gradient(x, (int[])y, g), (n, x, o) => n.PredictBatch(x, o), (n, p) => n.Save(p), ConvOdd.InputSize, ConvOdd.OutputSize, new[] { 2, 7, 9 }, 3, "Softmax"),
                Double("ConvStride", new ConvStride(), n => n.InitializeParameters(Seed), n => n.Parameters, (n, x, y, g) => n.Gradient(x, (double[])y, g), (n, x, o) => n.PredictBatch(x, o), (n, p) => n.Save(p), ConvStride.InputSize, ConvStride.OutputSize, new[] { 1, 9, 9 }, 4, "Sigmoid"),
                Double("ConvRegression", new ConvRegression(), n => n.InitializeParameters(Seed), n => n.Parameters, (n, x, y, g) => n.Gradient(x, (double[])y, g), (n, x, o) => n.PredictBatch(x, o), (n, p) => n.Save(p), ConvRegression.InputSize, ConvRegression.OutputSize, new[] { 3, 5, 5 }, 5, "Identity"),
                Double("PoolFirst", new PoolFirst(), n => n.InitializeParameters(Seed), n => n.Parameters, (n, x, y, g) => n.Gradient(x, (int[])y, g), (n, x, o) => n.PredictBatch(x, o), (n, p) => n.Save(p), PoolFirst.InputSize, PoolFirst.OutputSize, new[] { 2, 4, 6 }, 3, "Softmax", new DropoutMask(4, 3, 0.5, 8)),
                Double("ConvDropout", new ConvDropout(), n => n.InitializeParameters(Seed), n => n.Parameters, (n, x, y, g) => n.Gradient(x, (int[])y, g), (n, x, o) => n.PredictBatch(x, o), (n, p) => n.Save(p), ConvDropout.InputSize, ConvDropout.OutputSize, new[] { 1, 6, 6 }, 6, "Softmax", new DropoutMask(2, 1, 0.25, 64), new DropoutMask(7, 5, 0.5, 8)),
                Double("LeNet5Double", new LeNet5Double(), n => n.InitializeParameters(Seed), n => n.Parameters, (n, x, y, g) => n.Gradient(x, (int[])y, g), (n, x, o) => n.PredictBatch(x, o), (n, p) => n.Save(p), LeNet5Double.InputSize, LeNet5Double.OutputSize, new[] { 1, 28, 28 }, 3, "Softmax"),
                LeNetFloat(),
            };

            private delegate Span<double> ParametersOf<TNet>(TNet net);

            private static Case Double<TNet>(
                string name,
                TNet net,
                Action<TNet> initialize,
                ParametersOf<TNet> parameters,
                Func<TNet, double[], object, double[], double> gradient,
                Action<TNet, double[], double[]> predict,
                Action<TNet, string> save,
                int inputSize,
                int outputSize,
                int[] shape,
                int batch,
                string head,
                params DropoutMask[] masks)
                where TNet : new()
            {
                string directory = Path.Combine(Root, name);
                Directory.CreateDirectory(directory);
                initialize(net);
                double[] x = TestData.Doubles(batch * inputSize, name.Length * 7, 1.5);
                int[] labels = TestData.Labels(batch, outputSize, name.Length * 11);
                double[] targets = TestData.Doubles(batch * outputSize, name.Length * 13, 0.5).Select(v => head == "Sigmoid" ? v + 0.5 : v).ToArray();
                object y = head == "Softmax" ? labels : targets;
                double[] g = new double[parameters(net).Length];
                double loss = gradient(net, x, y, g);
                double[] predictions = new double[batch * outputSize];
                predict(net, x, predictions);
                save(net, Path.Combine(directory, "model.safetensors"));

                var twin = new TNet();
                g.CopyTo(parameters(twin));
                string gradientFile = Path.Combine(directory, "gradient.safetensors");
                save(twin, gradientFile);

                var data = new List<TensorEntry>
                {
                    TensorEntry.Create("inputs", new[] { batch, inputSize }, x),
                    head == "Softmax"
                        ? TensorEntry.Create("targets", new[] { batch }, labels.Select(v => (double)v).ToArray())
                        : TensorEntry.Create("targets", new[] { batch, outputSize }, targets),
                };
                ulong step = Dropout.StepKey(Seed, 0);
                foreach (DropoutMask mask in masks)
                {
                    var factors = new double[batch * mask.Width];
                    for (int n = 0; n < batch; n++)
                    {
                        ulong example = Dropout.ExampleKey(step, mask.Layer, n);
                        for (int i = 0; i < mask.Width; i++)
                        {
                            factors[(n * mask.Width) + i] = Dropout.Keeps(example, i, mask.P) ? 1.0 / (1.0 - mask.P) : 0.0;
                        }
                    }

                    Assert.Contains(0.0, factors); // the masks drop something: the test would not see a wrong mask otherwise
                    data.Add(TensorEntry.Create("mask." + mask.Module, new[] { batch, mask.Width }, factors));
                }

                SafeTensors.Save(Path.Combine(directory, "data.safetensors"), data);
                File.WriteAllText(Path.Combine(directory, "spec.json"), $"{{\"head\":\"{head}\",\"shape\":[{string.Join(",", shape)}]}}");
                return new Case(name, directory, false, batch, outputSize, predictions, loss, gradientFile);
            }

            private static Case LeNetFloat()
            {
                const int batch = 37; // more than a block of 32 through PredictBatch, and a rest
                string directory = Path.Combine(Root, "LeNet5");
                Directory.CreateDirectory(directory);
                var net = new LeNet5();
                net.InitializeParameters(Seed);
                float[] x = TestData.Floats(batch * LeNet5.InputSize, 91, 1.0f);
                float[] outputs = new float[batch * LeNet5.OutputSize];
                net.PredictBatch(x, outputs);
                var single = new float[LeNet5.OutputSize];
                net.Predict(x.AsSpan(0, LeNet5.InputSize), single);
                for (int k = 0; k < LeNet5.OutputSize; k++)
                {
                    Assert.True(Math.Abs(outputs[k] - single[k]) <= 1e-6f, $"Predict {single[k]:R} vs PredictBatch {outputs[k]:R} at {k}");
                }

                net.Save(Path.Combine(directory, "model.safetensors"));
                SafeTensors.Save(Path.Combine(directory, "data.safetensors"), new[]
                {
                    TensorEntry.Create("inputs", new[] { batch, LeNet5.InputSize }, x),
                    TensorEntry.Create("targets", new[] { batch }, TestData.Labels(batch, 10, 93).Select(v => (float)v).ToArray()),
                });
                File.WriteAllText(Path.Combine(directory, "spec.json"), "{\"head\":\"Softmax\",\"shape\":[1,28,28]}");
                return new Case("LeNet5", directory, true, batch, LeNet5.OutputSize, outputs.Select(v => (double)v).ToArray(), 0, string.Empty);
            }

            private static void Run(IEnumerable<string> directories)
            {
                string python = Environment.GetEnvironmentVariable("NETGEN_PYTHON") ?? "/usr/bin/python3";
                string script = Path.Combine(AppContext.BaseDirectory, "Interop", "torch_conv.py");
                Assert.True(File.Exists(python), $"{python} not found: install Debian's python3 and python3-torch (tests/run.sh does)");
                var start = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
                start.ArgumentList.Add(script);
                foreach (string directory in directories)
                {
                    start.ArgumentList.Add(directory);
                }

                start.Environment["OMP_NUM_THREADS"] = "1";
                using Process process = Process.Start(start)!;
                string stdout = process.StandardOutput.ReadToEnd();
                string stderr = process.StandardError.ReadToEnd();
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, $"{python} {script} failed ({process.ExitCode}); python3-torch is required (tests/run.sh installs it):\n{stdout}\n{stderr}");
            }
        }
    }
}
