using System;
using System.IO;
using NetGen.IO;
using Xunit;

namespace NetGen.Tests
{
    public class ModelFileTests : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("netgen-model-").FullName;

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        [Fact]
        public void Save_then_load_restores_every_parameter_and_prediction()
        {
            var trained = new MnistNet();
            float[] x = TestData.Floats(4 * 784, 1);
            trained.Train(x, new[] { 1, 2, 3, 4 }, 0.1f);
            string path = Path.Combine(_directory, "mnist.safetensors");
            trained.Save(path);

            var loaded = new MnistNet();
            loaded.InitializeParameters(99);
            loaded.Load(path);
            Assert.True(loaded.Parameters.SequenceEqual(trained.Parameters));

            var a = new float[10];
            var b = new float[10];
            trained.Predict(x.AsSpan(0, 784), a);
            loaded.Predict(x.AsSpan(0, 784), b);
            Assert.Equal(a, b);
            Assert.Empty(Directory.GetFiles(_directory, "*.tmp*"));
        }

        [Fact]
        public void File_uses_PyTorch_sequential_names_shapes_dtype_and_topology_metadata()
        {
            string path = Path.Combine(_directory, "every.safetensors");
            new EveryActivation().Save(path);
            SafeTensorsFile file = SafeTensors.Load(path);

            // Linear, ReLU, Linear, Tanh, Linear, LeakyReLU, Linear, Sigmoid: the Linear modules are 0, 2, 4, 6.
            Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias" }, Array.ConvertAll(ToArray(file), t => t.Name));
            Assert.Equal(DType.F64, file.GetTensor("0.weight").DType);
            Assert.Equal(new[] { 33, 17 }, file.GetTensor("0.weight").Shape.ToArray());
            Assert.Equal(new[] { 3 }, file.GetTensor("6.bias").Shape.ToArray());
            Assert.Equal("17-33-9-5-3", file.Metadata["netgen.topology"]);

            string single = Path.Combine(_directory, "mnist.safetensors");
            new MnistNet().Save(single);
            SafeTensorsFile mnist = SafeTensors.Load(single);
            Assert.Equal(DType.F32, mnist.GetTensor("4.weight").DType);
            Assert.Equal(new[] { 10, 64 }, mnist.GetTensor("4.weight").Shape.ToArray());
        }

        [Fact]
        public void Loading_a_file_of_another_topology_fails_naming_the_tensor_and_changes_nothing()
        {
            string path = Path.Combine(_directory, "other.safetensors");
            new Odd17x33x9().Save(path);
            var net = new MnistNet();
            float[] before = net.Parameters.ToArray();

            Exception e = Assert.ThrowsAny<Exception>(() => net.Load(path));
            Assert.Contains("0.weight", e.Message, StringComparison.Ordinal);
            Assert.True(net.Parameters.SequenceEqual(before));

            // Same names and shapes but the wrong dtype (F64 file into a float network).
            string doublePath = Path.Combine(_directory, "double.safetensors");
            new MnistNetDouble().Save(doublePath);
            e = Assert.ThrowsAny<Exception>(() => net.Load(doublePath));
            Assert.Contains("F32", e.Message, StringComparison.Ordinal);
            Assert.True(net.Parameters.SequenceEqual(before));

            // A truncated file.
            byte[] bytes = File.ReadAllBytes(Path.Combine(_directory, "other.safetensors"));
            File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
            Assert.ThrowsAny<Exception>(() => new Odd17x33x9().Load(path));
        }

        [Fact]
        public void Stream_round_trip()
        {
            var net = new Deep4();
            using var stream = new MemoryStream();
            net.Save(stream);
            stream.Position = 0;
            var copy = new Deep4();
            copy.InitializeParameters(5);
            copy.Load(stream);
            Assert.True(copy.Parameters.SequenceEqual(net.Parameters));
        }

        private static SafeTensorInfo[] ToArray(SafeTensorsFile file)
        {
            var list = new SafeTensorInfo[file.Tensors.Count];
            for (int i = 0; i < list.Length; i++)
            {
                list[i] = file.Tensors[i];
            }

            return list;
        }
    }
}
