using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NetGen.IO;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Tests.Interop
{
    /// <summary>
    /// NetGen against real PyTorch (Debian's python3-torch, run with Debian's /usr/bin/python3): model files both ways,
    /// gradients of every head in float64, and optimizer trajectories of torch.optim. A missing Python or torch is a
    /// failure, not a skip: tests/run.sh installs python3-torch.
    /// </summary>
    public sealed class TorchInteropTests : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("netgen-torch-").FullName;
        private readonly ITestOutputHelper _output;

        public TorchInteropTests(ITestOutputHelper output) => _output = output;

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private static readonly Layer[] MultiLabelTopology = { new(5, 8, Act.Relu), new(8, 4, Act.Identity) };
        private static readonly Layer[] RegressionTopology = { new(3, 6, Act.Tanh), new(6, 2, Act.Tanh) };
        private static readonly Layer[] OptimizerTopology = { new(4, 6, Act.Tanh), new(6, 3, Act.Identity) };

        [Fact]
        public void PyTorch_predicts_what_NetGen_predicts_from_a_NetGen_model_file()
        {
            var net = new MnistNet();
            float[] x = TestData.Floats(64 * 784, 1, 0.5f);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] += 0.5f;
            }

            int[] y = TestData.Labels(64, 10, 2);
            for (int epoch = 0; epoch < 3; epoch++)
            {
                net.Train(x, y, 0.1f);
            }

            net.Save(Path.Combine(_directory, "model.safetensors"));
            WriteData(Topologies.Mnist, "Softmax", "F32", x, y.Select(v => (double)v).ToArray(), 64);
            SafeTensorsFile result = RunTorch("predict");

            var expected = new float[64 * 10];
            net.PredictBatch(x, expected);
            var actual = new float[64 * 10];
            result.CopyTo("predictions", actual);
            double max = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
            _output.WriteLine($"max |p_netgen − p_torch| = {max:E2}");
            Assert.True(max <= 1e-5, $"max abs difference {max}");
        }

        [Fact]
        public void NetGen_predicts_what_PyTorch_predicts_from_a_PyTorch_model_file()
        {
            float[] x = TestData.Floats(32 * 17, 3);
            WriteData(Topologies.Odd17x33x9, "Softmax", "F32", x, new double[32], 32);
            SafeTensorsFile result = RunTorch("export");

            var net = new Odd17x33x9();
            net.Load(Path.Combine(_directory, "model.safetensors"));
            var actual = new float[32 * 9];
            new Odd17x33x9Predictor(net).PredictBatch(x, actual);
            var expected = new float[32 * 9];
            result.CopyTo("predictions", expected);
            double max = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
            _output.WriteLine($"max |p_netgen − p_torch| = {max:E2}");
            Assert.True(max <= 1e-5, $"max abs difference {max}");
        }

        public static IEnumerable<object[]> GradientCases() => new[]
        {
            new object[] { "Relu5x7x3", "Softmax" },
            new object[] { "TanhSigmoid", "Softmax" },
            new object[] { "Deep4", "Softmax" },
            new object[] { "EveryActivation", "Softmax" },
            new object[] { "MultiLabel", "Sigmoid" },
            new object[] { "Regression", "Identity" },
        };

        [Theory]
        [MemberData(nameof(GradientCases))]
        public void Gradients_agree_with_PyTorch_autograd_in_float64(string name, string head)
        {
            const int batch = 6;
            (Layer[] topology, Func<double[], double[], double[], double> gradient, Action<string> save) = Network(name);
            int inputs = topology[0].Inputs;
            int outputs = topology[^1].Outputs;
            double[] x = TestData.Doubles(batch * inputs, 21, 1.5);
            double[] targets = head switch
            {
                "Softmax" => TestData.Labels(batch, outputs, 22).Select(v => (double)v).ToArray(),
                "Sigmoid" => TestData.Doubles(batch * outputs, 23).Select(v => v > 0 ? 1.0 : 0.0).ToArray(),
                _ => TestData.Doubles(batch * outputs, 24),
            };

            save(Path.Combine(_directory, "model.safetensors"));
            WriteData(topology, head, "F64", x, targets, batch);
            SafeTensorsFile result = RunTorch("gradient");

            var g = new double[topology.Sum(l => (l.Inputs * l.Outputs) + l.Outputs)];
            double loss = gradient(x, targets, g);
            var torchLoss = new double[1];
            result.CopyTo("loss", torchLoss);
            Assert.True(Math.Abs(loss - torchLoss[0]) <= 1e-12 * Math.Max(1, Math.Abs(loss)), $"loss {loss:R} vs {torchLoss[0]:R}");

            double worst = 0;
            int offset = 0;
            foreach ((string tensor, int count) in TensorNames(topology))
            {
                var expected = new double[count];
                result.CopyTo("grad." + tensor, expected);
                double scale = expected.Max(Math.Abs) + 1e-300;
                for (int i = 0; i < count; i++)
                {
                    worst = Math.Max(worst, Math.Abs(expected[i] - g[offset + i]) / scale);
                }

                offset += count;
            }

            _output.WriteLine($"{name}: max relative gradient difference {worst:E2}");
            Assert.True(worst <= 1e-10, $"{name}: max relative difference {worst:E2}");
        }

        [Theory]
        [InlineData("Sgd", 0.0)]
        [InlineData("Sgd", 0.01)]
        [InlineData("Momentum", 0.01)]
        [InlineData("Nesterov", 0.0)]
        [InlineData("Adam", 0.0)]
        [InlineData("Adam", 0.01)]
        [InlineData("AdamW", 0.05)]
        public void Optimizer_trajectories_equal_torch_optim(string kind, double weightDecay)
        {
            const int steps = 8, batch = 4;
            const double rate = 0.05;
            double[] x = TestData.Doubles(steps * batch * 4, 31, 2);
            int[] labels = TestData.Labels(steps * batch, 3, 32);

            (Func<int, double> step, Func<double[]> parameters, Action<string> save) = Optimizer(kind, weightDecay, x, labels, batch, rate);
            save(Path.Combine(_directory, "model.safetensors"));
            WriteData(OptimizerTopology, "Softmax", "F64", x, labels.Select(v => (double)v).ToArray(), steps * batch, new Dictionary<string, object>
            {
                ["kind"] = kind,
                ["lr"] = rate,
                ["weight_decay"] = weightDecay,
                ["momentum"] = 0.9,
                ["steps"] = steps,
                ["batch"] = batch,
            });
            SafeTensorsFile result = RunTorch("optimize");

            var losses = new double[steps];
            result.CopyTo("losses", losses);
            for (int s = 0; s < steps; s++)
            {
                double loss = step(s);
                Assert.True(Math.Abs(loss - losses[s]) <= 1e-10 * Math.Max(1, Math.Abs(loss)), $"{kind} step {s}: loss {loss:R} vs {losses[s]:R}");
            }

            double[] actual = parameters();
            double worst = 0;
            int offset = 0;
            foreach ((string tensor, int count) in TensorNames(OptimizerTopology))
            {
                var expected = new double[count];
                result.CopyTo(tensor, expected);
                for (int i = 0; i < count; i++)
                {
                    worst = Math.Max(worst, Math.Abs(expected[i] - actual[offset + i]) / (1 + Math.Abs(expected[i])));
                }

                offset += count;
            }

            _output.WriteLine($"{kind} (λ = {weightDecay}): max parameter difference after {steps} steps {worst:E2}");
            Assert.True(worst <= 1e-9, $"{kind}: max difference {worst:E2}");
        }

        private static (Layer[], Func<double[], double[], double[], double>, Action<string>) Network(string name)
        {
            switch (name)
            {
                case "Relu5x7x3": { var n = new Relu5x7x3(); return (Topologies.Relu5x7x3, (x, t, g) => n.Gradient(x, Labels(t), g), n.Save); }
                case "TanhSigmoid": { var n = new TanhSigmoid(); return (Topologies.TanhSigmoid, (x, t, g) => n.Gradient(x, Labels(t), g), n.Save); }
                case "Deep4": { var n = new Deep4(); return (Topologies.Deep4, (x, t, g) => n.Gradient(x, Labels(t), g), n.Save); }
                case "EveryActivation": { var n = new EveryActivation(); return (Topologies.EveryActivation, (x, t, g) => n.Gradient(x, Labels(t), g), n.Save); }
                case "MultiLabel": { var n = new MultiLabel(); return (MultiLabelTopology, (x, t, g) => n.Gradient(x, t, g), n.Save); }
                default: { var n = new Regression(); return (RegressionTopology, (x, t, g) => n.Gradient(x, t, g), n.Save); }
            }
        }

        private static (Func<int, double>, Func<double[]>, Action<string>) Optimizer(string kind, double decay, double[] x, int[] y, int batch, double rate)
        {
            ReadOnlySpan<double> X(int s) => x.AsSpan(s * batch * 4, batch * 4);
            ReadOnlySpan<int> Y(int s) => y.AsSpan(s * batch, batch);
            switch (kind)
            {
                case "Sgd": { var n = new OptSgd { WeightDecay = decay }; return (s => n.Train(X(s), Y(s), rate), () => n.Parameters.ToArray(), n.Save); }
                case "Momentum": { var n = new OptMomentum { WeightDecay = decay }; return (s => n.Train(X(s), Y(s), rate), () => n.Parameters.ToArray(), n.Save); }
                case "Nesterov": { var n = new OptNesterov { WeightDecay = decay }; return (s => n.Train(X(s), Y(s), rate), () => n.Parameters.ToArray(), n.Save); }
                case "Adam": { var n = new OptAdam { WeightDecay = decay }; return (s => n.Train(X(s), Y(s), rate), () => n.Parameters.ToArray(), n.Save); }
                default: { var n = new OptAdamW { WeightDecay = decay }; return (s => n.Train(X(s), Y(s), rate), () => n.Parameters.ToArray(), n.Save); }
            }
        }

        private static int[] Labels(double[] t) => t.Select(v => (int)v).ToArray();

        /// <summary>nn.Sequential state_dict names in the order of NetGen's parameter layout.</summary>
        private static IEnumerable<(string Name, int Count)> TensorNames(Layer[] topology)
        {
            int index = 0;
            foreach (Layer layer in topology)
            {
                yield return ($"{index}.weight", layer.Inputs * layer.Outputs);
                yield return ($"{index}.bias", layer.Outputs);
                index += layer.Activation == Act.Identity ? 1 : 2;
            }
        }

        private void WriteData(Layer[] topology, string head, string dtype, float[] x, double[] targets, int batch) =>
            WriteSpec(topology, head, dtype, null, TensorEntry.Create("inputs", new[] { batch, topology[0].Inputs }, x), targets, batch);

        private void WriteData(Layer[] topology, string head, string dtype, double[] x, double[] targets, int batch, Dictionary<string, object>? optimizer = null) =>
            WriteSpec(topology, head, dtype, optimizer, TensorEntry.Create("inputs", new[] { batch, topology[0].Inputs }, x), targets, batch);

        private void WriteSpec(Layer[] topology, string head, string dtype, Dictionary<string, object>? optimizer, TensorEntry inputs, double[] targets, int batch)
        {
            int[] targetShape = head == "Softmax" ? new[] { batch } : new[] { batch, topology[^1].Outputs };
            SafeTensors.Save(Path.Combine(_directory, "data.safetensors"), new[] { inputs, TensorEntry.Create("targets", targetShape, targets) });

            var json = new StringBuilder();
            json.Append(CultureInfo.InvariantCulture, $"{{\"dtype\":\"{dtype}\",\"head\":\"{head}\",\"layers\":[");
            json.Append(string.Join(",", topology.Select(l => string.Create(CultureInfo.InvariantCulture, $"{{\"inputs\":{l.Inputs},\"outputs\":{l.Outputs},\"activation\":\"{l.Activation}\",\"slope\":{l.Slope:R}}}"))));
            json.Append(']');
            if (optimizer is not null)
            {
                json.Append(",\"optimizer\":{");
                json.Append(string.Join(",", optimizer.Select(kv => $"\"{kv.Key}\":" + (kv.Value is string s ? $"\"{s}\"" : Convert.ToString(kv.Value, CultureInfo.InvariantCulture)))));
                json.Append('}');
            }

            json.Append('}');
            File.WriteAllText(Path.Combine(_directory, "spec.json"), json.ToString());
        }

        private SafeTensorsFile RunTorch(string command)
        {
            string python = Environment.GetEnvironmentVariable("NETGEN_PYTHON") ?? "/usr/bin/python3";
            string script = Path.Combine(AppContext.BaseDirectory, "Interop", "torch_interop.py");
            Assert.True(File.Exists(python), $"{python} not found: install Debian's python3 and python3-torch (tests/run.sh does)");
            var start = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(command);
            start.ArgumentList.Add(_directory);
            start.Environment["OMP_NUM_THREADS"] = "1";
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{python} {script} {command} failed ({process.ExitCode}); python3-torch is required (tests/run.sh installs it):\n{stdout}\n{stderr}");
            return SafeTensors.Load(Path.Combine(_directory, "result.safetensors"));
        }

        /// <summary>Batched prediction through the single-example API, to exercise Predict as well as PredictBatch.</summary>
        private readonly struct Odd17x33x9Predictor
        {
            private readonly Odd17x33x9 _net;

            public Odd17x33x9Predictor(Odd17x33x9 net) => _net = net;

            public void PredictBatch(float[] x, float[] output)
            {
                for (int n = 0; n < x.Length / 17; n++)
                {
                    _net.Predict(x.AsSpan(n * 17, 17), output.AsSpan(n * 9, 9));
                }
            }
        }
    }
}
