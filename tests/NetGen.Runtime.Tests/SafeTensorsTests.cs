using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NetGen.IO;
using Xunit;

namespace NetGen.Runtime.Tests
{
    public class SafeTensorsTests
    {
        // ------------------------------------------------------------ helpers

        private static byte[] Build(string json, byte[] data, ulong? headerLength = null)
        {
            byte[] header = Encoding.UTF8.GetBytes(json);
            var bytes = new byte[8 + header.Length + data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
            header.CopyTo(bytes, 8);
            data.CopyTo(bytes, 8 + header.Length);
            return bytes;
        }

        private static SafeTensorsFile ReadBytes(byte[] bytes) => SafeTensors.Read(new MemoryStream(bytes));

        private static string ReadError(byte[] bytes) => Assert.Throws<InvalidDataException>(() => ReadBytes(bytes)).Message;

        private static byte[] WriteBytes(IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        {
            var ms = new MemoryStream();
            SafeTensors.Write(ms, tensors, metadata);
            return ms.ToArray();
        }

        private static string Tensor(string name, string dtype, string shape, long begin, long end) =>
            $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

        private static TensorEntry[] Mlp() => new[]
        {
            TensorEntry.Create("0.weight", new[] { 3, 2 }, new float[] { 1, 2, 3, 4, 5, 6 }),
            TensorEntry.Create("0.bias", new[] { 3 }, new float[] { 0.5f, -0.5f, 0 }),
            TensorEntry.Create("2.weight", new[] { 1, 3 }, new float[] { -1, 1e-7f, float.MaxValue }),
        };

        private static void ExpectMlp(SafeTensorsFile file)
        {
            file.Expect("0.weight", DType.F32, 3, 2);
            file.Expect("0.bias", DType.F32, 3);
            file.Expect("2.weight", DType.F32, 1, 3);
        }

        // ------------------------------------------------------------ writing

        [Fact]
        public void Write_ExactByteLayout()
        {
            byte[] actual = WriteBytes(new[] { TensorEntry.Create("a", new[] { 2 }, new float[] { 1.0f, -2.0f }) });

            const string Json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"; // 54 bytes
            Assert.Equal(54, Json.Length);
            var expected = new List<byte> { 56, 0, 0, 0, 0, 0, 0, 0 };           // header length, padded to 56
            expected.AddRange(Encoding.ASCII.GetBytes(Json + "  "));             // two padding spaces
            expected.AddRange(new byte[] { 0x00, 0x00, 0x80, 0x3F });           // 1.0f little-endian
            expected.AddRange(new byte[] { 0x00, 0x00, 0x00, 0xC0 });           // -2.0f little-endian
            Assert.Equal(expected.ToArray(), actual);
        }

        [Fact]
        public void Write_MetadataFirstSortedAndTensorsInGivenOrder()
        {
            byte[] bytes = WriteBytes(
                new[]
                {
                    TensorEntry.Create("z", new[] { 1 }, new double[] { 1 }),
                    TensorEntry.Create("a", Array.Empty<int>(), new float[] { 2 }),
                },
                new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });

            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0UL, n % 8);
            string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
            Assert.Equal(
                "{\"__metadata__\":{\"a\":\"1\",\"b\":\"2\"},"
                    + "\"z\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                    + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}",
                header.TrimEnd(' '));
            Assert.Equal(8 + (int)n + 12, bytes.Length);
        }

        [Fact]
        public void RoundTrip_F32_WithMetadata()
        {
            var meta = new Dictionary<string, string> { ["format"] = "pt", ["netgen"] = "0.1 üñí \"quoted\"" };
            byte[] bytes = WriteBytes(Mlp(), meta);
            SafeTensorsFile file = ReadBytes(bytes);

            Assert.Null(file.FileName);
            Assert.Equal(meta, file.Metadata);
            Assert.Equal(new[] { "0.weight", "0.bias", "2.weight" }, file.Tensors.Select(t => t.Name));
            SafeTensorInfo w = file.Tensors[0];
            Assert.Equal(DType.F32, w.DType);
            Assert.Equal(new[] { 3, 2 }, w.Shape.ToArray());
            Assert.Equal(6, w.ElementCount);
            Assert.Equal(0, w.DataBegin);
            Assert.Equal(24, w.DataEnd);
            Assert.Equal(24, file.GetTensor("0.bias").DataBegin);
            Assert.Equal(48, file.DataLength);

            ExpectMlp(file);
            file.ExpectNoOtherTensors();
            var w0 = new float[6];
            var b0 = new float[3];
            var w2 = new float[3];
            file.CopyTo("0.weight", w0);
            file.CopyTo("0.bias", new[] { 3 }, b0);
            file.CopyTo("2.weight", w2);
            Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, w0);
            Assert.Equal(new float[] { 0.5f, -0.5f, 0 }, b0);
            Assert.Equal(new float[] { -1, 1e-7f, float.MaxValue }, w2);
        }

        [Fact]
        public void RoundTrip_F64_ViaFile()
        {
            string dir = Directory.CreateTempSubdirectory("netgen-st").FullName;
            try
            {
                string path = Path.Combine(dir, "model.safetensors");
                double[] w = { Math.PI, -Math.E, double.Epsilon, 1e300 };
                double[] b = { 0.1 };
                SafeTensors.Save(
                    path,
                    new[] { TensorEntry.Create("w", new[] { 2, 2 }, w), TensorEntry.Create("b", new[] { 1 }, b) },
                    new Dictionary<string, string> { ["epoch"] = "7" });

                SafeTensorsFile file = SafeTensors.Load(path);
                Assert.Equal(path, file.FileName);
                Assert.Equal("7", file.Metadata["epoch"]);
                file.Expect("w", DType.F64, 2, 2);
                file.Expect("b", DType.F64, 1);
                file.ExpectNoOtherTensors();
                var w2 = new double[4];
                var b2 = new double[1];
                file.CopyTo("w", w2);
                file.CopyTo("b", new[] { 1 }, b2);
                Assert.Equal(w, w2);
                Assert.Equal(b, b2);
                Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(dir).Select(Path.GetFileName));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [Fact]
        public void RoundTrip_EmptyFileAndZeroSizedTensor()
        {
            SafeTensorsFile empty = ReadBytes(WriteBytes(Array.Empty<TensorEntry>()));
            Assert.Empty(empty.Tensors);
            Assert.Empty(empty.Metadata);
            empty.ExpectNoOtherTensors();

            SafeTensorsFile file = ReadBytes(WriteBytes(new[]
            {
                TensorEntry.Create("e", new[] { 0, 5 }, Array.Empty<float>()),
                TensorEntry.Create("x", new[] { 1 }, new float[] { 3 }),
            }));
            file.Expect("e", DType.F32, 0, 5);
            file.CopyTo("e", Span<float>.Empty);
            Assert.Equal(new byte[] { 0, 0, 0x40, 0x40 }, file.GetRawData("x").ToArray());
        }

        [Fact]
        public void Write_RejectsBadEntries()
        {
            Assert.Throws<ArgumentException>(() => TensorEntry.Create("w", new[] { 2, 2 }, new float[3]));
            Assert.Throws<ArgumentException>(() => TensorEntry.Create("w", new[] { -1 }, new float[0]));
            Assert.Throws<ArgumentException>(() => TensorEntry.Create("", new[] { 1 }, new float[1]));
            Assert.Throws<ArgumentException>(() => TensorEntry.Create("__metadata__", new[] { 1 }, new float[1]));
            var dup = new[] { TensorEntry.Create("w", new[] { 1 }, new float[1]), TensorEntry.Create("w", new[] { 1 }, new double[1]) };
            Assert.Throws<ArgumentException>(() => WriteBytes(dup));
        }

        [Fact]
        public void ReadsForeignDtypesAndPaddingButRefusesToConvert()
        {
            // A BF16 tensor (2 bytes each) next to an I64, header padded with spaces.
            string json = "{" + Tensor("h", "BF16", "[2]", 0, 4) + "," + Tensor("i", "I64", "[1]", 4, 12) + "}    ";
            SafeTensorsFile file = ReadBytes(Build(json, new byte[12]));
            Assert.Equal(DType.BF16, file.GetTensor("h").DType);
            Assert.Equal(4, file.GetRawData("h").Length);
            string message = Assert.Throws<InvalidDataException>(() => file.CopyTo("h", new float[2])).Message;
            Assert.Contains("tensor 'h'", message);
            Assert.Contains("expected dtype F32 but found BF16", message);
            Assert.Contains("only F32 and F64", message);
        }

        // ------------------------------------------------------------ malformed files

        [Fact]
        public void ShortFile()
        {
            Assert.Contains("expected at least 8 bytes", ReadError(new byte[5]));
            Assert.Contains("but the file has 0", ReadError(Array.Empty<byte>()));
        }

        [Fact]
        public void LyingHeaderLength_IsRejectedBeforeAllocating()
        {
            byte[] bytes = Build("{}", Array.Empty<byte>(), headerLength: 1UL << 40);
            string message = ReadError(bytes);
            Assert.Contains("header length 1099511627776 exceeds the limit", message);

            byte[] bytes2 = Build("{}", Array.Empty<byte>(), headerLength: 1000);
            Assert.Contains("header length 1000 exceeds the 2 bytes that follow it", ReadError(bytes2));

            byte[] bytes3 = Build("{}", Array.Empty<byte>(), headerLength: ulong.MaxValue);
            Assert.Contains("exceeds the limit of 100000000 bytes", ReadError(bytes3));
        }

        [Fact]
        public void HeaderLengthOverCap()
        {
            Assert.Contains("exceeds the limit of 100000000", ReadError(Build("{}", Array.Empty<byte>(), headerLength: 100_000_001)));
        }

        [Fact]
        public void NonSeekableStream_StillChecksLength()
        {
            byte[] bytes = Build("{}", Array.Empty<byte>(), headerLength: 50_000_000);
            var stream = new NonSeekableStream(new MemoryStream(bytes));
            string message = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(stream)).Message;
            Assert.Contains("exceeds the 2 bytes that follow it", message);

            SafeTensorsFile ok = SafeTensors.Read(new NonSeekableStream(new MemoryStream(WriteBytes(Mlp()))));
            Assert.Equal(3, ok.Tensors.Count);
        }

        [Theory]
        [InlineData("{\"a\":", "not valid JSON")]
        [InlineData("{\"a\":{}} x", "not valid JSON")]
        [InlineData("{\"a\":{},}", "not valid JSON")]
        [InlineData("[1,2]", "start with '{'")]
        [InlineData(" {}", "start with '{'")]
        [InlineData("", "is empty")]
        public void InvalidJson(string json, string expected)
        {
            Assert.Contains(expected, ReadError(Build(json, Array.Empty<byte>())));
        }

        [Fact]
        public void InvalidUtf8()
        {
            byte[] bytes = Build("{\"ab\":{}}", Array.Empty<byte>());
            bytes[10] = 0xFF; // inside the key
            Assert.Contains("not valid", ReadError(bytes));
        }

        [Fact]
        public void MissingDtype()
        {
            string message = ReadError(Build("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]));
            Assert.Contains("tensor 'w': missing required field \"dtype\"", message);
            Assert.Contains("missing required field \"shape\"", ReadError(Build("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4])));
            Assert.Contains("missing required field \"data_offsets\"", ReadError(Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4])));
        }

        [Fact]
        public void UnknownDtype()
        {
            string message = ReadError(Build("{" + Tensor("w", "F99", "[1]", 0, 4) + "}", new byte[4]));
            Assert.Contains("tensor 'w': unknown dtype 'F99'", message);
            Assert.Contains("unknown dtype 'f32'", ReadError(Build("{" + Tensor("w", "f32", "[1]", 0, 4) + "}", new byte[4])));
        }

        [Theory]
        [InlineData("[-1]")]
        [InlineData("[1.5]")]
        [InlineData("[\"2\"]")]
        [InlineData("[3000000000]")]
        [InlineData("7")]
        [InlineData("null")]
        public void BadShape(string shape)
        {
            string message = ReadError(Build("{" + Tensor("w", "F32", shape, 0, 4) + "}", new byte[4]));
            Assert.Contains("tensor 'w': expected \"shape\" to be an array of non-negative integers", message);
        }

        [Theory]
        [InlineData("[0]", "2 elements")]
        [InlineData("[0,4,8]", "2 elements")]
        [InlineData("[0,-4]", "non-negative integers")]
        [InlineData("{}", "array [begin, end]")]
        public void BadOffsetsShape(string offsets, string expected)
        {
            string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":" + offsets + "}}";
            Assert.Contains(expected, ReadError(Build(json, new byte[4])));
        }

        [Fact]
        public void OffsetsOutOfRange()
        {
            string message = ReadError(Build("{" + Tensor("w", "F32", "[2]", 0, 8) + "}", new byte[4]));
            Assert.Contains("tensor 'w': data_offsets [0, 8] extend past the end of the data section (4 bytes)", message);

            Assert.Contains("begin > end", ReadError(Build("{" + Tensor("w", "F32", "[0]", 4, 0) + "}", new byte[4])));
        }

        [Fact]
        public void Overlapping()
        {
            string json = "{" + Tensor("a", "F32", "[2]", 0, 8) + "," + Tensor("b", "F32", "[2]", 4, 12) + "}";
            string message = ReadError(Build(json, new byte[12]));
            Assert.Contains("tensor 'b': data_offsets [4, 12] overlap tensor 'a' at [0, 8]", message);
        }

        [Fact]
        public void GapAndUncoveredData()
        {
            string gap = "{" + Tensor("a", "F32", "[1]", 0, 4) + "," + Tensor("b", "F32", "[1]", 8, 12) + "}";
            Assert.Contains("tensor 'b': expected data to begin at byte 4 (right after tensor 'a') but data_offsets begin at 8", ReadError(Build(gap, new byte[12])));

            string start = "{" + Tensor("a", "F32", "[1]", 4, 8) + "}";
            Assert.Contains("expected data to begin at byte 0 (right after the header)", ReadError(Build(start, new byte[8])));

            string tail = "{" + Tensor("a", "F32", "[1]", 0, 4) + "}";
            Assert.Contains("cover the 6-byte data section exactly but they end at byte 4, leaving 2 trailing bytes", ReadError(Build(tail, new byte[6])));
        }

        [Fact]
        public void SizeMismatchWithShape()
        {
            string json = "{" + Tensor("0.weight", "F32", "[2, 3]", 0, 20) + "}";
            string message = ReadError(Build(json, new byte[20]));
            Assert.Contains("tensor '0.weight': shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] span 20", message);

            string huge = "{" + Tensor("h", "F64", "[2147483647, 2147483647, 2147483647]", 0, 8) + "}";
            Assert.Contains("needs more than 2^63 bytes", ReadError(Build(huge, new byte[8])));
        }

        [Fact]
        public void DuplicateNamesAndBadMetadata()
        {
            string dup = "{" + Tensor("a", "F32", "[1]", 0, 4) + "," + Tensor("a", "F32", "[1]", 4, 8) + "}";
            Assert.Contains("tensor 'a': appears twice", ReadError(Build(dup, new byte[8])));

            string meta = "{\"__metadata__\":{\"k\":1}}";
            Assert.Contains("value for key 'k' to be a string but found a number", ReadError(Build(meta, Array.Empty<byte>())));

            string notObject = "{\"w\":[1,2]}";
            Assert.Contains("tensor 'w': expected an object", ReadError(Build(notObject, Array.Empty<byte>())));
        }

        [Fact]
        public void TruncatedData_IsCaughtAsUncovered()
        {
            byte[] bytes = WriteBytes(Mlp());
            Array.Resize(ref bytes, bytes.Length - 1);
            Assert.Contains("tensor '2.weight': data_offsets [36, 48] extend past the end of the data section (47 bytes)", ReadError(bytes));
        }

        [Fact]
        public void LoadErrorNamesTheFile()
        {
            string dir = Directory.CreateTempSubdirectory("netgen-st").FullName;
            try
            {
                string path = Path.Combine(dir, "bad.safetensors");
                File.WriteAllBytes(path, Build("{" + Tensor("w", "F99", "[1]", 0, 4) + "}", new byte[4]));
                string message = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path)).Message;
                Assert.StartsWith("safetensors file '" + path + "': tensor 'w': unknown dtype 'F99'", message);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        // ------------------------------------------------------------ expectations

        [Fact]
        public void Expect_WrongShape()
        {
            SafeTensorsFile file = ReadBytes(WriteBytes(new[] { TensorEntry.Create("0.weight", new[] { 64, 784 }, new float[64 * 784]) }));
            string message = Assert.Throws<InvalidDataException>(() => file.Expect("0.weight", DType.F32, 128, 784)).Message;
            Assert.Equal("safetensors stream: tensor '0.weight': expected shape [128, 784] but found [64, 784]", message);
        }

        [Fact]
        public void Expect_WrongDtype()
        {
            SafeTensorsFile file = ReadBytes(WriteBytes(new[] { TensorEntry.Create("0.bias", new[] { 4 }, new double[4]) }));
            string message = Assert.Throws<InvalidDataException>(() => file.Expect("0.bias", DType.F32, 4)).Message;
            Assert.Equal("safetensors stream: tensor '0.bias': expected dtype F32 but found F64", message);
            Assert.Throws<InvalidDataException>(() => file.CopyTo("0.bias", new float[4]));
        }

        [Fact]
        public void Expect_MissingTensor()
        {
            SafeTensorsFile file = ReadBytes(WriteBytes(Mlp()));
            string message = Assert.Throws<InvalidDataException>(() => file.Expect("4.weight", DType.F32, 1, 3)).Message;
            Assert.Contains("tensor '4.weight': missing; the file contains '0.weight', '0.bias', '2.weight'", message);
        }

        [Fact]
        public void Expect_ExtraTensors()
        {
            TensorEntry[] tensors = Mlp().Append(TensorEntry.Create("4.weight", new[] { 1 }, new float[1])).Append(TensorEntry.Create("4.bias", new[] { 1 }, new float[1])).ToArray();
            SafeTensorsFile file = ReadBytes(WriteBytes(tensors));
            ExpectMlp(file);
            string message = Assert.Throws<InvalidDataException>(file.ExpectNoOtherTensors).Message;
            Assert.Contains("expected only the 3 tensor(s) the network declares but found 2 unexpected: '4.weight', '4.bias'", message);
        }

        [Fact]
        public void CopyTo_LengthAndShapeChecks()
        {
            SafeTensorsFile file = ReadBytes(WriteBytes(Mlp()));
            string message = Assert.Throws<InvalidDataException>(() => file.CopyTo("0.weight", new float[5])).Message;
            Assert.Contains("expected 5 elements (the destination's length) but the tensor has shape [3, 2] = 6 elements", message);
            string shape = Assert.Throws<InvalidDataException>(() => file.CopyTo("0.weight", new[] { 2, 3 }, new float[6])).Message;
            Assert.Contains("expected shape [2, 3] but found [3, 2]", shape);
        }

        [Fact]
        public void TwoPhaseLoad_LeavesParametersUntouchedOnFailure()
        {
            // The file's second layer has the wrong shape: nothing may be copied.
            TensorEntry[] tensors =
            {
                TensorEntry.Create("0.weight", new[] { 3, 2 }, new float[] { 1, 2, 3, 4, 5, 6 }),
                TensorEntry.Create("0.bias", new[] { 3 }, new float[] { 7, 8, 9 }),
                TensorEntry.Create("2.weight", new[] { 3, 1 }, new float[] { 1, 1, 1 }),
            };
            var w0 = new float[6];
            var b0 = new float[3];
            var w2 = new float[3];
            SafeTensorsFile file = ReadBytes(WriteBytes(tensors));

            Assert.Throws<InvalidDataException>(() =>
            {
                ExpectMlp(file);
                file.ExpectNoOtherTensors();
                file.CopyTo("0.weight", w0);
                file.CopyTo("0.bias", b0);
                file.CopyTo("2.weight", w2);
            });
            Assert.All(w0, v => Assert.Equal(0, v));
            Assert.All(b0, v => Assert.Equal(0, v));
        }

        // ------------------------------------------------------------ atomic save

        [Fact]
        public void Save_FailureMidWrite_LeavesOldFileAndNoTemp()
        {
            string dir = Directory.CreateTempSubdirectory("netgen-st").FullName;
            try
            {
                string path = Path.Combine(dir, "model.safetensors");
                SafeTensors.Save(path, Mlp());
                byte[] before = File.ReadAllBytes(path);

                var big = new[] { TensorEntry.Create("w", new[] { 1000 }, new float[1000]) };
                var e = Assert.Throws<IOException>(() => SafeTensors.Save(path, big, null, s => new FailingStream(s, failAfter: 100)));
                Assert.Equal("injected", e.Message);

                Assert.Equal(before, File.ReadAllBytes(path));
                Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(dir).Select(Path.GetFileName));

                // A successful save replaces the file.
                SafeTensors.Save(path, big);
                Assert.Equal("w", SafeTensors.Load(path).Tensors.Single().Name);
                Assert.Single(Directory.GetFiles(dir));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        /// <summary>
        /// A write past the process's file-size limit (ulimit -f, SIGXFSZ ignored) or the file system's fails in .NET with the
        /// ArgumentOutOfRangeException below, from FileStream.Write: Save reports it as the IOException it is, naming the file,
        /// and leaves the old file and no temporary (a trainer that keeps its result on I/O failures then keeps it here too).
        /// </summary>
        [Fact]
        public void Save_PastTheFileSizeLimit_IsAnIOExceptionNamingTheFile()
        {
            string dir = Directory.CreateTempSubdirectory("netgen-st").FullName;
            try
            {
                string path = Path.Combine(dir, "model.safetensors");
                SafeTensors.Save(path, Mlp());
                byte[] before = File.ReadAllBytes(path);

                var big = new[] { TensorEntry.Create("w", new[] { 1000 }, new float[1000]) };
                var e = Assert.Throws<IOException>(() => SafeTensors.Save(path, big, null, s => new FailingStream(
                    s, failAfter: 100, () => new ArgumentOutOfRangeException("value", "Specified file length was too large for the file system."))));
                Assert.StartsWith("Writing '" + path + "' failed: the file grew past the largest file", e.Message, StringComparison.Ordinal);
                Assert.IsType<ArgumentOutOfRangeException>(e.InnerException);
                Assert.Equal(before, File.ReadAllBytes(path));
                Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(dir).Select(Path.GetFileName));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [Fact]
        public void Save_InvalidArguments_CreateNoFile()
        {
            string dir = Directory.CreateTempSubdirectory("netgen-st").FullName;
            try
            {
                string path = Path.Combine(dir, "model.safetensors");
                var dup = new[] { TensorEntry.Create("w", new[] { 1 }, new float[1]), TensorEntry.Create("w", new[] { 1 }, new float[1]) };
                Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, dup));
                Assert.Empty(Directory.GetFiles(dir));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        private sealed class FailingStream : Stream
        {
            private readonly Stream _inner;
            private readonly Func<Exception> _failure;
            private long _remaining;

            public FailingStream(Stream inner, long failAfter, Func<Exception>? failure = null)
            {
                _inner = inner;
                _remaining = failAfter;
                _failure = failure ?? (() => new IOException("injected"));
            }

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush() => _inner.Flush();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                if (buffer.Length > _remaining)
                {
                    _inner.Write(buffer.Slice(0, (int)_remaining));
                    _remaining = 0;
                    throw _failure();
                }

                _remaining -= buffer.Length;
                _inner.Write(buffer);
            }
        }

        private sealed class NonSeekableStream : Stream
        {
            private readonly Stream _inner;

            public NonSeekableStream(Stream inner) => _inner = inner;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
