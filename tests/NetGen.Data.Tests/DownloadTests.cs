using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace NetGen.Data.Tests
{
    public sealed class DownloadTests : IDisposable
    {
        private readonly LoopbackServer _server = new();
        private readonly HttpClient _client = new(new HttpClientHandler { UseProxy = false });
        private readonly TempDir _cache = new();

        public DownloadTests()
        {
            foreach (string name in Mnist.FileNames)
            {
                _server.Files["/mnist/" + name + ".gz"] = File.ReadAllBytes(Path.Combine(RepoPaths.Mnist, name + ".gz"));
            }
        }

        public void Dispose()
        {
            _server.Dispose();
            _client.Dispose();
            _cache.Dispose();
        }

        private DownloadOptions Options(params string[] mirrorPaths) => new()
        {
            Directory = _cache.Path,
            HttpClient = _client,
            Mirrors = mirrorPaths.Select(_server.Url).ToArray(),
        };

        /// <summary>Pre-fills the cache with every file except <paramref name="name"/>, so only that one downloads.</summary>
        private void CacheAllBut(string name)
        {
            foreach (string other in Mnist.FileNames.Where(n => n != name))
            {
                File.Copy(Path.Combine(RepoPaths.Mnist, other + ".gz"), _cache.File(other + ".gz"));
            }
        }

        private string[] CacheFiles() => Directory.GetFiles(_cache.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

        [Fact]
        public async Task DownloadsVerifiesAndLoads()
        {
            // The first mirror has nothing (404): the second serves everything.
            DatasetPair data = await Mnist.LoadOrDownloadAsync(Options("/missing/", "/mnist"));
            Assert.Equal(60000, data.Train.Count);
            Assert.Equal(10000, data.Test.Count);
            Assert.Equal(Mnist.FileNames.Select(n => n + ".gz").OrderBy(n => n, StringComparer.Ordinal), CacheFiles());
            foreach (string name in Mnist.FileNames)
            {
                Assert.Equal(Mnist.Sha256(name), Hashing.Content(_cache.File(name + ".gz")));
            }

            Assert.Contains("/missing/train-images-idx3-ubyte.gz", _server.Requests);

            // Everything cached: a second call makes no request.
            int before = _server.Requests.Count;
            Assert.Equal(_cache.Path, await Mnist.DownloadAsync(Options("/mnist/")));
            Assert.Equal(before, _server.Requests.Count);
        }

        [Fact]
        public async Task UncompressedMirrorContentIsAcceptedAndStoredRaw()
        {
            CacheAllBut("t10k-labels-idx1-ubyte");
            _server.Files["/mnist/t10k-labels-idx1-ubyte.gz"] = IdxTests.Decompress(_server.Files["/mnist/t10k-labels-idx1-ubyte.gz"]);
            await Mnist.DownloadAsync(Options("/mnist/"));
            Assert.True(File.Exists(_cache.File("t10k-labels-idx1-ubyte")));
            Assert.Equal(4, CacheFiles().Length);
        }

        [Fact]
        public async Task CorruptedFileIsRejectedAndLeavesNothing()
        {
            CacheAllBut("train-labels-idx1-ubyte");
            byte[] labels = IdxTests.Decompress(_server.Files["/mnist/train-labels-idx1-ubyte.gz"]);
            labels[1000] ^= 1; // still a valid IDX file, but not MNIST
            _server.Files["/mnist/train-labels-idx1-ubyte.gz"] = IdxTests.Compress(labels);

            var e = await Assert.ThrowsAsync<IOException>(() => Mnist.DownloadAsync(Options("/mnist/")));
            Assert.Contains("train-labels-idx1-ubyte", e.Message);
            Assert.Contains("SHA-256", e.Message);
            Assert.Contains(Mnist.Sha256("train-labels-idx1-ubyte"), e.Message);
            Assert.Contains(_cache.Path, e.Message);
            Assert.DoesNotContain(CacheFiles(), n => n.StartsWith("train-labels", StringComparison.Ordinal));
            Assert.Equal(3, CacheFiles().Length);
        }

        [Fact]
        public async Task InterruptedTransferFailsCleanly()
        {
            CacheAllBut("train-images-idx3-ubyte");
            _server.CutAfter["/mnist/train-images-idx3-ubyte.gz"] = 1_000_000;

            var e = await Assert.ThrowsAsync<IOException>(() => Mnist.DownloadAsync(Options("/mnist/")));
            Assert.Contains("train-images-idx3-ubyte", e.Message);
            Assert.Contains(_server.Url("/mnist/train-images-idx3-ubyte.gz").ToString(), e.Message);
            Assert.Equal(3, CacheFiles().Length);
            Assert.DoesNotContain(CacheFiles(), n => n.StartsWith("train-images", StringComparison.Ordinal));

            // The next attempt, against a healthy server, succeeds.
            _server.CutAfter.Clear();
            await Mnist.DownloadAsync(Options("/mnist/"));
            Assert.Equal(4, CacheFiles().Length);
        }

        private const string Labels = "t10k-labels-idx1-ubyte";
        private const string LabelsPath = "/mnist/" + Labels + ".gz";

        /// <summary>Runs a download that is expected to fail, bounded so that a regression cannot hang the run.</summary>
        private static async Task<(T Error, TimeSpan Elapsed)> Failing<T>(Func<Task> download)
            where T : Exception
        {
            var clock = Stopwatch.StartNew();
            T e = await Assert.ThrowsAnyAsync<T>(() => download().WaitAsync(TimeSpan.FromSeconds(20)));
            return (e, clock.Elapsed);
        }

        private static Func<NetworkStream, CancellationToken, Task> SendThenStall(byte[] body, int send) => async (stream, token) =>
        {
            await LoopbackServer.WriteHead(stream, "200 OK", token, "Content-Length: " + body.Length.ToString(CultureInfo.InvariantCulture));
            await stream.WriteAsync(body.AsMemory(0, send), token);
            await stream.FlushAsync(token);
            await Task.Delay(Timeout.Infinite, token);
        };

        [Fact]
        public async Task StalledBodyFailsWithinTheCallersClientTimeout()
        {
            CacheAllBut(Labels);
            _server.Handlers[LabelsPath] = SendThenStall(_server.Files[LabelsPath], 1000);
            using var client = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(1) };
            DownloadOptions options = Options("/mnist/");
            options.HttpClient = client;

            (IOException e, TimeSpan elapsed) = await Failing<IOException>(() => Mnist.DownloadAsync(options));
            Assert.InRange(elapsed.TotalSeconds, 0.9, 8);
            Assert.Contains(_server.Url(LabelsPath).ToString(), e.Message);
            Assert.Contains("no data", e.Message);
            Assert.Equal(3, CacheFiles().Length);
        }

        [Fact]
        public async Task StalledBodyFailsWithinTheInactivityTimeout()
        {
            CacheAllBut(Labels);
            _server.Handlers[LabelsPath] = SendThenStall(_server.Files[LabelsPath], 1000);
            DownloadOptions options = Options("/mnist/");
            options.InactivityTimeout = TimeSpan.FromMilliseconds(500);

            (IOException e, TimeSpan elapsed) = await Failing<IOException>(() => Mnist.DownloadAsync(options));
            Assert.InRange(elapsed.TotalSeconds, 0.4, 8);
            Assert.Contains("no data for 0.5 s after 1000 bytes", e.Message);
            Assert.Equal(3, CacheFiles().Length);
        }

        [Fact]
        public async Task StalledHeadersFailWithinTheInactivityTimeout()
        {
            CacheAllBut(Labels);
            _server.Handlers[LabelsPath] = (stream, token) => Task.Delay(Timeout.Infinite, token);
            DownloadOptions options = Options("/mnist/");
            options.InactivityTimeout = TimeSpan.FromMilliseconds(500);

            (IOException e, TimeSpan elapsed) = await Failing<IOException>(() => Mnist.DownloadAsync(options));
            Assert.InRange(elapsed.TotalSeconds, 0.4, 8);
            Assert.Contains("no response", e.Message);
            Assert.Equal(3, CacheFiles().Length);
        }

        [Fact]
        public async Task TricklingServerSucceedsWhileBytesKeepComing()
        {
            CacheAllBut(Labels);
            byte[] body = _server.Files[LabelsPath];
            _server.Handlers[LabelsPath] = async (stream, token) =>
            {
                await LoopbackServer.WriteHead(stream, "200 OK", token, "Content-Length: " + body.Length.ToString(CultureInfo.InvariantCulture));
                for (int i = 0; i < body.Length; i += 500)
                {
                    await stream.WriteAsync(body.AsMemory(i, Math.Min(500, body.Length - i)), token);
                    await stream.FlushAsync(token);
                    await Task.Delay(100, token);
                }
            };
            DownloadOptions options = Options("/mnist/");
            options.InactivityTimeout = TimeSpan.FromMilliseconds(600);

            var clock = Stopwatch.StartNew();
            await Mnist.DownloadAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(clock.Elapsed > TimeSpan.FromMilliseconds(800), "the trickle takes about a second in all, longer than the inactivity timeout");
            Assert.Equal(Mnist.Sha256(Labels), Hashing.Content(_cache.File(Labels + ".gz")));
            Assert.Equal(4, CacheFiles().Length);
        }

        [Fact]
        public async Task EndlessBodyIsCutAtTheSizeCap()
        {
            CacheAllBut(Labels);
            long sent = 0;
            _server.Handlers[LabelsPath] = async (stream, token) =>
            {
                // No Content-Length: the body ends when the connection closes, which this server never does (up to 256 MiB).
                await LoopbackServer.WriteHead(stream, "200 OK", token);
                var chunk = new byte[1 << 16];
                while (sent < (256 << 20))
                {
                    await stream.WriteAsync(chunk, token);
                    Interlocked.Add(ref sent, chunk.Length);
                }
            };

            (IOException e, TimeSpan elapsed) = await Failing<IOException>(() => Mnist.DownloadAsync(Options("/mnist/")));
            Assert.Contains("at most", e.Message);
            Assert.InRange(elapsed.TotalSeconds, 0, 8);
            Assert.InRange(Interlocked.Read(ref sent), 0, 64 << 20); // the client stopped reading long before the end
            Assert.Equal(3, CacheFiles().Length);
        }

        [Fact]
        public async Task AnnouncedOversizedBodyIsRejectedBeforeReading()
        {
            CacheAllBut(Labels);
            _server.Handlers[LabelsPath] = async (stream, token) =>
            {
                await LoopbackServer.WriteHead(stream, "200 OK", token, "Content-Length: 300000000");
                await Task.Delay(Timeout.Infinite, token);
            };

            (IOException e, TimeSpan elapsed) = await Failing<IOException>(() => Mnist.DownloadAsync(Options("/mnist/")));
            Assert.Contains("300000000", e.Message);
            Assert.InRange(elapsed.TotalSeconds, 0, 8);
            Assert.Equal(3, CacheFiles().Length);
        }

        [Fact]
        public async Task RedirectsAreFollowedAndStillBounded()
        {
            CacheAllBut(Labels);
            _server.Handlers["/moved/" + Labels + ".gz"] = (stream, token) => LoopbackServer.WriteHead(stream, "302 Found", token, "Location: " + LabelsPath, "Content-Length: 0");
            await Mnist.DownloadAsync(Options("/moved/")).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(4, CacheFiles().Length);

            // A redirect to a stalling target fails within the timeout.
            File.Delete(_cache.File(Labels + ".gz"));
            _server.Handlers[LabelsPath] = SendThenStall(_server.Files[LabelsPath], 10);
            DownloadOptions options = Options("/moved/");
            options.InactivityTimeout = TimeSpan.FromMilliseconds(500);
            (IOException e, TimeSpan elapsed) = await Failing<IOException>(() => Mnist.DownloadAsync(options));
            Assert.InRange(elapsed.TotalSeconds, 0.4, 8);
            Assert.Equal(3, CacheFiles().Length);
        }

        [Fact]
        public async Task CallersTokenCancelsAStalledDownloadAndLeavesNothing()
        {
            CacheAllBut(Labels);
            _server.Handlers[LabelsPath] = SendThenStall(_server.Files[LabelsPath], 1000);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

            (OperationCanceledException e, TimeSpan elapsed) = await Failing<OperationCanceledException>(() => Mnist.DownloadAsync(Options("/mnist/"), cancel.Token));
            Assert.InRange(elapsed.TotalSeconds, 0.2, 8);
            Assert.Equal(cancel.Token, e.CancellationToken);
            Assert.Equal(3, CacheFiles().Length);
        }

        [Fact]
        public async Task StaleTemporaryFilesFromACrashAreRemoved()
        {
            CacheAllBut(Labels);
            string[] stale = { "." + Labels + ".gz.0123456789ab.tmp", Labels + ".gz.0123456789ab.tmp" }; // current and earlier naming
            foreach (string name in stale)
            {
                File.WriteAllBytes(_cache.File(name), new byte[100]);
                File.SetLastWriteTimeUtc(_cache.File(name), DateTime.UtcNow.AddDays(-1));
            }

            // A temporary file still being written (by another download into the same folder) is left alone.
            string live = "." + Labels + ".gz.fedcba987654.tmp";
            File.WriteAllBytes(_cache.File(live), new byte[100]);
            string unrelated = "notes.gz.0123456789ab.tmp";
            File.WriteAllBytes(_cache.File(unrelated), new byte[1]);
            File.SetLastWriteTimeUtc(_cache.File(unrelated), DateTime.UtcNow.AddDays(-1));

            await Mnist.DownloadAsync(Options("/mnist/")).WaitAsync(TimeSpan.FromSeconds(20));
            string[] files = CacheFiles();
            Assert.DoesNotContain(stale[0], files);
            Assert.DoesNotContain(stale[1], files);
            Assert.Contains(live, files);
            Assert.Contains(unrelated, files);
            Assert.Contains(Labels + ".gz", files);
        }

        [Fact]
        public async Task OfflineErrorSaysWhatToPutWhere()
        {
            int deadPort;
            using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
            {
                probe.Start();
                deadPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
            }

            var options = new DownloadOptions
            {
                Directory = _cache.Path,
                HttpClient = _client,
                Mirrors = new[] { new Uri($"http://127.0.0.1:{deadPort}/mnist/") },
            };
            var e = await Assert.ThrowsAsync<IOException>(() => Mnist.DownloadAsync(options));
            Assert.Contains("offline", e.Message);
            Assert.Contains("train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", e.Message);
            Assert.Contains(_cache.Path, e.Message);
            Assert.Contains("NETGEN_DATA", e.Message);
            Assert.Empty(CacheFiles());
        }

        [Fact]
        public async Task MirrorsMustBeHttp()
        {
            var options = new DownloadOptions { Directory = _cache.Path, Mirrors = new[] { new Uri("ftp://127.0.0.1/mnist/") } };
            await Assert.ThrowsAsync<ArgumentException>(() => Mnist.DownloadAsync(options));
        }

        [Fact]
        public void DefaultMirrorsAreHttpsAndCacheHonoursEnvironment()
        {
            Assert.NotEmpty(Mnist.DefaultMirrors);
            Assert.All(Mnist.DefaultMirrors, m => Assert.Equal("https", m.Scheme));
            Assert.All(FashionMnist.DefaultMirrors, m => Assert.Equal("https", m.Scheme));

            string? previous = Environment.GetEnvironmentVariable(DataCache.EnvironmentVariable);
            try
            {
                Environment.SetEnvironmentVariable(DataCache.EnvironmentVariable, _cache.Path);
                Assert.Equal(Path.Combine(_cache.Path, "mnist"), Mnist.DefaultDirectory);
                Assert.Equal(Path.Combine(_cache.Path, "fashion-mnist"), FashionMnist.DefaultDirectory);
                Environment.SetEnvironmentVariable(DataCache.EnvironmentVariable, null);
                Assert.EndsWith("netgen", DataCache.Root, StringComparison.Ordinal);
            }
            finally
            {
                Environment.SetEnvironmentVariable(DataCache.EnvironmentVariable, previous);
            }
        }
    }
}
