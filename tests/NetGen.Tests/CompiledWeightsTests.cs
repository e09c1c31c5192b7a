using System;
using System.IO;
using System.Linq;
using NetGen.IO;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>A network built with [Network(Weights = "Weights/tiny.safetensors")] (see the csproj).</summary>
    [Network(Weights = "Weights/tiny.safetensors")]
    [Dense(4, 16)][Relu]
    [Dense(16, 3)][Softmax]
    public partial class CompiledTiny { }

    /// <summary>The same topology without compiled-in weights.</summary>
    [Network]
    [Dense(4, 16)][Relu]
    [Dense(16, 3)][Softmax]
    public partial class PlainTiny { }

    /// <summary>Batch normalization with PyTorch's weights compiled in (Weights/make_norm.py): running statistics and num_batches_tracked too.</summary>
    [Network(Weights = "Weights/norm.safetensors")]
    [Input(3, 4, 4)]
    [BatchNorm2D(3, Epsilon = 0.001, Momentum = 0.3)]
    [Conv2D(3, 2, 2, Stride = 2)][Relu]
    [Flatten]
    [Dense(8, 3)][Softmax]
    public partial class CompiledNorm { }

    /// <summary>The same topology without compiled-in weights.</summary>
    [Network]
    [Input(3, 4, 4)]
    [BatchNorm2D(3, Epsilon = 0.001, Momentum = 0.3)]
    [Conv2D(3, 2, 2, Stride = 2)][Relu]
    [Flatten]
    [Dense(8, 3)][Softmax]
    public partial class PlainNorm { }

    /// <summary>
    /// Compiled-in weights at run time: the constructor starts with the file's values (as Load would set them) without reading
    /// any file; InitializeParameters still re-initializes; CopyCompiledWeights returns to the compiled-in values.
    /// </summary>
    public class CompiledWeightsTests
    {
        private static readonly string s_file = Path.Combine(AppContext.BaseDirectory, "Weights", "tiny.safetensors");

        [Fact]
        public void The_constructor_starts_with_the_compiled_in_weights()
        {
            var loaded = new PlainTiny();
            loaded.Load(s_file);
            var compiled = new CompiledTiny();
            Assert.Equal(loaded.Parameters.ToArray(), compiled.Parameters.ToArray());
            Assert.NotEqual(new PlainTiny().Parameters.ToArray(), compiled.Parameters.ToArray());

            var input = new float[] { 0.5f, -1f, 0.25f, 2f };
            var a = new float[3];
            var b = new float[3];
            loaded.Predict(input, a);
            compiled.Predict(input, b);
            Assert.Equal(a, b);
        }

        [Fact]
        public void Running_statistics_and_counts_are_compiled_in_with_the_parameters()
        {
            var loaded = new PlainNorm();
            loaded.Load(Path.Combine(AppContext.BaseDirectory, "Weights", "norm.safetensors"));
            var compiled = new CompiledNorm();
            Assert.Equal(loaded.Parameters.ToArray(), compiled.Parameters.ToArray());
            Assert.Equal(loaded.Buffers.ToArray(), compiled.Buffers.ToArray());
            Assert.Equal(new[] { 3L }, compiled.Counters.ToArray());
            Assert.NotEqual(new PlainNorm().Buffers.ToArray(), compiled.Buffers.ToArray());

            compiled.InitializeParameters(1);
            Assert.Equal(new[] { 0L }, compiled.Counters.ToArray());
            compiled.CopyCompiledWeights();
            Assert.Equal(loaded.Buffers.ToArray(), compiled.Buffers.ToArray());
            Assert.Equal(new[] { 3L }, compiled.Counters.ToArray());
        }

        [Fact]
        public void The_weights_come_from_the_assembly_and_match_the_file_it_was_built_from()
        {
            using Stream resource = typeof(CompiledTiny).Assembly.GetManifestResourceStream(CompiledTiny.CompiledWeightsResource)!;
            Assert.NotNull(resource);
            var embedded = new MemoryStream();
            resource.CopyTo(embedded);
            Assert.Equal(File.ReadAllBytes(s_file), embedded.ToArray());
            Assert.Equal(CompiledTiny.CompiledWeightsSha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(embedded.ToArray())).ToLowerInvariant());
            Assert.Equal("NetGen.Weights/Weights/tiny.safetensors", CompiledTiny.CompiledWeightsResource);
        }

        [Fact]
        public void InitializeParameters_still_works_and_CopyCompiledWeights_returns_to_the_trained_model()
        {
            var net = new CompiledTiny();
            float[] compiled = net.Parameters.ToArray();
            net.InitializeParameters(0);
            Assert.Equal(new PlainTiny().Parameters.ToArray(), net.Parameters.ToArray());

            net.Train(new float[] { 1, 2, 3, 4 }, 1, 0.1f);
            net.CopyCompiledWeights();
            Assert.Equal(compiled, net.Parameters.ToArray());
        }

        [Fact]
        public void Save_writes_back_the_same_tensors()
        {
            string path = Path.Combine(Path.GetTempPath(), "netgen-compiled-" + Guid.NewGuid().ToString("N") + ".safetensors");
            try
            {
                new CompiledTiny().Save(path);
                SafeTensorsFile saved = SafeTensors.Load(path);
                SafeTensorsFile original = SafeTensors.Load(s_file);
                foreach (string name in new[] { "0.weight", "0.bias", "2.weight", "2.bias" })
                {
                    var x = new float[original.Tensors.Single(t => t.Name == name).ElementCount];
                    var y = new float[x.Length];
                    original.CopyTo(name, x);
                    saved.CopyTo(name, y);
                    Assert.Equal(x, y);
                }
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
