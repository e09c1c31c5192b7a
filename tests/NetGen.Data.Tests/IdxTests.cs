using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.IO.Compression;
using Xunit;

namespace NetGen.Data.Tests
{
    public class IdxTests
    {
        public static TheoryData<IdxTypeCode, bool> AllTypes()
        {
            var data = new TheoryData<IdxTypeCode, bool>();
            foreach (IdxTypeCode t in Enum.GetValues<IdxTypeCode>())
            {
                data.Add(t, false);
                data.Add(t, true);
            }

            return data;
        }

        private static IdxTensor Sample(IdxTypeCode type)
        {
            int[] dims = { 3, 4, 5 };
            const int n = 60;
            switch (type)
            {
                case IdxTypeCode.UnsignedByte:
                    var b = new byte[n];
                    for (int i = 0; i < n; i++) { b[i] = (byte)(i * 37 + 200); }
                    return new IdxTensor(b, dims);
                case IdxTypeCode.SignedByte:
                    var sb = new sbyte[n];
                    for (int i = 0; i < n; i++) { sb[i] = (sbyte)(i * 37 - 100); }
                    return new IdxTensor(sb, dims);
                case IdxTypeCode.Int16:
                    var s = new short[n];
                    for (int i = 0; i < n; i++) { s[i] = (short)(i * 1237 - 30000); }
                    return new IdxTensor(s, dims);
                case IdxTypeCode.Int32:
                    var it = new int[n];
                    for (int i = 0; i < n; i++) { it[i] = i * 123456789 - 7; }
                    return new IdxTensor(it, dims);
                case IdxTypeCode.Single:
                    var f = new float[n];
                    for (int i = 0; i < n; i++) { f[i] = MathF.Sin(i) * 1e5f; }
                    f[0] = float.NegativeInfinity;
                    f[1] = -0f;
                    return new IdxTensor(f, dims);
                default:
                    var d = new double[n];
                    for (int i = 0; i < n; i++) { d[i] = Math.Cos(i) * 1e-300; }
                    d[0] = double.MaxValue;
                    return new IdxTensor(d, dims);
            }
        }

        [Theory]
        [MemberData(nameof(AllTypes))]
        public void RoundTripsEveryTypeCode(IdxTypeCode type, bool gzip)
        {
            using var dir = new TempDir();
            string path = dir.File("t.idx");
            IdxTensor original = Sample(type);
            IdxFile.Write(path, original, gzip);

            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal(gzip, bytes[0] == 0x1F && bytes[1] == 0x8B);
            byte[] raw = gzip ? Decompress(bytes) : bytes;
            Assert.Equal(new byte[] { 0, 0, (byte)type, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5 }, raw[..16]);
            Assert.Equal(16 + 60 * IdxTensor.ElementSize(type), raw.Length);

            // Big-endian on disk: check the first element by hand.
            int size = IdxTensor.ElementSize(type);
            switch (original.Data)
            {
                case short[] s: Assert.Equal(s[0], BinaryPrimitives.ReadInt16BigEndian(raw.AsSpan(16))); break;
                case int[] i: Assert.Equal(i[0], BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(16))); break;
                case float[] f: Assert.Equal(f[2], BinaryPrimitives.ReadSingleBigEndian(raw.AsSpan(16 + 2 * size))); break;
                case double[] d: Assert.Equal(d[0], BinaryPrimitives.ReadDoubleBigEndian(raw.AsSpan(16))); break;
            }

            IdxTensor read = IdxFile.Read(path);
            Assert.Equal(type, read.TypeCode);
            Assert.Equal(new[] { 3, 4, 5 }, read.Dimensions.ToArray());
            Assert.Equal(original.Data, read.Data);
            Assert.Equal(original.ToSingles(), read.ToSingles());

            IdxHeader header = IdxFile.ReadHeader(path);
            Assert.Equal(gzip, header.IsGzip);
            Assert.Equal(60, header.ElementCount);
            Assert.Equal(16, header.Length);
        }

        [Fact]
        public void GzipIsDetectedFromContentNotName()
        {
            using var dir = new TempDir();
            var t = new IdxTensor(new byte[] { 1, 2, 3 }, 3);
            IdxFile.Write(dir.File("compressed-without-suffix"), t, gzip: true);
            IdxFile.Write(dir.File("raw.gz"), t, gzip: false);
            Assert.Equal(new byte[] { 1, 2, 3 }, IdxFile.Read(dir.File("compressed-without-suffix")).AsBytes());
            Assert.Equal(new byte[] { 1, 2, 3 }, IdxFile.Read(dir.File("raw.gz")).AsBytes());
        }

        [Fact]
        public void WriteReplacesAtomicallyAndLeavesNoTemporaryFile()
        {
            using var dir = new TempDir();
            string path = dir.File("x.idx");
            File.WriteAllText(path, "old content");
            IdxFile.Write(path, new IdxTensor(new int[] { 7, 8 }, 2));
            Assert.Equal(new[] { 7, 8 }, IdxFile.Read(path).AsInt32());
            Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
        }

        [Theory]
        [InlineData(252, false)]
        [InlineData(255, true)]
        public void WriteWorksForTheLongestValidNames(int length, bool gzip)
        {
            using var dir = new TempDir();
            string name = new string('i', length);
            string path = dir.File(name);
            IdxTensor tensor = Sample(IdxTypeCode.Int16);
            IdxFile.Write(path, tensor, gzip);
            IdxFile.Write(path, tensor, gzip);
            Assert.Equal(tensor.AsInt16(), IdxFile.Read(path).AsInt16());
            Assert.Equal(new[] { name }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        }

        [Fact]
        public void WriteOverASymbolicLinkReplacesTheLinkAndLeavesItsTargetAlone()
        {
            using var dir = new TempDir();
            string target = dir.File("target.idx");
            IdxFile.Write(target, Sample(IdxTypeCode.UnsignedByte));
            byte[] before = File.ReadAllBytes(target);
            string link = dir.File("link.idx");
            File.CreateSymbolicLink(link, target);

            IdxFile.Write(link, Sample(IdxTypeCode.Double));

            Assert.Equal(before, File.ReadAllBytes(target));
            Assert.Null(new FileInfo(link).LinkTarget);
            Assert.Equal(IdxTypeCode.Double, IdxFile.Read(link).TypeCode);
        }

        [Fact]
        public void LargeGzipPayloadReadsInChunks()
        {
            // 80 MB of data exceeds the direct-allocation threshold, exercising the growing buffer.
            using var dir = new TempDir();
            var data = new byte[80 << 20];
            for (int i = 0; i < data.Length; i += 4096) { data[i] = (byte)(i >> 12); }
            data[^1] = 42;
            IdxFile.Write(dir.File("big.gz"), new IdxTensor(data, data.Length / 1024, 1024), gzip: true);
            byte[] back = IdxFile.Read(dir.File("big.gz")).AsBytes();
            Assert.Equal(data.Length, back.Length);
            Assert.True(data.AsSpan().SequenceEqual(back));
        }

        [Fact]
        public void TypedAccessorRejectsOtherType()
        {
            var t = new IdxTensor(new float[] { 1 }, 1);
            Assert.Throws<InvalidOperationException>(() => t.AsBytes());
            Assert.Throws<ArgumentException>(() => new IdxTensor(new byte[5], 2, 2));
        }

        // ---- malformed input ----

        private static byte[] Header(byte type, params int[] dims)
        {
            var h = new byte[4 + 4 * dims.Length];
            h[2] = type;
            h[3] = (byte)dims.Length;
            for (int i = 0; i < dims.Length; i++) { BinaryPrimitives.WriteInt32BigEndian(h.AsSpan(4 + 4 * i), dims[i]); }
            return h;
        }

        private static DataFormatException ReadBad(byte[] content, bool gzip, string name = "bad.idx")
        {
            using var dir = new TempDir();
            string path = dir.File(name);
            File.WriteAllBytes(path, gzip ? Compress(content) : content);
            var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
            Assert.Contains(path, e.Message);
            Assert.Equal(path, e.FilePath);
            return e;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void WrongMagicFails(bool gzip)
        {
            byte[] content = Header(0x08, 2);
            content[1] = 0x03;
            var e = ReadBad([.. content, 1, 2], gzip);
            Assert.Equal(0, e.Offset);
            Assert.Contains("0x00 0x00", e.Message);
            Assert.Contains("0x00 0x03", e.Message);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void BadTypeCodeFails(bool gzip)
        {
            var e = ReadBad([.. Header(0x0A, 2), 1, 2], gzip);
            Assert.Equal(2, e.Offset);
            Assert.Contains("0x0A", e.Message);
            Assert.Contains("offset 2", e.Message);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ZeroDimensionsFails(bool gzip)
        {
            var e = ReadBad([0, 0, 8, 0, 1, 2], gzip);
            Assert.Equal(3, e.Offset);
            Assert.Contains("found 0", e.Message);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TruncatedHeaderFails(bool gzip)
        {
            var e = ReadBad([0, 0, 8, 3, 0, 0, 0, 9], gzip);
            Assert.Equal(4, e.Offset);
            Assert.Contains("3 big-endian int32 dimensions", e.Message);
        }

        [Fact]
        public void TooShortForMagicFails()
        {
            var e = ReadBad([0, 0], false);
            Assert.Equal(0, e.Offset);
            Assert.Contains("file ends after 2 bytes", e.Message);
        }

        [Fact]
        public void TruncatedRawDataFailsBeforeReading()
        {
            var e = ReadBad([.. Header(0x0C, 2, 3), .. new byte[23]], false);
            Assert.Contains("expected a file length of 36 bytes", e.Message);
            Assert.Contains("is 35 bytes", e.Message);
            Assert.Equal(35, e.Offset);
        }

        [Fact]
        public void TrailingRawDataFails()
        {
            var e = ReadBad([.. Header(0x08, 2), 1, 2, 3], false);
            Assert.Contains("trailing", e.Message);
        }

        [Fact]
        public void TruncatedGzipDataFails()
        {
            var e = ReadBad([.. Header(0x0D, 100), .. new byte[399]], true);
            Assert.Contains("expected 400 data bytes", e.Message);
            Assert.Contains("ends after 399 bytes", e.Message);
            Assert.Equal(8 + 399, e.Offset);
        }

        [Fact]
        public void TrailingGzipDataFails()
        {
            var e = ReadBad([.. Header(0x08, 2), 1, 2, 3], true);
            Assert.Contains("trailing", e.Message);
        }

        [Fact]
        public void CorruptGzipStreamFails()
        {
            using var dir = new TempDir();
            string path = dir.File("corrupt.gz");
            byte[] zipped = Compress([.. Header(0x08, 4000), .. new byte[4000]]);
            for (int i = 12; i < zipped.Length - 8; i++) { zipped[i] ^= 0x5A; }
            File.WriteAllBytes(path, zipped);
            var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
            Assert.Contains(path, e.Message);
        }

        [Theory]
        [InlineData(8)] // CRC-32 of the trailer
        [InlineData(4)] // ISIZE of the trailer
        public void BadGzipTrailerIsReportedAsCorruptData(int fromEnd)
        {
            using var dir = new TempDir();
            string path = dir.File("badcrc.gz");
            byte[] zipped = Compress([.. Header(0x08, 3), 1, 2, 3]);
            zipped[zipped.Length - fromEnd] ^= 0x01;
            File.WriteAllBytes(path, zipped);
            var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("corrupt gzip data", e.Message);
            Assert.Contains("check", e.Message);
            Assert.DoesNotContain("compression method", e.Message);
            Assert.InRange(e.Offset, 0, 11); // "near": the decompressor checks the trailer while it still holds data it has not handed out
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void LyingHeaderFailsFastWithoutAllocating(bool gzip)
        {
            // 2^31 - 1 images of 28×28: ~1.7 TB declared in a tiny file.
            byte[] content = [.. Header(0x08, int.MaxValue, 28, 28), .. new byte[14]];
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = ReadBad(content, gzip);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 10_000_000, $"allocated {allocated} bytes");
            Assert.Equal(4, e.Offset);
            Assert.Contains("2147483647×28×28", e.Message);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void LyingHeaderWithinArrayLimitsFailsFastWithoutAllocating(bool gzip)
        {
            // 1e9 bytes declared: allowed as an array size, but impossible for a 30-byte file.
            byte[] content = [.. Header(0x08, 1_000_000_000), .. new byte[22]];
            Assert.Equal(30, content.Length);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = ReadBad(content, gzip);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 10_000_000, $"allocated {allocated} bytes");
            Assert.Contains("1000000000", e.Message);
        }

        [Fact]
        public void DimensionProductOverflowFails()
        {
            var e = ReadBad([.. Header(0x0E, int.MaxValue, int.MaxValue, int.MaxValue, 8), 1], false);
            Assert.Contains("more than 2^63", e.Message);
            Assert.Equal(4, e.Offset);
        }

        [Fact]
        public void NegativeDimensionFails()
        {
            var e = ReadBad([.. Header(0x08, 2, -1), 1], false);
            Assert.Equal(8, e.Offset);
            Assert.Contains("4294967295", e.Message);
        }

        [Fact]
        public void GzipSizeLimitIsEnforced()
        {
            using var dir = new TempDir();
            string path = dir.File("limit.gz");
            IdxFile.Write(path, new IdxTensor(new byte[10000], 10000), gzip: true);
            var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path, maxDataBytes: 9999));
            Assert.Contains("expected at most 9999 data bytes", e.Message);
            Assert.Equal(10000, IdxFile.Read(path, maxDataBytes: 10000).Length);
        }

        internal static byte[] Compress(byte[] data)
        {
            using var ms = new MemoryStream();
            using (var z = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) { z.Write(data); }
            return ms.ToArray();
        }

        internal static byte[] Decompress(byte[] data)
        {
            using var z = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            z.CopyTo(ms);
            return ms.ToArray();
        }
    }
}
