using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetGen.IO;
using NetGen.Tests.Recurrent;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace NetGen.Tests.Interop
{
    /// <summary>
    /// Generated recurrent networks (LSTM, GRU, RNN; many-to-one, many-to-many, stacked; every head) against PyTorch
    /// (torch_recurrent.py: nn.LSTM / nn.GRU / nn.RNN with batch_first, nn.Linear, activation modules, numbered as
    /// nn.Sequential numbers them):
    /// <list type="bullet">
    /// <item>float32 predictions both ways: a NetGen model file loaded strictly by PyTorch, and PyTorch's own
    /// initialization loaded by NetGen, to 1e-5;</item>
    /// <item>float64 gradients of every parameter against autograd to 1e-10 (relative to each tensor's largest entry),
    /// for one example and for a mini-batch;</item>
    /// <item>float64 optimizer trajectories against torch.optim (SGD fused at batch 1 and in a mini-batch, SGD with weight
    /// decay, Momentum, Nesterov, Adam with weight decay, AdamW) to 1e-10.</item>
    /// </list>
    /// Everything PyTorch computes is prepared and run once, in one Python process, by the class fixture.
    /// </summary>
    public sealed class RecurrentInteropTests : IClassFixture<RecurrentInteropTests.TorchRuns>
    {
        private const double PredictionTolerance = 1e-5;
        private const double Tolerance = 1e-10;
        private const int PredictCount = 37; // more than one block of 32 in PredictBatch, and a rest

        private readonly ITestOutputHelper _output;
        private readonly TorchRuns _runs;

        public RecurrentInteropTests(ITestOutputHelper output, TorchRuns runs) => (_output, _runs) = (output, runs);

        public static IEnumerable<object[]> FloatCases() => GeneratedSequenceNetworks.FloatNames();

        public static IEnumerable<object[]> GradientCases() => GeneratedSequenceNetworks.DoubleNamesAndBatches();

        public static IEnumerable<object[]> OptimizerCases() => OptimizerRuns.Select(o => new object[] { o.Label });

        /// <summary>The optimizer runs: a label, the network, torch.optim's kind, weight decay, batch size, steps, rate.</summary>
        public static readonly OptimizerRun[] OptimizerRuns =
        {
            new("Sgd, batch 1 (fused), LSTM → GRU regression", "StackedRegression", "Sgd", 0.0, 1, 5, 0.1),
            new("Sgd, batch 1 (fused), RNN labels per step", "RnnToManyLabels", "Sgd", 0.0, 1, 5, 0.1),
            new("Sgd, batch 4 (fused mini-batch), LSTM labels per step", "LstmToMany", "Sgd", 0.0, 4, 5, 0.1),
            new("Sgd + weight decay, batch 3, GRU", "GruToOne", "Sgd", 0.01, 3, 5, 0.1),
            new("Sgd + weight decay, batch 1, RNN → GRU multi-label", "StackedMultiLabel", "Sgd", 0.01, 1, 5, 0.1),
            new("Momentum, batch 3, RNN regression per step", "MomentumRnnToMany", "Momentum", 0.0, 3, 5, 0.1),
            new("Momentum + weight decay, batch 1", "MomentumRnnToMany", "Momentum", 0.01, 1, 5, 0.1),
            new("Nesterov + weight decay, batch 3, GRU multi-label", "NesterovGruToOne", "Nesterov", 0.01, 3, 5, 0.1),
            new("Adam + weight decay, batch 3, LSTM → GRU → Dense", "AdamLstmGru", "Adam", 0.01, 3, 5, 0.05),
            new("Adam, batch 1, LSTM → GRU → Dense", "AdamLstmGru", "Adam", 0.0, 1, 5, 0.05),
            new("AdamW, batch 2, GRU → RNN → LSTM", "AdamWGruRnnLstm", "AdamW", 0.01, 2, 5, 0.05),
        };

        [Theory]
        [MemberData(nameof(FloatCases))]
        public void PyTorch_loads_a_NetGen_model_file_strictly_and_predicts_the_same(string name)
        {
            GeneratedCase<IFloatSequenceNet> c = GeneratedSequenceNetworks.FloatCase(name);
            IFloatSequenceNet net = TorchRuns.SavedFloatNet(c);
            float[] x = TorchRuns.FloatInputs(c.Twin);

            // The file's names and shapes are PyTorch's, and its tensors are the generated layout in the twin's order.
            SafeTensorsFile saved = SafeTensors.Load(Path.Combine(_runs.Directory("save", name), "model.safetensors"));
            Assert.Equal(c.Twin.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), saved.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
            var layout = new float[c.Twin.ParameterCount];
            foreach (SequenceTensor t in c.Twin.Tensors)
            {
                saved.CopyTo(t.Name, t.Shape, layout.AsSpan(t.Offset, t.Count));
            }

            Assert.Equal(net.Parameters.ToArray(), layout);

            float[] expected = TorchPredictions(c.Twin, _runs.Result("save", name));
            (double one, double batch) = PredictionDiffs(c.Twin, net, x, expected);
            _output.WriteLine($"{name}: NetGen → PyTorch, Predict {one:E2}, PredictBatch {batch:E2}");
            AssertPredictions(name, one, batch);
        }

        [Theory]
        [MemberData(nameof(FloatCases))]
        public void NetGen_loads_a_PyTorch_initialized_model_file_and_predicts_the_same(string name)
        {
            GeneratedCase<IFloatSequenceNet> c = GeneratedSequenceNetworks.FloatCase(name);
            IFloatSequenceNet net = c.Create();
            net.Load(Path.Combine(_runs.Directory("export", name), "model.safetensors"));
            float[] expected = TorchPredictions(c.Twin, _runs.Result("export", name));
            (double one, double batch) = PredictionDiffs(c.Twin, net, TorchRuns.FloatInputs(c.Twin), expected);
            _output.WriteLine($"{name}: PyTorch → NetGen, Predict {one:E2}, PredictBatch {batch:E2}");
            AssertPredictions(name, one, batch);
        }

        [Theory]
        [MemberData(nameof(GradientCases))]
        public void Gradients_of_every_parameter_equal_autograd_in_float64(string name, int batch)
        {
            GeneratedCase<IDoubleSequenceNet> c = GeneratedSequenceNetworks.DoubleCase(name);
            SafeTensorsFile result = _runs.Result("gradient", $"{name}-{batch}");
            (double loss, double[] gradient) = GeneratedGradient(c, batch);

            var torchLoss = new double[1];
            result.CopyTo("loss", torchLoss);
            double lossDiff = Math.Abs(loss - torchLoss[0]) / Math.Abs(torchLoss[0]);
            double[] expected = RecurrentTorch.ReadParameters(result, c.Twin, "grad.");
            (double diff, string tensor) = RecurrentTorch.MaxRelative(c.Twin, expected, gradient);
            _output.WriteLine($"{name}, batch {batch}: loss {lossDiff:E2}, gradient {diff:E2} (worst {tensor})");
            Assert.True(lossDiff <= Tolerance, $"{name}, batch {batch}: loss {loss:R} vs PyTorch {torchLoss[0]:R}");
            AssertGradient($"{name}, batch {batch}", c.Twin, expected, gradient);
        }

        [Theory]
        [MemberData(nameof(OptimizerCases))]
        public void Optimizer_steps_follow_the_torch_optim_trajectory_in_float64(string label)
        {
            OptimizerRun run = OptimizerRuns.Single(o => o.Label == label);
            GeneratedCase<IDoubleSequenceNet> c = GeneratedSequenceNetworks.DoubleCase(run.Network);
            ReferenceSequenceNet twin = c.Twin;
            SafeTensorsFile result = _runs.Result("optimize", run.Key);
            IDoubleSequenceNet net = GeneratedSequenceNetworks.DoubleNet(c);
            net.WeightDecay = run.WeightDecay;
            double[] initial = net.Parameters.ToArray();
            (double[] x, int[] labels, double[] targets) = TorchRuns.OptimizerData(run, twin);
            var losses = new double[run.Steps];
            result.CopyTo("losses", losses);

            double worst = 0, worstLoss = 0;
            string where = "";
            for (int s = 0; s < run.Steps; s++)
            {
                double loss = GeneratedSequenceNetworks.Train(
                    net,
                    x.AsSpan(s * run.Batch * twin.InputSize, run.Batch * twin.InputSize).ToArray(),
                    labels.AsSpan(s * run.Batch * twin.TargetSize, run.Batch * twin.TargetSize).ToArray(),
                    targets.AsSpan(s * run.Batch * twin.TargetSize, run.Batch * twin.TargetSize).ToArray(),
                    run.Rate);
                worstLoss = Math.Max(worstLoss, Math.Abs(loss - losses[s]) / Math.Abs(losses[s]));

                var expected = new double[twin.ParameterCount];
                foreach (SequenceTensor t in twin.Tensors)
                {
                    var all = new double[run.Steps * t.Count];
                    result.CopyTo("trajectory." + t.Name, new[] { run.Steps }.Concat(t.Shape).ToArray(), all);
                    all.AsSpan(s * t.Count, t.Count).CopyTo(expected.AsSpan(t.Offset));
                }

                (double d, string tensor) = RecurrentTorch.MaxRelative(twin, expected, net.Parameters.ToArray());
                if (d >= worst)
                {
                    (worst, where) = (d, $"{tensor} after step {s + 1}");
                }
            }

            double moved = RecurrentTorch.MaxRelative(twin, initial, net.Parameters.ToArray()).Worst;
            _output.WriteLine($"{label}: losses {worstLoss:E2}, parameters {worst:E2} (worst {where}); moved {moved:E2}");
            Assert.True(moved > 1e-3, "the parameters hardly moved: the comparison would prove little");
            Assert.True(worstLoss <= Tolerance, $"{label}: losses differ by {worstLoss:E2}");
            Assert.True(worst <= Tolerance, $"{label}: parameters differ by {worst:E2} at {where}");
        }

        [Fact]
        public void The_checks_fail_on_a_slightly_wrong_gradient_or_parameter()
        {
            // A gradient: one entry of the first layer's W_hh off by 1e-9 of the tensor's largest entry.
            GeneratedCase<IDoubleSequenceNet> c = GeneratedSequenceNetworks.DoubleCase("StackedRegression");
            double[] expected = RecurrentTorch.ReadParameters(_runs.Result("gradient", "StackedRegression-5"), c.Twin, "grad.");
            double[] gradient = GeneratedGradient(c, 5).Gradient;
            AssertGradient("unchanged", c.Twin, expected, gradient);
            SequenceTensor hidden = c.Twin.Tensors[1];
            Assert.Equal("0.weight_hh_l0", hidden.Name);
            gradient[hidden.Offset + 2] += 1e-9 * expected.AsSpan(hidden.Offset, hidden.Count).ToArray().Max(Math.Abs);
            Assert.Throws<TrueException>(() => AssertGradient("perturbed", c.Twin, expected, gradient));

            // A parameter: one W_hh entry of PyTorch's model moved by 0.1 after loading.
            GeneratedCase<IFloatSequenceNet> f = GeneratedSequenceNetworks.FloatCase("FloatLstm");
            IFloatSequenceNet net = f.Create();
            net.Load(Path.Combine(_runs.Directory("export", f.Name), "model.safetensors"));
            net.Parameters[f.Twin.Tensors[1].Offset + 5] += 0.1f;
            (double one, double batch) = PredictionDiffs(f.Twin, net, TorchRuns.FloatInputs(f.Twin), TorchPredictions(f.Twin, _runs.Result("export", f.Name)));
            _output.WriteLine($"perturbed W_hh: predictions differ by {one:E2}, {batch:E2}");
            Assert.Throws<TrueException>(() => AssertPredictions("perturbed", one, batch));
        }

        private static (double Loss, double[] Gradient) GeneratedGradient(GeneratedCase<IDoubleSequenceNet> c, int batch)
        {
            IDoubleSequenceNet net = GeneratedSequenceNetworks.DoubleNet(c);
            (double[] x, int[] labels, double[] targets) = GeneratedSequenceNetworks.GradientData(c.Twin, batch);
            var gradient = new double[c.Twin.ParameterCount];
            double loss = GeneratedSequenceNetworks.Gradient(net, x, labels, targets, gradient);
            return (loss, gradient);
        }

        private static void AssertGradient(string what, ReferenceSequenceNet twin, double[] expected, double[] actual)
        {
            (double diff, string tensor) = RecurrentTorch.MaxRelative(twin, expected, actual);
            Assert.True(diff <= Tolerance, $"{what}: gradient of {tensor} differs by {diff:E2} (relative to its largest entry)");
            Assert.Contains(expected, v => Math.Abs(v) > 1e-3);
        }

        private static void AssertPredictions(string what, double one, double batch)
        {
            Assert.True(one <= PredictionTolerance, $"{what}: Predict differs from PyTorch by {one:E2}");
            Assert.True(batch <= PredictionTolerance, $"{what}: PredictBatch differs from PyTorch by {batch:E2}");
        }

        private static float[] TorchPredictions(ReferenceSequenceNet twin, SafeTensorsFile result)
        {
            int[] shape = twin.ManyToMany ? new[] { PredictCount, twin.SequenceLength, twin.StepOutputs } : new[] { PredictCount, twin.StepOutputs };
            var expected = new float[PredictCount * twin.OutputSize];
            result.CopyTo("predictions", shape, expected);
            return expected;
        }

        /// <summary>max |NetGen − PyTorch| / max(1, max |PyTorch|), for Predict one example at a time and for PredictBatch.</summary>
        private static (double One, double Batch) PredictionDiffs(ReferenceSequenceNet twin, IFloatSequenceNet net, float[] x, float[] expected)
        {
            var one = new float[expected.Length];
            for (int n = 0; n < PredictCount; n++)
            {
                net.Predict(x.AsSpan(n * twin.InputSize, twin.InputSize), one.AsSpan(n * twin.OutputSize, twin.OutputSize));
            }

            var batch = new float[expected.Length];
            net.PredictBatch(x, batch);
            double scale = Math.Max(1, expected.Max(Math.Abs));
            return (Diff(one) / scale, Diff(batch) / scale);

            double Diff(float[] actual) => expected.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max();
        }

        /// <summary>An optimizer run of <see cref="OptimizerRuns"/>; <see cref="Key"/> names its directory.</summary>
        public sealed record OptimizerRun(string Label, string Network, string Kind, double WeightDecay, int Batch, int Steps, double Rate)
        {
            public string Key => $"{Network}-{Kind}-{WeightDecay}-{Batch}";
        }

        /// <summary>
        /// Writes every case's spec, data and (except for `export`) NetGen's model file, runs them all in one Python
        /// process (the `each` command), and keeps the results. The parameters and data of each case come from the
        /// deterministic helpers below, which the tests call again on their side.
        /// </summary>
        public sealed class TorchRuns : IDisposable
        {
            private readonly string _root = System.IO.Directory.CreateTempSubdirectory("netgen-recurrent-interop-").FullName;
            private readonly Dictionary<string, SafeTensorsFile> _results = new();

            public TorchRuns()
            {
                var directories = new List<(string Key, string Path)>();
                string Add(string command, string name)
                {
                    string path = System.IO.Directory.CreateDirectory(System.IO.Path.Combine(_root, $"{command}-{name}")).FullName;
                    directories.Add(($"{command}/{name}", path));
                    return path;
                }

                foreach (GeneratedCase<IFloatSequenceNet> c in GeneratedSequenceNetworks.Float)
                {
                    float[] x = FloatInputs(c.Twin);
                    double[] inputs = Array.ConvertAll(x, v => (double)v);
                    var labels = new int[PredictCount * c.Twin.TargetSize];
                    var targets = new double[PredictCount * c.Twin.TargetSize];

                    string save = Add("save", c.Name);
                    RecurrentTorch.WriteSpec(save, c.Twin, "F32", command: "predict");
                    RecurrentTorch.WriteData(save, c.Twin, inputs, labels, targets, PredictCount);
                    SavedFloatNet(c).Save(System.IO.Path.Combine(save, "model.safetensors"));

                    string export = Add("export", c.Name);
                    RecurrentTorch.WriteSpec(export, c.Twin, "F32", seed: 5, command: "export");
                    RecurrentTorch.WriteData(export, c.Twin, inputs, labels, targets, PredictCount);
                }

                foreach (GeneratedCase<IDoubleSequenceNet> c in GeneratedSequenceNetworks.Double)
                {
                    foreach (int batch in GeneratedSequenceNetworks.Batches(c.Name))
                    {
                        string path = Add("gradient", $"{c.Name}-{batch}");
                        (double[] x, int[] labels, double[] targets) = GeneratedSequenceNetworks.GradientData(c.Twin, batch);
                        RecurrentTorch.WriteSpec(path, c.Twin, command: "gradient");
                        RecurrentTorch.WriteData(path, c.Twin, x, labels, targets, batch);
                        GeneratedSequenceNetworks.DoubleNet(c).Save(System.IO.Path.Combine(path, "model.safetensors"));
                    }
                }

                foreach (OptimizerRun run in OptimizerRuns)
                {
                    GeneratedCase<IDoubleSequenceNet> c = GeneratedSequenceNetworks.DoubleCase(run.Network);
                    string path = Add("optimize", run.Key);
                    (double[] x, int[] labels, double[] targets) = OptimizerData(run, c.Twin);
                    RecurrentTorch.WriteSpec(path, c.Twin, command: "optimize", optimizer: new Dictionary<string, object>
                    {
                        ["kind"] = run.Kind,
                        ["lr"] = run.Rate,
                        ["weight_decay"] = run.WeightDecay,
                        ["momentum"] = 0.9,
                        ["steps"] = run.Steps,
                        ["batch"] = run.Batch,
                    });
                    RecurrentTorch.WriteData(path, c.Twin, x, labels, targets, run.Steps * run.Batch);
                    GeneratedSequenceNetworks.DoubleNet(c).Save(System.IO.Path.Combine(path, "model.safetensors"));
                }

                SafeTensorsFile[] results = RecurrentTorch.Run("each", directories.Select(d => d.Path).ToArray());
                for (int i = 0; i < results.Length; i++)
                {
                    _results[directories[i].Key] = results[i];
                }
            }

            public SafeTensorsFile Result(string command, string name) => _results[$"{command}/{name}"];

            public string Directory(string command, string name) => System.IO.Path.Combine(_root, $"{command}-{name}");

            /// <summary>A float network with parameters U(±0.4) (Dense biases too, unlike a fresh initialization).</summary>
            public static IFloatSequenceNet SavedFloatNet(GeneratedCase<IFloatSequenceNet> c)
            {
                IFloatSequenceNet net = c.Create();
                TestData.Floats(net.Parameters.Length, 71, 0.4f).CopyTo(net.Parameters);
                return net;
            }

            public static float[] FloatInputs(ReferenceSequenceNet twin) => TestData.Floats(PredictCount * twin.InputSize, 73);

            public static (double[] Inputs, int[] Labels, double[] Targets) OptimizerData(OptimizerRun run, ReferenceSequenceNet twin) =>
                SequenceNetworks.Data(twin, run.Steps * run.Batch, 59 + run.Batch);

            public void Dispose() => System.IO.Directory.Delete(_root, recursive: true);
        }
    }
}
