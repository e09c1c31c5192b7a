using System;
using System.IO;
using System.Linq;
using System.Net.Http;
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
