using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using NetGen.IO;
using NetGen.Tests.Fuzzing;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Runtime.Tests
{
    /// <summary>Mutation fuzzing of the safetensors reader and of the checks a generated Load makes (see <see cref="Fuzzer"/>).</summary>
    public sealed class SafeTensorsFuzzTests
    {
        private readonly ITestOutputHelper _output;

        public SafeTensorsFuzzTests(ITestOutputHelper output) => _output = output;

        private static byte[] Write(IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        {
            var ms = new MemoryStream();
            SafeTensors.Write(ms, tensors, metadata);
            return ms.ToArray();
        }

        private static List<byte[]> Corpus() => new()
        {
            Write(new[]
            {
                TensorEntry.Create("0.weight", new[] { 3, 2 }, new float[] { 1, 2, 3, 4, 5, 6 }),
                TensorEntry.Create("0.bias", new[] { 3 }, new float[] { 0.5f, -0.5f, 0 }),
            }, new Dictionary<string, string> { ["format"] = "pt", ["layers"] = "Dense(2,3)" }),
            Write(new[] { TensorEntry.Create("w", new[] { 2, 2 }, new double[] { Math.PI, -1, 0, 1e300 }), TensorEntry.Create("s", Array.Empty<int>(), new float[] { 7 }) }),
            Write(new[] { TensorEntry.Create("empty", new[] { 0, 5 }, Array.Empty<float>()) }),
            Write(Array.Empty<TensorEntry>()),
        };

        /// <summary>Lies in the 8-byte header length, or in a number of the JSON header (a shape or an offset).</summary>
        private static void LieAboutLength(List<byte> bytes, Random random)
        {
            if (bytes.Count < 8)
            {
                return;
            }

            if (random.Next(3) == 0)
            {
                var prefix = new byte[8];
                bytes.CopyTo(0, prefix, 0, 8);
                long truth = BinaryPrimitives.ReadInt64LittleEndian(prefix);
                long lie = random.Next(4) switch
                {
                    0 => truth + random.Next(-8, 9),
                    1 => SafeTensors.MaxHeaderLength + random.Next(-2, 3),
                    2 => long.MaxValue - random.Next(3),
                    _ => random.Next(),
                };
                BinaryPrimitives.WriteInt64LittleEndian(prefix, lie);
                for (int i = 0; i < 8; i++)
                {
                    bytes[i] = prefix[i];
                }

                return;
            }

            // Replace one run of digits in the header by another number.
            var digits = new List<int>();
            for (int i = 9; i < bytes.Count && bytes[i] != (byte)' '; i++)
            {
                if (char.IsAsciiDigit((char)bytes[i]) && !char.IsAsciiDigit((char)bytes[i - 1]))
                {
                    digits.Add(i);
                }
            }

            if (digits.Count == 0)
            {
                return;
            }

            int start = digits[random.Next(digits.Count)];
            int end = start;
            while (end < bytes.Count && char.IsAsciiDigit((char)bytes[end]))
            {
                end++;
            }

            int.TryParse(Encoding.ASCII.GetString(bytes.GetRange(start, end - start).ToArray()), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value);
            string lie2 = random.Next(4) == 0 ? "9223372036854775807" : ((long)Fuzzer.LyingInt32(random, value)).ToString(CultureInfo.InvariantCulture);
            bytes.RemoveRange(start, end - start);
            bytes.InsertRange(start, Encoding.ASCII.GetBytes(lie2));
        }

        /// <summary>Reads the input (seekable or not, with or without expectations) and makes the checks and copies a generated Load makes.</summary>
        private static void Load(byte[] input, int variant)
        {
            Stream stream = variant % 2 == 0 ? new MemoryStream(input, writable: false) : new SafeTensorsBoundsTests.EndlessStream(input, endAfter: input.Length);
            SafeTensorsFile file = variant < 2
                ? SafeTensors.Read(stream)
                : SafeTensors.Read(stream, new SafeTensorsReadOptions { ExpectedTensors = new[] { new TensorSpec("0.weight", DType.F32, 3, 2), new TensorSpec("0.bias", DType.F32, 3) } });
            foreach (SafeTensorInfo info in file.Tensors)
            {
                file.Expect(info.Name, info.DType, info.Shape);
            }

            file.ExpectNoOtherTensors();
            foreach (SafeTensorInfo info in file.Tensors)
            {
                if (info.DType == DType.F32)
                {
                    file.CopyTo(info.Name, new float[info.ElementCount]);
                }
                else if (info.DType == DType.F64)
                {
                    file.CopyTo(info.Name, new double[info.ElementCount]);
                }
            }
        }

        [Fact]
        public void SafeTensorsReader()
        {
            int seed = Fuzzer.Seed(1604);
            var fuzzer = new Fuzzer(seed);
            List<byte[]> corpus = Corpus();
            int variant = 0;
            Fuzzer.Report report = fuzzer.Run(
                Fuzzer.Budget(),
                f =>
                {
                    variant = f.Random.Next(4);
                    return f.Mutate(corpus[f.Random.Next(corpus.Count)], LieAboutLength);
                },
                input => (8L * input.Length) + (256 << 10), // header, data and their copies; JSON strings; the error message
                input => Load(input, variant),
                typeof(InvalidDataException));
            _output.WriteLine(report.Summary("safetensors", seed));
            Assert.True(report.Failures.Length == 0, report.Summary("safetensors", seed) + "\n" + report.Failures);
            Assert.True(report.Inputs > 100, "too few inputs tried: " + report.Summary("safetensors", seed));
            Assert.True(report.Accepted > 0 && report.Rejected > 0, "the mutations should give both valid and invalid inputs: " + report.Summary("safetensors", seed));
        }
    }
}
