using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generator.Tests
{
    /// <summary>Safetensors files built in memory, and the text copies NetGen's build targets hand the generator.</summary>
    internal static class WeightsFiles
    {
        /// <summary>The tensors of a Dense network (Linear modules at the nn.Sequential indices), values from a seed.</summary>
        public static List<(string Name, string DType, long[] Shape, byte[] Data)> Dense(int seed, bool withActivations, params int[] sizes)
        {
            var tensors = new List<(string, string, long[], byte[])>();
            var random = new Random(seed);
            int module = 0;
            for (int l = 0; l + 1 < sizes.Length; l++)
            {
                tensors.Add((module + ".weight", "F32", new long[] { sizes[l + 1], sizes[l] }, Floats(random, sizes[l + 1] * sizes[l])));
                tensors.Add((module + ".bias", "F32", new long[] { sizes[l + 1] }, Floats(random, sizes[l + 1])));
                module += withActivations && l + 2 < sizes.Length ? 2 : 1;
            }

            return tensors;
        }

        public static byte[] Floats(Random random, int count)
        {
            var bytes = new byte[count * 4];
            for (int i = 0; i < count; i++)
            {
                BitConverter.GetBytes((float)(random.NextDouble() - 0.5)).CopyTo(bytes, i * 4);
            }

            return bytes;
        }

        /// <summary>A safetensors file of <paramref name="tensors"/>, in that order.</summary>
        public static byte[] SafeTensors(IEnumerable<(string Name, string DType, long[] Shape, byte[] Data)> tensors)
        {
            var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
            var data = new List<byte>();
            foreach ((string name, string dtype, long[] shape, byte[] bytes) in tensors)
            {
                header.Append(CultureInfo.InvariantCulture, $",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Count},{data.Count + bytes.Length}]}}");
                data.AddRange(bytes);
            }

            header.Append('}');
            byte[] json = Encoding.UTF8.GetBytes(header.ToString());
            return BitConverter.GetBytes((ulong)json.Length).Concat(json).Concat(data).ToArray();
        }

        /// <summary>The text copy build/NetGen.targets writes for a file at <paramref name="relative"/> in the project.</summary>
        public static AdditionalText Converted(string relative, byte[]? file, string? error = null) => new Text(
            "/project/obj/Debug/netgen/" + relative.Replace('\\', '/') + ".netgen-weights",
            "netgen-weights 1\npath=" + relative + "\nresource=NetGen.Weights/" + relative + "\n"
                + (error is not null ? "error=" + error + "\n" : "base64=" + Convert.ToBase64String(file!) + "\n"));

        /// <summary>A .safetensors listed as an additional file without the build targets (the compiler reads it as text).</summary>
        public static AdditionalText Raw(string path, byte[] file) => new Text(path, Encoding.Latin1.GetString(file));

        private sealed class Text : AdditionalText
        {
            private readonly SourceText _text;

            public Text(string path, string content)
            {
                Path = path;
                _text = SourceText.From(content, Encoding.UTF8);
            }

            public override string Path { get; }

            public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
        }
    }
}
