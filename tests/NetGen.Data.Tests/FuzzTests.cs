using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using NetGen.Tests.Fuzzing;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Data.Tests
{
    /// <summary>Mutation fuzzing of the IDX (raw and gzip) and CSV readers, a few seconds per format (see <see cref="Fuzzer"/>).</summary>
    public sealed class FuzzTests : IDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly TempDir _dir = new();

        public FuzzTests(ITestOutputHelper output) => _output = output;

        public void Dispose() => _dir.Dispose();

        private static byte[] Idx(IdxTensor tensor)
        {
            var ms = new MemoryStream();
            IdxFile.Write(ms, tensor);
            return ms.ToArray();
        }

        private static List<byte[]> IdxCorpus() => new()
        {
            Idx(new IdxTensor(new byte[] { 0, 1, 2, 3, 250, 251, 252, 253, 9, 8, 7, 6 }, 3, 4)),
            Idx(new IdxTensor(new sbyte[] { -1, 2, -3 }, 3)),
            Idx(new IdxTensor(new short[] { 1, -2, 300, 4, 5, 6 }, 1, 2, 3)),
            Idx(new IdxTensor(new int[] { 1, 2, 3, 4 }, 4, 1)),
            Idx(new IdxTensor(new float[] { 1.5f, -2, float.NaN, 4 }, 2, 2)),
            Idx(new IdxTensor(new double[] { Math.PI, Math.E }, 2)),
            Idx(new IdxTensor(new byte[200], 2, 10, 10)),
        };

        /// <summary>Overwrites one of the big-endian dimensions (or the rank byte) with a lie.</summary>
        private static void LieAboutIdxLength(List<byte> bytes, Random random)
        {
            if (bytes.Count < 8)
            {
                return;
            }

            int rank = Math.Max(1, Math.Min(bytes[3], (bytes.Count - 4) / 4));
            if (random.Next(5) == 0)
            {
                bytes[3] = (byte)random.Next(256);
                return;
            }

            int at = 4 + (4 * random.Next(rank));
            Span<byte> dim = stackalloc byte[4];
            for (int i = 0; i < 4; i++)
            {
                dim[i] = bytes[at + i];
            }

            BinaryPrimitives.WriteInt32BigEndian(dim, Fuzzer.LyingInt32(random, BinaryPrimitives.ReadInt32BigEndian(dim)));
            for (int i = 0; i < 4; i++)
            {
                bytes[at + i] = dim[i];
            }
        }

        [Fact]
        public void IdxRaw()
        {
            int seed = Fuzzer.Seed(1601);
            var fuzzer = new Fuzzer(seed);
            List<byte[]> corpus = IdxCorpus();
            Fuzzer.Report report = fuzzer.Run(
                Fuzzer.Budget(),
                f => f.Mutate(corpus[f.Random.Next(corpus.Count)], LieAboutIdxLength),
                input => (4L * input.Length) + (256 << 10), // the data array, the file buffer, the error message
                input => WriteAndRead(input),
                typeof(DataFormatException));
            Finish(report, "IDX raw", seed);
        }

        [Fact]
        public void IdxGzip()
        {
            int seed = Fuzzer.Seed(1602);
            var fuzzer = new Fuzzer(seed);
            List<byte[]> raw = IdxCorpus();
            List<byte[]> zipped = raw.ConvertAll(IdxTests.Compress);
            Fuzzer.Report report = fuzzer.Run(
                Fuzzer.Budget(),
                f => f.Random.Next(2) == 0
                    ? f.Mutate(zipped[f.Random.Next(zipped.Count)], null)                        // damaged compression
                    : IdxTests.Compress(f.Mutate(raw[f.Random.Next(raw.Count)], LieAboutIdxLength)), // damaged content, intact gzip
                input => (1100L * input.Length) + (512 << 10), // deflate expands at most 1032:1; the header check holds the data to that
                input => WriteAndRead(input),
                typeof(DataFormatException));
            Finish(report, "IDX gzip", seed);
        }

        private void WriteAndRead(byte[] input)
        {
            string path = _dir.File("fuzz.idx");
            File.WriteAllBytes(path, input);
            IdxFile.Read(path);
        }

        private static readonly string[] CsvCorpus =
        {
            "label,a,b\n1,0.5,2\n0,-1e-3,3.25\n",
            "3,1.5\r\n0,2.5\r\n1,7\r\n",
            "y,x1,x2,x3\n0,1,2,3\n\n1,4,5,6\n2,7,8,9",
            "0,1e30,-1e-30,0.0,5\n9,1,1,1,1\r",
        };

        /// <summary>A field made very long, a huge label, or a repeated line.</summary>
        private static void LieAboutCsvLength(List<byte> bytes, Random random)
        {
            int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(new string('7', 1 + random.Next(5000))));
                    break;
                case 1:
                    bytes.InsertRange(0, Encoding.ASCII.GetBytes(Fuzzer.LyingInt32(random, 3).ToString(System.Globalization.CultureInfo.InvariantCulture) + ",1,2\n"));
                    break;
                default:
                    int end = bytes.IndexOf((byte)'\n');
                    if (end > 0)
                    {
                        for (int i = random.Next(50); i > 0; i--)
                        {
                            bytes.InsertRange(0, bytes.GetRange(0, end + 1));
                        }
                    }

                    break;
            }
        }

        [Fact]
        public void Csv()
        {
            int seed = Fuzzer.Seed(1603);
            var fuzzer = new Fuzzer(seed);
            List<byte[]> corpus = new List<string>(CsvCorpus).ConvertAll(Encoding.UTF8.GetBytes);
            string text = string.Empty;
            Fuzzer.Report report = fuzzer.Run(
                Fuzzer.Budget(),
                f => f.Mutate(corpus[f.Random.Next(corpus.Count)], LieAboutCsvLength),
                input => (16L * input.Length) + (512 << 10), // features and labels (grown by doubling), the pooled line buffers
                input => CsvDataset.Load(new StringReader(Encoding.UTF8.GetString(input)), "fuzz.csv", 0, maxLineLength: 4096),
                typeof(DataFormatException));
            Finish(report, "CSV", seed);
        }

        private void Finish(Fuzzer.Report report, string format, int seed)
        {
            _output.WriteLine(report.Summary(format, seed));
            Assert.True(report.Failures.Length == 0, report.Summary(format, seed) + "\n" + report.Failures);
            Assert.True(report.Inputs > 100, "too few inputs tried: " + report.Summary(format, seed));
            Assert.True(report.Accepted > 0 && report.Rejected > 0, "the mutations should give both valid and invalid inputs: " + report.Summary(format, seed));
        }
    }
}
