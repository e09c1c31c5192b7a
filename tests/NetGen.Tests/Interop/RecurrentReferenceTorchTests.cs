using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetGen.IO;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Tests.Interop
{
    /// <summary>
    /// The reference sequence network against its PyTorch twin (torch_recurrent.py, nn.RNN / nn.LSTM / nn.GRU with
    /// batch_first and one layer, nn.Linear, activation modules) in float64: predictions, loss, autograd gradients,
    /// PyTorch's own model files, and torch.optim trajectories.
    /// </summary>
    public sealed class RecurrentReferenceTorchTests : IDisposable, IClassFixture<RecurrentReferenceTorchTests.GradientRuns>
    {
        private const double Tolerance = 1e-10;
        private readonly string _directory = Directory.CreateTempSubdirectory("netgen-recurrent-").FullName;
        private readonly ITestOutputHelper _output;
        private readonly GradientRuns _runs;

        public RecurrentReferenceTorchTests(ITestOutputHelper output, GradientRuns runs) => (_output, _runs) = (output, runs);

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        public static IEnumerable<object[]> Cases() => SequenceNetworks.All();

        [Theory]
        [MemberData(nameof(Cases))]
        public void Predictions_loss_and_gradients_agree_with_PyTorch_in_float64(string name)
        {
            (ReferenceSequenceNet net, double[] p, double[] x, int[] labels, double[] targets) = GradientRuns.Case(name);
            const int count = GradientRuns.Count;
            SafeTensorsFile result = _runs.Result(name);

            int[] shape = net.ManyToMany ? new[] { count, net.SequenceLength, net.StepOutputs } : new[] { count, net.StepOutputs };
            var torchPredictions = new double[count * net.OutputSize];
            result.CopyTo("predictions", shape, torchPredictions);
            double[] predictions = Enumerable.Range(0, count)
                .SelectMany(n => net.Predict(p, x.AsSpan(n * net.InputSize, net.InputSize).ToArray()))
                .ToArray();
            double predictionDiff = RecurrentTorch.MaxRelative(torchPredictions, predictions);

            var torchLoss = new double[1];
            result.CopyTo("loss", torchLoss);
            (double loss, double[] g) = SequenceNetworks.Gradient(net, p, x, labels, targets, count);
            double lossDiff = Math.Abs(loss - torchLoss[0]) / Math.Abs(torchLoss[0]);

            double[] torchGradient = RecurrentTorch.ReadParameters(result, net, "grad.");
            (double gradientDiff, string tensor) = RecurrentTorch.MaxRelative(net, torchGradient, g);

            _output.WriteLine($"{name}: predictions {predictionDiff:E2}, loss {lossDiff:E2}, gradient {gradientDiff:E2} (worst {tensor})");
            Assert.True(predictionDiff <= Tolerance, $"{name}: predictions differ by {predictionDiff:E2}");
            Assert.True(lossDiff <= Tolerance, $"{name}: loss {loss:R} vs PyTorch {torchLoss[0]:R}");
            Assert.True(gradientDiff <= Tolerance, $"{name}: gradient of {tensor} differs by {gradientDiff:E2} (relative to its largest entry)");
            Assert.Contains(torchGradient, v => Math.Abs(v) > 1e-3);
        }

        [Theory]
        [InlineData("LstmGruDense")]
        [InlineData("GruRnnLstmToMany")]
        public void A_model_file_PyTorch_initialized_predicts_the_same_in_the_reference(string name)
        {
            ReferenceSequenceNet net = SequenceNetworks.Create(name);
            const int count = 3;
            (double[] x, int[] labels, double[] targets) = SequenceNetworks.Data(net, count, 47);
            RecurrentTorch.WriteSpec(_directory, net, seed: 5);
            RecurrentTorch.WriteData(_directory, net, x, labels, targets, count);
            SafeTensorsFile result = RecurrentTorch.Run(_directory, "export");

            SafeTensorsFile model = SafeTensors.Load(Path.Combine(_directory, "model.safetensors"));
            Assert.Equal(net.Tensors.Select(t => t.Name).OrderBy(s => s, StringComparer.Ordinal), model.Tensors.Select(t => t.Name).OrderBy(s => s, StringComparer.Ordinal));
            double[] p = RecurrentTorch.ReadParameters(model, net);

            var expected = new double[count * net.OutputSize];
            result.CopyTo("predictions", expected);
            double[] actual = Enumerable.Range(0, count)
                .SelectMany(n => net.Predict(p, x.AsSpan(n * net.InputSize, net.InputSize).ToArray()))
                .ToArray();
            double diff = RecurrentTorch.MaxRelative(expected, actual);
            _output.WriteLine($"{name}: predictions from PyTorch's initialization differ by {diff:E2}");
            Assert.True(diff <= Tolerance, $"{name}: predictions differ by {diff:E2}");
        }

        [Theory]
        [InlineData("Sgd", 0.0, "GruToMany")]
        [InlineData("Sgd", 0.01, "LstmGruDense")]
        [InlineData("Momentum", 0.0, "LstmToOne")]
        [InlineData("Nesterov", 0.01, "RnnToMany")]
        [InlineData("Adam", 0.0, "LstmGruDense")]
        [InlineData("Adam", 0.01, "GruRnnLstmToMany")]
        public void Optimizer_trajectories_from_reference_gradients_equal_torch_optim(string kind, double weightDecay, string name)
        {
            ReferenceSequenceNet net = SequenceNetworks.Create(name);
            const int steps = 5, batch = 3;
            const double rate = 0.1, momentum = 0.9;
            double[] p = net.Initialize(53);
            (double[] x, int[] labels, double[] targets) = SequenceNetworks.Data(net, steps * batch, 59);

            RecurrentTorch.WriteSpec(_directory, net, optimizer: new Dictionary<string, object>
            {
                ["kind"] = kind,
                ["lr"] = rate,
                ["weight_decay"] = weightDecay,
                ["momentum"] = momentum,
                ["steps"] = steps,
                ["batch"] = batch,
            });
            RecurrentTorch.WriteData(_directory, net, x, labels, targets, steps * batch);
            RecurrentTorch.SaveParameters(Path.Combine(_directory, "model.safetensors"), net, p);
            SafeTensorsFile result = RecurrentTorch.Run(_directory, "optimize");
            var losses = new double[steps];
            result.CopyTo("losses", losses);

            var optimizer = new HandWrittenOptimizer(kind, rate, weightDecay, momentum, p.Length);
            double worst = 0, worstLoss = 0;
            for (int s = 0; s < steps; s++)
            {
                (double loss, double[] g) = SequenceNetworks.Gradient(
                    net,
                    p,
                    x.AsSpan(s * batch * net.InputSize, batch * net.InputSize).ToArray(),
                    labels.AsSpan(s * batch * net.TargetSize, batch * net.TargetSize).ToArray(),
                    targets.AsSpan(s * batch * net.TargetSize, batch * net.TargetSize).ToArray(),
                    batch);
                optimizer.Step(p, g);
                worstLoss = Math.Max(worstLoss, Math.Abs(loss - losses[s]) / Math.Abs(losses[s]));

                var expected = new double[p.Length];
                foreach (SequenceTensor t in net.Tensors)
                {
                    SafeTensorInfo info = result.GetTensor("trajectory." + t.Name);
                    Assert.Equal(new[] { steps }.Concat(t.Shape), info.Shape.ToArray());
                    var all = new double[steps * t.Count];
                    result.CopyTo("trajectory." + t.Name, all);
                    all.AsSpan(s * t.Count, t.Count).CopyTo(expected.AsSpan(t.Offset));
                }

                worst = Math.Max(worst, RecurrentTorch.MaxRelative(net, expected, p).Worst);
            }

            double moved = RecurrentTorch.MaxRelative(net, net.Initialize(53), p).Worst;
            _output.WriteLine($"{kind} (λ = {weightDecay}) on {name}: losses {worstLoss:E2}, parameters over {steps} steps {worst:E2}; moved {moved:E2}");
            Assert.True(moved > 1e-3, "the parameters hardly moved: the comparison would prove little");
            Assert.True(worstLoss <= Tolerance, $"{kind}: losses differ by {worstLoss:E2}");
            Assert.True(worst <= Tolerance, $"{kind}: parameters differ by {worst:E2}");
            double[] final = RecurrentTorch.ReadParameters(result, net);
            Assert.True(RecurrentTorch.MaxRelative(net, final, p).Worst <= Tolerance);
        }

        /// <summary>The `gradient` command for every case of <see cref="SequenceNetworks"/>, run once, in one Python process.</summary>
        public sealed class GradientRuns : IDisposable
        {
            public const int Count = 4;
            private readonly string _directory = Directory.CreateTempSubdirectory("netgen-recurrent-gradients-").FullName;
            private readonly Dictionary<string, SafeTensorsFile> _results = new();

            public GradientRuns()
            {
                var directories = new List<string>();
                foreach (string name in SequenceNetworks.Names)
                {
                    (ReferenceSequenceNet net, double[] p, double[] x, int[] labels, double[] targets) = Case(name);
                    string directory = Directory.CreateDirectory(Path.Combine(_directory, name)).FullName;
                    RecurrentTorch.WriteSpec(directory, net);
                    RecurrentTorch.WriteData(directory, net, x, labels, targets, Count);
                    RecurrentTorch.SaveParameters(Path.Combine(directory, "model.safetensors"), net, p);
                    directories.Add(directory);
                }

                SafeTensorsFile[] results = RecurrentTorch.Run("gradient", directories);
                for (int i = 0; i < results.Length; i++)
                {
                    _results[SequenceNetworks.Names[i]] = results[i];
                }
            }

            public static (ReferenceSequenceNet Net, double[] Parameters, double[] Inputs, int[] Labels, double[] Targets) Case(string name)
            {
                ReferenceSequenceNet net = SequenceNetworks.Create(name);
                (double[] x, int[] labels, double[] targets) = SequenceNetworks.Data(net, Count, 43);
                return (net, net.Initialize(41), x, labels, targets);
            }

            public SafeTensorsFile Result(string name) => _results[name];

            public void Dispose() => Directory.Delete(_directory, recursive: true);
        }

        /// <summary>torch.optim's update rules, written out: SGD, SGD with momentum (dampening 0) or Nesterov, and
        /// Adam (β = 0.9, 0.999, ε = 1e-8); weight decay adds λ·p to the gradient (L2, not decoupled).</summary>
        private sealed class HandWrittenOptimizer
        {
            private readonly string _kind;
            private readonly double _rate, _decay, _momentum;
            private readonly double[] _m, _v;
            private int _t;

            public HandWrittenOptimizer(string kind, double rate, double decay, double momentum, int count)
            {
                (_kind, _rate, _decay, _momentum) = (kind, rate, decay, momentum);
                _m = new double[count];
                _v = new double[count];
            }

            public void Step(double[] p, double[] gradient)
            {
                _t++;
                for (int i = 0; i < p.Length; i++)
                {
                    double g = gradient[i] + (_decay * p[i]);
                    switch (_kind)
                    {
                        case "Sgd":
                            p[i] -= _rate * g;
                            break;
                        case "Momentum":
                        case "Nesterov":
                            _m[i] = _t == 1 ? g : (_momentum * _m[i]) + g;
                            p[i] -= _rate * (_kind == "Nesterov" ? g + (_momentum * _m[i]) : _m[i]);
                            break;
                        case "Adam":
                            const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
                            _m[i] = (beta1 * _m[i]) + ((1 - beta1) * g);
                            _v[i] = (beta2 * _v[i]) + ((1 - beta2) * g * g);
                            double mHat = _m[i] / (1 - Math.Pow(beta1, _t));
                            double vHat = _v[i] / (1 - Math.Pow(beta2, _t));
                            p[i] -= _rate * mHat / (Math.Sqrt(vHat) + epsilon);
                            break;
                        default:
                            throw new ArgumentException(_kind);
                    }
                }
            }
        }
    }
}
