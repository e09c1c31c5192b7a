using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetGen.IO;
using Xunit;

namespace NetGen.Runtime.Tests
{
    public class SafeTensorsBoundsTests
    {
        private static byte[] FileBytes(params TensorEntry[] tensors)
        {
            var ms = new MemoryStream();
            SafeTensors.Write(ms, tensors);
            return ms.ToArray();
        }

        private static TensorEntry[] Mlp(float w4 = 5, double b1 = 0.25) => new[]
        {
            TensorEntry.Create("0.weight", new[] { 3, 2 }, new float[] { 1, 2, 3, 4, w4, 6 }),
            TensorEntry.Create("0.bias", new[] { 3 }, new float[] { 0.5f, -0.5f, 0 }),
            TensorEntry.Create("1.bias", new[] { 2 }, new double[] { 1, b1 }),
        };

        // ------------------------------------------------------------ non-finite weights

        [Theory]
        [InlineData(float.NaN, "NaN")]
        [InlineData(float.PositiveInfinity, "+Infinity")]
        [InlineData(float.NegativeInfinity, "-Infinity")]
        public void Expect_RejectsNonFiniteF32_NamingTensorAndIndex(float bad, string shown)
        {
            SafeTensorsFile file = SafeTensors.Read(new MemoryStream(FileBytes(Mlp(w4: bad))));
            var e = Assert.Throws<InvalidDataException>(() => file.Expect("0.weight", DType.F32, 3, 2));
            Assert.Contains("tensor '0.weight'", e.Message);
            Assert.Contains("element 4 [2, 0]", e.Message);
            Assert.Contains(shown, e.Message);
            Assert.Contains("AllowNonFinite", e.Message);
        }

        [Fact]
        public void Expect_RejectsNonFiniteF64()
        {
            SafeTensorsFile file = SafeTensors.Read(new MemoryStream(FileBytes(Mlp(b1: double.NaN))));
            file.Expect("0.weight", DType.F32, 3, 2);
            var e = Assert.Throws<InvalidDataException>(() => file.Expect("1.bias", DType.F64, 2));
            Assert.Contains("tensor '1.bias'", e.Message);
            Assert.Contains("element 1 [1]", e.Message);
        }

        [Fact]
        public void CopyTo_RejectsNonFiniteBeforeCopying()
        {
            SafeTensorsFile file = SafeTensors.Read(new MemoryStream(FileBytes(Mlp(w4: float.NaN))));
            var destination = new float[6];
            Array.Fill(destination, 42f);
            var e = Assert.Throws<InvalidDataException>(() => file.CopyTo("0.weight", destination));
            Assert.Contains("element 4", e.Message);
            Assert.All(destination, v => Assert.Equal(42f, v));
        }

        [Fact]
        public void GeneratedLoadSequence_NonFiniteLastTensor_LeavesEveryParameterUnchanged()
        {
            // Generated Load(file): Expect every tensor, ExpectNoOtherTensors, then CopyTo each.
            SafeTensorsFile file = SafeTensors.Read(new MemoryStream(FileBytes(Mlp(b1: double.PositiveInfinity))));
            var w = new float[6];
            var b0 = new float[3];
            var b1 = new double[2];
            Assert.Throws<InvalidDataException>(() =>
            {
                file.Expect("0.weight", DType.F32, 3, 2);
                file.Expect("0.bias", DType.F32, 3);
                file.Expect("1.bias", DType.F64, 2);
                file.ExpectNoOtherTensors();
                file.CopyTo("0.weight", w);
                file.CopyTo("0.bias", b0);
                file.CopyTo("1.bias", b1);
            });
            Assert.All(w, v => Assert.Equal(0f, v));
            Assert.All(b0, v => Assert.Equal(0f, v));
        }

        // ------------------------------------------------------------ bounded stream reads

        [Fact]
        public void Read_EndlessStream_StopsRightAfterTheDeclaredData()
        {
            byte[] valid = FileBytes(Mlp());
            var endless = new EndlessStream(valid);
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(endless));
            Assert.Contains("continues", e.Message);
            Assert.InRange(endless.BytesRead, valid.Length + 1, valid.Length + 8);
        }

        [Fact]
        public void AllowNonFinite_LoadsNaNAndInfinity()
        {
            var options = new SafeTensorsReadOptions { AllowNonFinite = true };
            SafeTensorsFile file = SafeTensors.Read(new MemoryStream(FileBytes(Mlp(w4: float.NaN, b1: double.NegativeInfinity))), options);
            Assert.True(file.AllowNonFinite);
            file.Expect("0.weight", DType.F32, 3, 2);
            var w = new float[6];
            var b = new double[2];
            file.CopyTo("0.weight", w);
            file.CopyTo("1.bias", b);
            Assert.True(float.IsNaN(w[4]));
            Assert.Equal(double.NegativeInfinity, b[1]);
        }

        [Fact]
        public void Read_NonSeekable_LyingHeaderLength_AllocatesWhatTheStreamHolds()
        {
            byte[] bytes = new byte[8 + 64];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, 99_000_000);
            var stream = new EndlessStream(bytes, endAfter: bytes.Length);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(stream));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Contains("exceeds the 64 bytes that follow it", e.Message);
            Assert.InRange(allocated, 0, 4 << 20);
        }

        [Fact]
        public void Read_MaxDataBytes_RejectsFromTheHeader()
        {
            byte[] valid = FileBytes(TensorEntry.Create("w", new[] { 1000 }, new float[1000]));
            int headerEnd = valid.Length - 4000;
            var counting = new EndlessStream(valid, endAfter: valid.Length);
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(counting, maxDataBytes: 3999));
            Assert.Contains("at most 3999 bytes but the header declares 4000", e.Message);
            Assert.Equal(headerEnd, counting.BytesRead);
            Assert.Equal(1000, SafeTensors.Read(new EndlessStream(valid, endAfter: valid.Length), maxDataBytes: 4000).Tensors[0].ElementCount);
        }

        private static readonly TensorSpec[] MlpSpec =
        {
            new("0.weight", DType.F32, 3, 2),
            new("0.bias", DType.F32, 3),
            new("1.bias", DType.F64, 2),
        };

        [Fact]
        public void ExpectedTensors_MatchingFileLoads()
        {
            SafeTensorsFile file = SafeTensors.Read(new MemoryStream(FileBytes(Mlp())), new SafeTensorsReadOptions { ExpectedTensors = MlpSpec });
            Assert.Equal(3, file.Tensors.Count);
            Assert.Equal(24 + 12 + 16, MlpSpec.Sum(t => t.ByteLength));
        }

        [Fact]
        public void ExpectedTensors_UnexpectedHugeTensorIsRejectedFromTheHeader()
        {
            // A seekable stream claiming 2 GiB of data after a header that declares it: only the header is read.
            const long Huge = 2L << 30;
            string json = "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]},"
                + "\"big\":{\"dtype\":\"F32\",\"shape\":[536870912],\"data_offsets\":[24," + (24 + Huge).ToString() + "]}}";
            byte[] header = System.Text.Encoding.UTF8.GetBytes(json);
            byte[] prefix = new byte[8 + header.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            header.CopyTo(prefix, 8);
            var stream = new HugeSeekableStream(prefix, prefix.Length + 24 + Huge);
            var options = new SafeTensorsReadOptions { ExpectedTensors = new[] { new TensorSpec("0.weight", DType.F32, 3, 2) } };
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(stream, options));
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
            Assert.Contains("tensor 'big': unexpected (F32 [536870912], 2147483648 bytes); expected only the 1 tensor(s) '0.weight'", e.Message);
            Assert.Equal(prefix.Length, stream.BytesRead);
        }

        [Theory]
        [InlineData("0.bias", DType.F32, new[] { 4 }, "tensor '0.bias': expected F32 [4] but the header declares F32 [3]")]
        [InlineData("1.bias", DType.F32, new[] { 2 }, "tensor '1.bias': expected F32 [2] but the header declares F64 [2]")]
        public void ExpectedTensors_DifferentShapeOrDTypeIsRejectedFromTheHeader(string name, DType dtype, int[] shape, string message)
        {
            byte[] bytes = FileBytes(Mlp());
            TensorSpec[] spec = MlpSpec.Select(t => t.Name == name ? new TensorSpec(name, dtype, shape) : t).ToArray();
            var counting = new EndlessStream(bytes, endAfter: bytes.Length);
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(counting, new SafeTensorsReadOptions { ExpectedTensors = spec }));
            Assert.Contains(message, e.Message);
            Assert.Equal(bytes.Length - (24 + 12 + 16), counting.BytesRead);
        }

        [Fact]
        public void ExpectedTensors_MissingTensorIsRejectedFromTheHeader()
        {
            TensorSpec[] spec = MlpSpec.Append(new TensorSpec("2.weight", DType.F32, 1, 3)).ToArray();
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new MemoryStream(FileBytes(Mlp())), new SafeTensorsReadOptions { ExpectedTensors = spec }));
            Assert.Contains("tensor '2.weight': missing; expected F32 [1, 3]", e.Message);
        }

        [Fact]
        public void ExpectedTensors_FromAFile()
        {
            string dir = Directory.CreateTempSubdirectory("netgen-st").FullName;
            try
            {
                string path = Path.Combine(dir, "m.safetensors");
                SafeTensors.Save(path, Mlp());
                Assert.Equal(3, SafeTensors.Load(path, new SafeTensorsReadOptions { ExpectedTensors = MlpSpec }).Tensors.Count);
                var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path, new SafeTensorsReadOptions { ExpectedTensors = MlpSpec.Take(2).ToArray() }));
                Assert.Contains(path, e.Message);
                Assert.Contains("tensor '1.bias': unexpected", e.Message);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        /// <summary>A seekable stream of the given length: the prefix, then zeros; counts the bytes read.</summary>
        private sealed class HugeSeekableStream : Stream
        {
            private readonly byte[] _prefix;
            private readonly long _length;

            public HugeSeekableStream(byte[] prefix, long length)
            {
                _prefix = prefix;
                _length = length;
            }

            public long BytesRead { get; private set; }

            public override bool CanRead => true;

            public override bool CanSeek => true;

            public override bool CanWrite => false;

            public override long Length => _length;

            public override long Position { get; set; }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override int Read(Span<byte> buffer)
            {
                int n = (int)Math.Min(buffer.Length, _length - Position);
                for (int i = 0; i < n; i++)
                {
                    buffer[i] = Position + i < _prefix.Length ? _prefix[Position + i] : (byte)0;
                }

                Position += n;
                BytesRead += n;
                return n;
            }

            public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => Position + offset,
                _ => _length + offset,
            };

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        /// <summary>
        /// A non-seekable stream: the prefix, then zero bytes up to <c>endAfter</c> bytes in all, or without end (it
        /// refuses to go past 64 MiB, so a test can't hang). Counts the bytes read.
        /// </summary>
        internal sealed class EndlessStream : Stream
        {
            private readonly byte[] _prefix;
            private readonly long _endAfter;

            public EndlessStream(byte[] prefix, long endAfter = long.MaxValue)
            {
                _prefix = prefix;
                _endAfter = endAfter;
            }

            public long BytesRead { get; private set; }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override int Read(Span<byte> buffer)
            {
                if (BytesRead > (64 << 20))
                {
                    throw new InvalidOperationException("read more than 64 MiB from an endless stream");
                }

                int n = (int)Math.Min(buffer.Length, _endAfter - BytesRead);
                for (int i = 0; i < n; i++)
                {
                    buffer[i] = BytesRead + i < _prefix.Length ? _prefix[BytesRead + i] : (byte)0;
                }

                BytesRead += n;
                return n;
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
