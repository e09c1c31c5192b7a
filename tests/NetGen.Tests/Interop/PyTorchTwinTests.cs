using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetGen.IO;
using NetGen.Tests.Recurrent;
using Xunit;

namespace NetGen.Tests.Interop
{
    /// <summary>
    /// The PyTorch twin in each generated file's header is runnable: the code, copied from the header as it is, builds the
    /// module, loads the file NetGen saved with load_state_dict(strict=True) (every name, shape and dtype), and its predict(x)
    /// matches Predict. Dense networks of every activation and head, float and double, every recurrent kind and shape, and
    /// image networks (convolutions with padding and stride, pooling, flatten, dropout).
    /// </summary>
    public sealed class PyTorchTwinTests : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("netgen-twin-").FullName;

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        [Fact] public void MnistNet_float_relu_softmax() => Check<MnistNet>(n => n.Save, n => n.Predict, MnistNet.InputSize, MnistNet.OutputSize);

        [Fact] public void Deep4_leaky_relu_and_sigmoid_in_double() => CheckDouble<Deep4>(n => n.Save, n => n.Predict, Deep4.InputSize, Deep4.OutputSize);

        [Fact] public void MultiLabel_sigmoid_head() => CheckDouble<MultiLabel>(n => n.Save, n => n.Predict, MultiLabel.InputSize, MultiLabel.OutputSize);

        [Fact] public void Regression_identity_head_after_tanh() => CheckDouble<Regression>(n => n.Save, n => n.Predict, Regression.InputSize, Regression.OutputSize);

        [Fact] public void LstmToOne() => CheckDouble<LstmToOne>(n => n.Save, n => n.Predict, Recurrent.LstmToOne.InputSize, Recurrent.LstmToOne.OutputSize);

        [Fact] public void GruToOne() => CheckDouble<GruToOne>(n => n.Save, n => n.Predict, Recurrent.GruToOne.InputSize, Recurrent.GruToOne.OutputSize);

        [Fact] public void RnnToOne_then_two_dense_layers() => CheckDouble<RnnToOne>(n => n.Save, n => n.Predict, Recurrent.RnnToOne.InputSize, Recurrent.RnnToOne.OutputSize);

        [Fact] public void LstmToMany() => CheckDouble<LstmToMany>(n => n.Save, n => n.Predict, Recurrent.LstmToMany.InputSize, Recurrent.LstmToMany.OutputSize);

        [Fact] public void StackedRegression_lstm_gru() => CheckDouble<StackedRegression>(n => n.Save, n => n.Predict, Recurrent.StackedRegression.InputSize, Recurrent.StackedRegression.OutputSize);

        [Fact] public void StackedMultiLabel_rnn_gru_to_many() => CheckDouble<StackedMultiLabel>(n => n.Save, n => n.Predict, Recurrent.StackedMultiLabel.InputSize, Recurrent.StackedMultiLabel.OutputSize);

        [Fact] public void LeNet5_float_with_dropout() => Check<Convolution.LeNet5>(n => n.Save, n => n.Predict, Convolution.LeNet5.InputSize, Convolution.LeNet5.OutputSize);

        [Fact] public void ConvOdd_padding_stride_2_overlapping_pool() => CheckDouble<Convolution.ConvOdd>(n => n.Save, n => n.Predict, Convolution.ConvOdd.InputSize, Convolution.ConvOdd.OutputSize);

        [Fact] public void PoolFirst_then_dropout_after_dense() => CheckDouble<Convolution.PoolFirst>(n => n.Save, n => n.Predict, Convolution.PoolFirst.InputSize, Convolution.PoolFirst.OutputSize);

        [Fact] public void RowGru_float() => Check<RowGru>(n => n.Save, n => n.Predict, Recurrent.RowGru.InputSize, Recurrent.RowGru.OutputSize);

        private delegate void Predictor<T>(ReadOnlySpan<T> input, Span<T> output);

        private void Check<TNet>(Func<TNet, Action<string>> save, Func<TNet, Predictor<float>> predict, int inputs, int outputs)
            where TNet : new()
        {
            const int N = 5;
            var net = new TNet();
            var random = new Random(11);
            float[] x = Enumerable.Range(0, N * inputs).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] expected = new float[N * outputs];
            for (int n = 0; n < N; n++)
            {
                predict(net)(x.AsSpan(n * inputs, inputs), expected.AsSpan(n * outputs, outputs));
            }

            double[] actual = RunTwin(typeof(TNet), save(net), TensorEntry.Create("x", new[] { N, inputs }, new ReadOnlyMemory<float>(x)), N * outputs);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"output {i}: NetGen {expected[i]:R}, torch twin {actual[i]:R}");
            }
        }

        private void CheckDouble<TNet>(Func<TNet, Action<string>> save, Func<TNet, Predictor<double>> predict, int inputs, int outputs)
            where TNet : new()
        {
            const int N = 5;
            var net = new TNet();
            var random = new Random(11);
            double[] x = Enumerable.Range(0, N * inputs).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            double[] expected = new double[N * outputs];
            for (int n = 0; n < N; n++)
            {
                predict(net)(x.AsSpan(n * inputs, inputs), expected.AsSpan(n * outputs, outputs));
            }

            double[] actual = RunTwin(typeof(TNet), save(net), TensorEntry.Create("x", new[] { N, inputs }, new ReadOnlyMemory<double>(x)), N * outputs);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12, $"output {i}: NetGen {expected[i]:R}, torch twin {actual[i]:R}");
            }
        }

        private double[] RunTwin(Type network, Action<string> save, TensorEntry inputs, int count)
        {
            string twin = Path.Combine(_directory, "twin.py");
            File.WriteAllLines(twin, TwinFromHeader(network));
            string model = Path.Combine(_directory, "model.safetensors");
            save(model);
            string x = Path.Combine(_directory, "x.safetensors");
            SafeTensors.Save(x, new[] { inputs });
            string y = Path.Combine(_directory, "y.safetensors");

            string python = Environment.GetEnvironmentVariable("NETGEN_PYTHON") ?? "/usr/bin/python3";
            string script = Path.Combine(AppContext.BaseDirectory, "Interop", "torch_twin.py");
            var start = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string argument in new[] { script, twin, model, x, y })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["OMP_NUM_THREADS"] = "1";
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"the twin of {network.Name} failed ({process.ExitCode}); python3-torch is required (tests/run.sh installs it):\n{File.ReadAllText(twin)}\n{stdout}\n{stderr}");

            SafeTensorsFile result = SafeTensors.Load(y);
            var values = new double[count];
            if (inputs.DType == DType.F32)
            {
                var floats = new float[count];
                result.CopyTo("y", floats);
                Array.Copy(floats, values, count);
            }
            else
            {
                result.CopyTo("y", values);
            }

            return values;
        }

        private static string[] TwinFromHeader(Type network) => GeneratedSource.Twin(network);
    }
}
