using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetGen.IO;
using NetGen.Tests.Graph;
using Xunit;

namespace NetGen.Tests.Interop
{
    /// <summary>
    /// Graph networks against PyTorch, through the twin of each generated header (loaded with strict=True from NetGen's
    /// Save, running statistics and num_batches_tracked included): predictions in evaluation mode (running statistics made
    /// non-trivial first) to 1e-10 in double and 1e-5 in float; the loss and every parameter's gradient in training mode (the
    /// mini-batch's statistics) to 1e-10 relative, at batch 1 where PyTorch allows it and at batch ≥ 5; the running
    /// statistics after one Train against PyTorch's after one training-mode forward pass; three AdamW steps with weight
    /// decay, every tensor of the state (buffers included) after them. PyTorch runs once, for every case, in the fixture.
    /// </summary>
    public sealed class GraphInteropTests : IClassFixture<GraphInteropTests.TorchRuns>
    {
        private const double Tolerance = 1e-10;
        private const double FloatTolerance = 1e-5;

        private readonly TorchRuns _runs;

        public GraphInteropTests(TorchRuns runs) => _runs = runs;

        public static IEnumerable<object[]> Names() => TorchRuns.Cases.Select(c => new object[] { c.Name });

        [Theory]
        [MemberData(nameof(Names))]
        public void Predictions_gradients_statistics_and_adamw_steps_match_pytorch(string name)
        {
            Case c = TorchRuns.Cases.Single(k => k.Name == name);
            SafeTensorsFile result = _runs.Result(name);
            AssertClose(name + " predictions", c.Predictions, Read(result, "predictions"), c.Float ? FloatTolerance : Tolerance);
            if (c.Float)
            {
                return;
            }

            double torchLoss = Read(result, "loss")[0];
            Assert.True(Math.Abs(torchLoss - c.Loss) <= Tolerance * Math.Abs(c.Loss), $"{name}: loss {c.Loss:R} vs PyTorch {torchLoss:R}");
            // A bias before a batch normalization has a zero gradient (the normalization takes its mean away): there the
            // values are rounding noise, and the scale of the comparison is the whole gradient's.
            double largest = c.Gradients.Max(g => g.Values.Max(Math.Abs));
            int gradients = 0;
            foreach ((string tensor, double[] values) in c.Gradients)
            {
                AssertClose($"{name} grad.{tensor}", Read(result, "grad." + tensor), values, Tolerance, largest);
                gradients++;
            }

            Assert.Equal(result.Tensors.Count(t => t.Name.StartsWith("grad.", StringComparison.Ordinal)), gradients);
            foreach ((string tensor, double[] values) in c.After)
            {
                AssertClose($"{name} after one Train: {tensor}", Read(result, "after." + tensor), values, Tolerance);
            }

            // Adam scales a gradient that is zero but for rounding noise into steps of noise of the order of η·noise/ε (attention's
            // key bias: the softmax ignores a shift shared by all of a row's scores, so its gradient is exactly 0): there the
            // scale of the comparison is the whole state's, as for the gradients.
            double state = c.Stepped.Count == 0 ? 0 : c.Stepped.Max(s => s.Values.Max(Math.Abs));
            foreach ((string tensor, double[] values) in c.Stepped)
            {
                AssertClose($"{name} after the AdamW steps: {tensor}", Read(result, "adamw." + tensor), values, Tolerance, state);
            }
        }

        private static double[] Read(SafeTensorsFile file, string name)
        {
            SafeTensorInfo info = file.GetTensor(name);
            int count = (int)info.ElementCount;
            var values = new double[count];
            switch (info.DType)
            {
                case DType.F32:
                    var floats = new float[count];
                    file.CopyTo(name, floats);
                    Array.Copy(floats, values, count);
                    break;
                case DType.I64:
                    values[0] = file.ReadCount(name);
                    break;
                default:
                    file.CopyTo(name, values);
                    break;
            }

            return values;
        }

        /// <summary>max |expected − actual| ≤ tolerance · max(max |expected|, floor), naming the worst entry.</summary>
        private static void AssertClose(string what, double[] expected, double[] actual, double tolerance, double floor = 1e-300)
        {
            Assert.Equal(expected.Length, actual.Length);
            double scale = Math.Max(expected.Max(Math.Abs), floor);
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

        /// <summary>One prepared case: what NetGen computed, and the directory PyTorch reads.</summary>
        internal sealed record Case(
            string Name,
            string Directory,
            bool Float,
            double[] Predictions,
            double Loss,
            IReadOnlyList<(string Tensor, double[] Values)> Gradients,
            IReadOnlyList<(string Tensor, double[] Values)> After,
            IReadOnlyList<(string Tensor, double[] Values)> Stepped);

        public sealed class TorchRuns : IDisposable
        {
            private const int Seed = 5;
            private const int Steps = 3;
            private const double Rate = 0.01;
            private const double Decay = 0.05;
            private static readonly string Root = Path.Combine(Path.GetTempPath(), "netgen-graph-" + Guid.NewGuid().ToString("N"));
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
                Classifier<ResidualDense>("ResidualDense_1", 1, new[] { 4 }),
                Classifier<ResidualDense>("ResidualDense_6", 6, new[] { 4 }),
                Classifier<TinyResNet>("TinyResNet_1", 1, new[] { 2, 6, 6 }),
                Classifier<TinyResNetAdamW>("TinyResNet_7", 7, new[] { 2, 6, 6 }, n => n.WeightDecay = Decay),
                Classifier<TinyResNetAdamW>("TinyResNet_40", 40, new[] { 2, 6, 6 }, n => n.WeightDecay = Decay), // 2 parts of 20 examples
                Regressor<NestedResidual>("NestedResidual_1", 1, new[] { 5 }),
                Regressor<NestedResidual>("NestedResidual_5", 5, new[] { 5 }),
                Regressor<Norms1DAdamW>("Norms1D_6", 6, new[] { 5 }, n => n.WeightDecay = Decay),
                Classifier<LayerNormNet>("LayerNormNet_1", 1, new[] { 5 }),
                Classifier<LayerNormNet>("LayerNormNet_5", 5, new[] { 5 }),
                MultiLabel<Pools>("Pools_1", 1, new[] { 2, 7, 7 }),
                MultiLabel<Pools>("Pools_5", 5, new[] { 2, 7, 7 }),
                Classifier<InputNorm>("InputNorm_5", 5, new[] { 3, 4, 4 }),
                Classifier<SmoothNet>("SmoothNet_1", 1, new[] { 5 }),
                Classifier<SmoothNet>("SmoothNet_6", 6, new[] { 5 }),
                Classifier<SmoothConv>("SmoothConv_5", 5, new[] { 2, 6, 6 }),
                Regressor<SmoothSequence>("SmoothSequence_4", 4, new[] { 3, 2 }),
                Regressor<Sequence.PerStepDense>("PerStepDense_1", 1, new[] { 4, 3 }),
                Regressor<Sequence.PerStepDense>("PerStepDense_5", 5, new[] { 4, 3 }),
                Classifier<Sequence.MeanPooled>("MeanPooled_1", 1, new[] { 4, 3 }),
                Classifier<Sequence.MeanPooled>("MeanPooled_6", 6, new[] { 4, 3 }),
                Classifier<Sequence.LstmMeanPooled>("LstmMeanPooled_5", 5, new[] { 3, 2 }),
                Regressor<Sequence.ConvSequence>("ConvSequence_1", 1, new[] { 9, 3 }),
                Regressor<Sequence.ConvSequence>("ConvSequence_5", 5, new[] { 9, 3 }),
                Classifier<Sequence.CausalConvClassifier>("CausalConv_1", 1, new[] { 8, 2 }),
                Classifier<Sequence.CausalConvClassifier>("CausalConv_6", 6, new[] { 8, 2 }),
                Classifier<Sequence.CausalStream>("CausalStream_4", 4, new[] { 10, 2 }),
                Regressor<Sequence.ResidualTcn>("ResidualTcn_1", 1, new[] { 12, 2 }, n => n.WeightDecay = Decay),
                Regressor<Sequence.ResidualTcn>("ResidualTcn_5", 5, new[] { 12, 2 }, n => n.WeightDecay = Decay),
                Regressor<Sequence.LastStepTcn>("LastStepTcn_1", 1, new[] { 10, 2 }),
                Regressor<Sequence.LastStepTcn>("LastStepTcn_5", 5, new[] { 10, 2 }),
                Regressor<Sequence.AttentionPerStep>("AttentionPerStep_1", 1, new[] { 5, 3 }),
                Regressor<Sequence.AttentionPerStep>("AttentionPerStep_5", 5, new[] { 5, 3 }),
                Classifier<Sequence.CausalAttentionClassifier>("CausalAttention_1", 1, new[] { 6, 3 }),
                Classifier<Sequence.CausalAttentionClassifier>("CausalAttention_6", 6, new[] { 6, 3 }),
                Regressor<Sequence.AttentionFirst>("AttentionFirst_5", 5, new[] { 4, 4 }),
                Classifier<Sequence.TinyTransformer>("TinyTransformer_1", 1, new[] { 5, 3 }, n => n.WeightDecay = Decay),
                Classifier<Sequence.TinyTransformer>("TinyTransformer_5", 5, new[] { 5, 3 }, n => n.WeightDecay = Decay),
                Classifier<Sequence.PositionedEncoder>("PositionedEncoder_1", 1, new[] { 5, 3 }, n => n.WeightDecay = Decay),
                Classifier<Sequence.PositionedEncoder>("PositionedEncoder_6", 6, new[] { 5, 3 }, n => n.WeightDecay = Decay),
                Regressor<Sequence.PositionFirst>("PositionFirst_4", 4, new[] { 4, 3 }),
                Classifier<Sequence.TinyTokenModel>("TinyTokenModel_1", 1, new[] { 5, 1 }, n => n.WeightDecay = Decay),
                Classifier<Sequence.TinyTokenModel>("TinyTokenModel_6", 6, new[] { 5, 1 }, n => n.WeightDecay = Decay),
                Classifier<Sequence.TokenBag>("TokenBag_5", 5, new[] { 6, 1 }),
                FloatClassifier<Sequence.StreamingTokenModel>("StreamingTokenModel_7", 7, new[] { 8, 1 }, exact: false),
                FloatClassifier<Sequence.TinyTransformerFloat>("TinyTransformerFloat_7", 7, new[] { 5, 3 }, exact: false),
                FloatClassifier<TinyResNetFloat>("TinyResNetFloat", 9, new[] { 2, 6, 6 }),
                FloatClassifier<Sequence.CausalStreamFloat>("CausalStreamFloat_7", 7, new[] { 10, 2 }, exact: false),
            };

            private static Case Classifier<TNet>(string name, int batch, int[] shape, Action<TNet>? adamW = null)
                where TNet : class, IClassifier<TNet, double>, new() =>
                Double(name, batch, shape, "Softmax", (n, seed) => TestData.Labels(n * LabelsPerExample<TNet>(), TNet.ClassCount, seed), labels => labels.Select(v => (double)v).ToArray(), new[] { batch * LabelsPerExample<TNet>() }, adamW);

            /// <summary>Labels per example: one, or one per step for a network with an output per step.</summary>
            private static int LabelsPerExample<TNet>()
                where TNet : class, IClassifier<TNet, double>, new() => TNet.OutputSize / TNet.ClassCount;

            private static Case Regressor<TNet>(string name, int batch, int[] shape, Action<TNet>? adamW = null)
                where TNet : class, IRegressor<TNet, double>, new() =>
                Double(name, batch, shape, "Identity", (n, seed) => TestData.Doubles(n * TNet.OutputSize, seed, 1.0), t => t, new[] { batch, TNet.OutputSize }, adamW);

            private static Case MultiLabel<TNet>(string name, int batch, int[] shape)
                where TNet : class, IRegressor<TNet, double>, new() =>
                Double<TNet, double>(name, batch, shape, "Sigmoid", (n, seed) => TestData.Doubles(n * TNet.OutputSize, seed, 0.5).Select(v => v + 0.5).ToArray(), t => t, new[] { batch, TNet.OutputSize }, null);

            private static Case Double<TNet, TTarget>(
                string name,
                int batch,
                int[] shape,
                string head,
                Func<int, int, TTarget[]> targetsOf,
                Func<TTarget[], double[]> asDoubles,
                int[] targetShape,
                Action<TNet>? adamW)
                where TNet : class, ITrainable<TNet, double, TTarget>, new()
                where TTarget : unmanaged
            {
                string directory = Path.Combine(Root, name);
                Directory.CreateDirectory(directory);
                File.WriteAllLines(Path.Combine(directory, "twin.py"), GeneratedSource.Twin(typeof(TNet)));
                var net = new TNet();
                net.InitializeParameters(Seed);
                MakeStatisticsNonTrivial(net);
                string model = Path.Combine(directory, "model.safetensors");
                net.Save(model);

                double[] x = Inputs<TNet>(batch * TNet.InputSize, name.Length * 7);
                TTarget[] y = targetsOf(batch, name.Length * 11);
                double[] predictions = new double[batch * TNet.OutputSize];
                net.PredictBatch(x, predictions);
                double[] g = new double[TNet.ParameterCount];
                double loss = net.Gradient(x, y, g);
                var gradients = Named(net, model, g);

                // The running statistics after one Train (rate 0: the parameters stay, the statistics move once).
                var trained = new TNet();
                trained.Load(model);
                trained.Train(x, y, 0);
                var after = Buffers(trained, directory, "after.safetensors");

                var data = new List<TensorEntry>
                {
                    TensorEntry.Create("inputs", new[] { batch, TNet.InputSize }, x),
                    TensorEntry.Create("targets", targetShape, asDoubles(y)),
                };
                var stepped = new List<(string, double[])>();
                string steps = string.Empty;
                if (adamW is not null)
                {
                    var learner = new TNet();
                    learner.Load(model);
                    adamW(learner);
                    for (int k = 0; k < Steps; k++)
                    {
                        double[] xk = Inputs<TNet>(batch * TNet.InputSize, 100 + k);
                        TTarget[] yk = targetsOf(batch, 200 + k);
                        learner.Train(xk, yk, Rate);
                        data.Add(TensorEntry.Create("x" + k, new[] { batch, TNet.InputSize }, xk));
                        data.Add(TensorEntry.Create("y" + k, targetShape, asDoubles(yk)));
                    }

                    stepped.AddRange(Everything(learner, directory));
                    steps = $",\"steps\":{Steps},\"lr\":{Rate},\"weight_decay\":{Decay}";
                }

                SafeTensors.Save(Path.Combine(directory, "data.safetensors"), data);
                File.WriteAllText(Path.Combine(directory, "spec.json"), $"{{\"head\":\"{head}\",\"shape\":[{string.Join(",", shape)}]{steps}}}");
                return new Case(name, directory, false, predictions, loss, gradients, after, stepped);
            }

            /// <summary>
            /// A float classifier's predictions (batched and single: bit-identical when <paramref name="exact"/>, else to 1e-6,
            /// as rows of a step's product may be summed in another order in a batch), for PyTorch to match to 1e-5.
            /// </summary>
            private static Case FloatClassifier<TNet>(string name, int batch, int[] shape, bool exact = true)
                where TNet : class, IClassifier<TNet, float>, new()
            {
                string directory = Path.Combine(Root, name);
                Directory.CreateDirectory(directory);
                File.WriteAllLines(Path.Combine(directory, "twin.py"), GeneratedSource.Twin(typeof(TNet)));
                var net = new TNet();
                net.InitializeParameters(Seed);
                MakeStatisticsNonTrivial(net);
                net.Save(Path.Combine(directory, "model.safetensors"));
                float[] x = Inputs<TNet>(batch * TNet.InputSize, 77).Select(v => (float)v).ToArray();
                float[] outputs = new float[batch * TNet.OutputSize];
                net.PredictBatch(x, outputs);
                var single = new float[TNet.OutputSize];
                net.Predict(x.AsSpan(0, TNet.InputSize), single);
                if (exact)
                {
                    Assert.Equal(outputs.AsSpan(0, single.Length).ToArray(), single);
                }
                else
                {
                    AssertClose(name + " Predict against PredictBatch", outputs.AsSpan(0, single.Length).ToArray().Select(v => (double)v).ToArray(), single.Select(v => (double)v).ToArray(), 1e-6);
                }

                int labels = batch * TNet.OutputSize / TNet.ClassCount;
                SafeTensors.Save(Path.Combine(directory, "data.safetensors"), new[]
                {
                    TensorEntry.Create("inputs", new[] { batch, TNet.InputSize }, x),
                    TensorEntry.Create("targets", new[] { labels }, TestData.Labels(labels, TNet.ClassCount, 79).Select(v => (float)v).ToArray()),
                });
                File.WriteAllText(Path.Combine(directory, "spec.json"), $"{{\"head\":\"Softmax\",\"shape\":[{string.Join(",", shape)}]}}");
                var none = Array.Empty<(string, double[])>();
                return new Case(name, directory, true, outputs.Select(v => (double)v).ToArray(), 0, none, none, none);
            }

            /// <summary>
            /// An example's inputs: token ids (as values) for a network over tokens (one with a Vocabulary), else values in
            /// ±1.5.
            /// </summary>
            private static double[] Inputs<TNet>(int count, int seed) =>
                typeof(TNet).GetField("Vocabulary")?.GetValue(null) is int vocabulary
                    ? TestData.Labels(count, vocabulary, seed).Select(v => (double)v).ToArray()
                    : TestData.Doubles(count, seed, 1.5);

            /// <summary>Running statistics away from 0 and 1 and a count of 3, so that evaluation mode shows whether they are used.</summary>
            private static void MakeStatisticsNonTrivial<TNet, T>(INetwork<TNet, T> net)
                where TNet : class, INetwork<TNet, T>
                where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
            {
                Span<T> buffers = net.Buffers;
                for (int i = 0; i < buffers.Length; i++)
                {
                    buffers[i] = T.CreateTruncating(0.5 + (0.25 * Math.Sin(i + 1)));
                }

                net.Counters.Fill(3);
            }

            /// <summary>The gradient as named tensors: written into a twin's parameters and saved, then read back by name.</summary>
            private static List<(string, double[])> Named<TNet>(TNet net, string model, double[] gradient)
                where TNet : class, INetwork<TNet, double>, new()
            {
                var twin = new TNet();
                twin.Load(model);
                gradient.CopyTo(twin.Parameters);
                string path = Path.ChangeExtension(model, ".gradient.safetensors");
                twin.Save(path);
                SafeTensorsFile file = SafeTensors.Load(path);
                var parameters = new HashSet<string>(Parameters(net, model));
                return file.Tensors.Where(t => parameters.Contains(t.Name)).Select(t => (t.Name, Values(file, t))).ToList();
            }

            /// <summary>The names of the parameters among the model file's tensors: those whose values are in Parameters.</summary>
            private static IEnumerable<string> Parameters<TNet>(TNet net, string model)
                where TNet : class, INetwork<TNet, double>, new()
            {
                // A file of a network whose parameters are all 7 and whose buffers are all 0: the tensors holding 7 are the parameters.
                var probe = new TNet();
                probe.Load(model);
                probe.Parameters.Fill(7);
                probe.Buffers.Clear();
                string path = Path.ChangeExtension(model, ".probe.safetensors");
                probe.Save(path);
                SafeTensorsFile file = SafeTensors.Load(path);
                return file.Tensors.Where(t => t.DType == DType.F64 && Values(file, t).All(v => v == 7)).Select(t => t.Name).ToList();
            }

            private static List<(string, double[])> Buffers<TNet>(TNet net, string directory, string file)
                where TNet : class, INetwork<TNet, double>, new()
            {
                string path = Path.Combine(directory, file);
                net.Save(path);
                SafeTensorsFile saved = SafeTensors.Load(path);
                var parameters = new HashSet<string>(Parameters(net, Path.Combine(directory, "model.safetensors")));
                return saved.Tensors.Where(t => !parameters.Contains(t.Name)).Select(t => (t.Name, Values(saved, t))).ToList();
            }

            private static List<(string, double[])> Everything<TNet>(TNet net, string directory)
                where TNet : class, INetwork<TNet, double>
            {
                string path = Path.Combine(directory, "stepped.safetensors");
                net.Save(path);
                SafeTensorsFile saved = SafeTensors.Load(path);
                return saved.Tensors.Select(t => (t.Name, Values(saved, t))).ToList();
            }

            private static double[] Values(SafeTensorsFile file, SafeTensorInfo tensor)
            {
                if (tensor.DType == DType.I64)
                {
                    return new double[] { file.ReadCount(tensor.Name) };
                }

                var values = new double[tensor.ElementCount];
                file.CopyTo(tensor.Name, values);
                return values;
            }

            private static void Run(IEnumerable<string> directories)
            {
                string python = Environment.GetEnvironmentVariable("NETGEN_PYTHON") ?? "/usr/bin/python3";
                string script = Path.Combine(AppContext.BaseDirectory, "Interop", "torch_graph.py");
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
