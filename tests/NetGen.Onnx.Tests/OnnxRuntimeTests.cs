using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace NetGen.Onnx.Tests
{
    /// <summary>
    /// Every exported network runs in ONNX Runtime and gives NetGen's predictions to 1e-5, at batch 1 and at batch 37,
    /// through the input "input" and the output "output" with a dynamic batch dimension.
    /// </summary>
    public class OnnxRuntimeTests
    {
        [Theory]
        [MemberData(nameof(OnnxCase.RuntimeNames), MemberType = typeof(OnnxCase))]
        public void Matches_Predict_at_batch_1_and_37(string name)
        {
            OnnxCase c = OnnxCase.All[name];
            using var session = new InferenceSession(c.Export());
            Check(session, c, c.IsDouble, 1e-5);
        }

        /// <summary>
        /// ONNX Runtime's CPU LSTM, GRU and RNN kernels are float-only ("LSTM operator does not support double yet"), so the
        /// double recurrent exports run after onnx's own helpers cast every tensor to float: the graph, the gate order and the
        /// weights are NetGen's double export; the comparison with NetGen's double Predict allows float rounding (1e-5).
        /// </summary>
        [Theory]
        [MemberData(nameof(OnnxCase.CastNames), MemberType = typeof(OnnxCase))]
        public void Double_recurrent_exports_match_Predict_once_cast_to_float(string name)
        {
            OnnxCase c = OnnxCase.All[name];
            string directory = Path.Combine(Path.GetTempPath(), "netgen-onnx-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                string source = Path.Combine(directory, "double.onnx");
                string target = Path.Combine(directory, "float.onnx");
                File.WriteAllBytes(source, c.Export());
                Assert.ThrowsAny<OnnxRuntimeException>(() => RunOnce(source, c));
                OnnxPython.Run("to-float", source, target);
                using var session = new InferenceSession(target);
                Check(session, c, runsDouble: false, 1e-5);
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        private static void RunOnce(string path, OnnxCase c)
        {
            using var session = new InferenceSession(path);
            Run(session, c, c.Inputs(1, seed: 1), 1, c.IsDouble);
        }

        private static void Check(InferenceSession session, OnnxCase c, bool runsDouble, double tolerance)
        {
            string name = c.Name;
            foreach (int count in new[] { 1, 37 })
            {
                double[] inputs = c.Inputs(count, seed: count);
                double[] expected = c.PredictBatch(inputs, count);
                double[] each = c.PredictEach(inputs, count);
                double[] actual = Run(session, c, inputs, count, runsDouble);
                Assert.Equal(expected.Length, actual.Length);
                AssertClose(expected, actual, tolerance, $"{name}, batch {count}, PredictBatch");
                AssertClose(each, actual, tolerance, $"{name}, batch {count}, Predict");
            }
        }

        [Theory]
        [MemberData(nameof(OnnxCase.RuntimeNames), MemberType = typeof(OnnxCase))]
        public void Declares_named_input_and_output_with_a_dynamic_batch(string name)
        {
            OnnxCase c = OnnxCase.All[name];
            using var session = new InferenceSession(c.Export());
            NodeMetadata input = Assert.Single(session.InputMetadata, m => m.Key == "input").Value;
            NodeMetadata output = Assert.Single(session.OutputMetadata, m => m.Key == "output").Value;
            Assert.Equal(new[] { -1, c.InputSize }, input.Dimensions);
            Assert.Equal(new[] { -1, c.OutputSize }, output.Dimensions);
            Assert.Equal("N", input.SymbolicDimensions[0]);
            Assert.Equal("N", output.SymbolicDimensions[0]);
            Type element = c.IsDouble ? typeof(double) : typeof(float);
            Assert.Equal(element, input.ElementType);
            Assert.Equal(element, output.ElementType);
        }

        [Fact]
        public void SaveOnnx_path_writes_the_stream_bytes_atomically()
        {
            OnnxCase c = OnnxCase.All[nameof(LstmToOne)];
            string directory = Path.Combine(Path.GetTempPath(), "netgen-onnx-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                string path = Path.Combine(directory, "model.onnx");
                File.WriteAllText(path, "an older file");
                c.Save(path);
                Assert.Equal(c.Export(), File.ReadAllBytes(path));
                Assert.Equal(new[] { "model.onnx" }, Directory.GetFiles(directory).Select(Path.GetFileName));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        [Fact]
        public void SaveOnnx_into_a_missing_folder_throws_and_leaves_nothing()
        {
            OnnxCase c = OnnxCase.All[nameof(ReluLeakySoftmax)];
            string path = Path.Combine(Path.GetTempPath(), "netgen-missing-" + Guid.NewGuid().ToString("N"), "model.onnx");
            Assert.Throws<DirectoryNotFoundException>(() => c.Save(path));
        }

        [Fact]
        public void Export_is_a_snapshot_of_the_parameters_and_follows_later_changes()
        {
            var net = new LeakyRegression();
            byte[] before = Export(net);
            net.Parameters[0] += 1f;
            byte[] after = Export(net);
            Assert.NotEqual(before, after);
            Assert.Equal(before.Length, after.Length);
            net.Parameters[0] -= 1f;
            Assert.Equal(before, Export(net));
        }

        private static byte[] Export(LeakyRegression net)
        {
            using var stream = new MemoryStream();
            net.SaveOnnx(stream);
            return stream.ToArray();
        }

        private static double[] Run(InferenceSession session, OnnxCase c, double[] inputs, int count, bool runsDouble)
        {
            var inputValues = new List<NamedOnnxValue>
            {
                runsDouble
                    ? NamedOnnxValue.CreateFromTensor("input", new DenseTensor<double>(inputs, new[] { count, c.InputSize }))
                    : NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(inputs.Select(v => (float)v).ToArray(), new[] { count, c.InputSize })),
            };
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputValues);
            DisposableNamedOnnxValue output = Assert.Single(results);
            Assert.Equal("output", output.Name);
            return runsDouble ? output.AsEnumerable<double>().ToArray() : output.AsEnumerable<float>().Select(v => (double)v).ToArray();
        }

        private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
        {
            for (int i = 0; i < expected.Length; i++)
            {
                double error = Math.Abs(expected[i] - actual[i]);
                Assert.True(error <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"{what}: value {i} is {actual[i]:R} in ONNX Runtime, {expected[i]:R} in NetGen (difference {error:E2}).");
            }
        }
    }
}
