using System;
using System.Collections.Generic;
using System.Globalization;
using System.Buffers;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using NetGen.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetGen.Data
{
    /// <summary>The shared shape of MNIST-like datasets: four IDX files with known hashes, counts and image size.</summary>
    internal sealed class IdxImageDataset
    {
        internal const string TrainImages = "train-images-idx3-ubyte";
        internal const string TrainLabels = "train-labels-idx1-ubyte";
        internal const string TestImages = "t10k-images-idx3-ubyte";
        internal const string TestLabels = "t10k-labels-idx1-ubyte";

        private static readonly string[] Names = { TrainImages, TrainLabels, TestImages, TestLabels };

        private readonly string[] _sha256;

        public IdxImageDataset(string displayName, string cacheFolder, string[] sha256, Uri[] mirrors)
        {
            DisplayName = displayName;
            CacheFolder = cacheFolder;
            _sha256 = sha256;
            Mirrors = Array.AsReadOnly(mirrors);
        }

        public string DisplayName { get; }

        public string CacheFolder { get; }

        public IReadOnlyList<Uri> Mirrors { get; }

        public static IReadOnlyList<string> FileNames { get; } = Array.AsReadOnly(Names);

        public string DefaultDirectory => Path.Combine(DataCache.Root, CacheFolder);

        public string Sha256(string name) => _sha256[Array.IndexOf(Names, name)];

        public DatasetPair Load(string directory)
        {
            ArgumentNullException.ThrowIfNull(directory);
            var paths = new string[4];
            var missing = new List<string>();
            for (int i = 0; i < 4; i++)
            {
                paths[i] = Find(directory, Names[i]) ?? string.Empty;
                if (paths[i].Length == 0)
                {
                    missing.Add(Names[i]);
                }
            }

            if (missing.Count > 0)
            {
                throw new FileNotFoundException(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0}: missing {1} in {2}. Put the files {3} there (raw or with a .gz suffix).",
                    DisplayName, string.Join(", ", missing), Path.GetFullPath(directory), string.Join(", ", Names)));
            }

            Dataset train = LoadPart(paths[0], paths[1], 60000);
            Dataset test = LoadPart(paths[2], paths[3], 10000);
            return new DatasetPair(train, test);
        }

        public async Task<string> DownloadAsync(DownloadOptions? options, CancellationToken cancellationToken)
        {
            string directory = Path.GetFullPath(options?.Directory ?? DefaultDirectory);
            IReadOnlyList<Uri> mirrors = options?.Mirrors ?? Mirrors;
            if (mirrors.Count == 0)
            {
                throw new ArgumentException("At least one mirror is required.", nameof(options));
            }

            foreach (Uri mirror in mirrors)
            {
                if (!mirror.IsAbsoluteUri || (mirror.Scheme != Uri.UriSchemeHttps && mirror.Scheme != Uri.UriSchemeHttp))
                {
                    throw new ArgumentException("Mirrors must be absolute http(s) URLs: " + mirror, nameof(options));
                }
            }

            TimeSpan inactivity = options?.InactivityTimeout ?? TimeSpan.FromSeconds(30);
            if (inactivity <= TimeSpan.Zero && inactivity != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentException("The inactivity timeout must be positive or Timeout.InfiniteTimeSpan.", nameof(options));
            }

            Directory.CreateDirectory(directory);
            HttpClient? owned = options?.HttpClient is null ? new HttpClient() : null;
            HttpClient client = options?.HttpClient ?? owned!;
            if (client.Timeout != Timeout.InfiniteTimeSpan && (inactivity == Timeout.InfiniteTimeSpan || client.Timeout < inactivity))
            {
                inactivity = client.Timeout;
            }

            try
            {
                var failures = new StringBuilder();
                var failed = new List<string>();
                foreach (string name in Names)
                {
                    if (Find(directory, name) != null)
                    {
                        continue;
                    }

                    if (!await DownloadFileAsync(client, mirrors, directory, name, inactivity, failures, cancellationToken).ConfigureAwait(false))
                    {
                        failed.Add(name);
                    }
                }

                if (failed.Count > 0)
                {
                    throw new IOException(string.Format(
                        CultureInfo.InvariantCulture,
                        "Could not download {0} file(s) {1}.{2}If this machine is offline, copy {3} (raw or .gz; SHA-256 of the raw files is checked on download only) into {4}, or set {5} to a folder whose '{6}' subfolder holds them. Attempts:{2}{7}",
                        DisplayName, string.Join(", ", failed), Environment.NewLine, string.Join(", ", Names), directory,
                        DataCache.EnvironmentVariable, CacheFolder, failures.ToString().TrimEnd()));
                }

                return directory;
            }
            finally
            {
                owned?.Dispose();
            }
        }

        public async Task<DatasetPair> LoadOrDownloadAsync(DownloadOptions? options, CancellationToken cancellationToken)
        {
            string directory = await DownloadAsync(options, cancellationToken).ConfigureAwait(false);
            return Load(directory);
        }

        /// <summary>The raw or gzip file for <paramref name="name"/> in <paramref name="directory"/>, or null.</summary>
        internal static string? Find(string directory, string name)
        {
            string raw = Path.Combine(directory, name);
            if (File.Exists(raw))
            {
                return raw;
            }

            string gz = raw + ".gz";
            return File.Exists(gz) ? gz : null;
        }

        /// <summary>Size in bytes of the raw (uncompressed) file <paramref name="name"/>: its IDX header and data.</summary>
        internal static long RawSize(string name) => name switch
        {
            TrainImages => 16 + 60000L * 28 * 28,
            TrainLabels => 8 + 60000,
            TestImages => 16 + 10000L * 28 * 28,
            _ => 8 + 10000,
        };

        /// <summary>
        /// The largest download accepted for <paramref name="name"/>: its raw size plus what gzip can add to
        /// incompressible data (5 bytes per 64 KiB stored block, a header and a trailer), with room to spare.
        /// </summary>
        internal static long MaxDownloadSize(string name) => RawSize(name) + (RawSize(name) / 1024) + 1024;

        /// <summary>Lower-case hex SHA-256 of the file's content, decompressed first when it is gzip.</summary>
        internal static string HashContent(string path) => HashContent(path, long.MaxValue, CancellationToken.None);

        /// <summary>
        /// Lower-case hex SHA-256 of the file's content, decompressed first when it is gzip; content longer than
        /// <paramref name="maxContentBytes"/> is rejected as soon as it exceeds it.
        /// </summary>
        internal static string HashContent(string path, long maxContentBytes, CancellationToken cancellationToken)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            bool gzip = IdxFile.IsGzip(file);
            using Stream content = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                long total = 0;
                int n;
                while ((n = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    total += n;
                    if (total > maxContentBytes)
                    {
                        throw new InvalidDataException(string.Format(
                            CultureInfo.InvariantCulture, "expected at most {0} bytes of {1}content but there are more", maxContentBytes, gzip ? "decompressed " : string.Empty));
                    }

                    sha.AppendData(buffer, 0, n);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
        }

        private async Task<bool> DownloadFileAsync(HttpClient client, IReadOnlyList<Uri> mirrors, string directory, string name, TimeSpan inactivity, StringBuilder failures, CancellationToken cancellationToken)
        {
            string expected = Sha256(name);
            long maxDownload = MaxDownloadSize(name);
            TimeSpan staleAge = inactivity == Timeout.InfiniteTimeSpan ? TimeSpan.FromDays(1) : inactivity * 2 > TimeSpan.FromMinutes(1) ? inactivity * 2 : TimeSpan.FromMinutes(1);
            AtomicFile.DeleteStaleTemporaries(directory, name + ".gz", staleAge);
            foreach (Uri mirror in mirrors)
            {
                Uri baseUri = mirror.AbsoluteUri.EndsWith('/') ? mirror : new Uri(mirror.AbsoluteUri + "/");
                var url = new Uri(baseUri, name + ".gz");
                string temp = AtomicFile.TempPathFor(Path.Combine(directory, name + ".gz"));
                try
                {
                    await FetchAsync(client, url, temp, maxDownload, inactivity, cancellationToken).ConfigureAwait(false);

                    bool gzip;
                    using (var check = new FileStream(temp, FileMode.Open, FileAccess.Read))
                    {
                        gzip = IdxFile.IsGzip(check);
                    }

                    string actual = HashContent(temp, RawSize(name), cancellationToken);
                    if (!string.Equals(actual, expected, StringComparison.Ordinal))
                    {
                        throw new InvalidDataException(string.Format(
                            CultureInfo.InvariantCulture, "SHA-256 of the {0}content is {1}, expected {2}", gzip ? "decompressed " : string.Empty, actual, expected));
                    }

                    File.Move(temp, Path.Combine(directory, gzip ? name + ".gz" : name), overwrite: true);
                    return true;
                }
                catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested && e.CancellationToken != cancellationToken)
                {
                    // Cancelled through a linked token: report the caller's.
                    throw new OperationCanceledException(e.Message, e, cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or UnauthorizedAccessException
                    || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    failures.Append("  ").Append(url).Append(": ").Append(e.Message).AppendLine();
                }
                finally
                {
                    AtomicFile.TryDelete(temp);
                }
            }

            return false;
        }

        /// <summary>
        /// Downloads <paramref name="url"/> into <paramref name="temp"/>, failing when no response or no body bytes
        /// arrive for <paramref name="inactivity"/>, and as soon as the body exceeds <paramref name="maxBytes"/>.
        /// </summary>
        private static async Task FetchAsync(HttpClient client, Uri url, string temp, long maxBytes, TimeSpan inactivity, CancellationToken cancellationToken)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(inactivity);
            HttpResponseMessage response;
            try
            {
                response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, idle.Token).WaitAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IOException(string.Format(CultureInfo.InvariantCulture, "no response within {0} s (inactivity timeout)", inactivity.TotalSeconds), e);
            }

            using (response)
            {
                response.EnsureSuccessStatusCode();
                if (response.Content.Headers.ContentLength is long announced && announced > maxBytes)
                {
                    throw new InvalidDataException(string.Format(
                        CultureInfo.InvariantCulture, "the server announces {0} bytes but the file is at most {1} bytes", announced, maxBytes));
                }

                // Not pooled: a read abandoned by WaitAsync may still complete into it.
                long total = 0;
                byte[] buffer = new byte[1 << 16];
                {
                    using Stream body = await response.Content.ReadAsStreamAsync(idle.Token).WaitAsync(idle.Token).ConfigureAwait(false);

                    // Unbuffered: each chunk reaches the file as it arrives, so a live download's temporary file keeps a
                    // recent write time (see AtomicFile.DeleteStaleTemporaries).
                    using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true);
                    while (true)
                    {
                        idle.CancelAfter(inactivity);
                        int n;
                        try
                        {
                            // WaitAsync: a read that ignores the token still ends the wait; disposing the response then aborts it.
                            n = await body.ReadAsync(buffer.AsMemory(), idle.Token).AsTask().WaitAsync(idle.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                        {
                            throw new IOException(string.Format(
                                CultureInfo.InvariantCulture, "no data for {0} s after {1} bytes (inactivity timeout)", inactivity.TotalSeconds, total), e);
                        }

                        if (n == 0)
                        {
                            break;
                        }

                        total += n;
                        if (total > maxBytes)
                        {
                            throw new InvalidDataException(string.Format(
                                CultureInfo.InvariantCulture, "expected at most {0} bytes but the server sent more", maxBytes));
                        }

                        await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    }

                    await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private Dataset LoadPart(string imagesPath, string labelsPath, int expectedCount)
        {
            IdxHeader images = IdxFile.ReadHeader(imagesPath);
            ReadOnlySpan<int> d = images.Dimensions;
            if (images.TypeCode != IdxTypeCode.UnsignedByte || d.Length != 3 || d[0] != expectedCount || d[1] != 28 || d[2] != 28)
            {
                throw new DataFormatException(
                    string.Format(CultureInfo.InvariantCulture, "{0}: invalid {1} images file at byte offset 2: expected ubyte {2}×28×28 but found {3} {4}.", imagesPath, DisplayName, expectedCount, images.TypeCode, IdxTensor.FormatDimensions(d)),
                    imagesPath, 2);
            }

            IdxHeader labels = IdxFile.ReadHeader(labelsPath);
            if (labels.TypeCode != IdxTypeCode.UnsignedByte || labels.Dimensions.Length != 1 || labels.Dimensions[0] != expectedCount)
            {
                throw new DataFormatException(
                    string.Format(CultureInfo.InvariantCulture, "{0}: invalid {1} labels file at byte offset 2: expected ubyte {2} but found {3} {4}.", labelsPath, DisplayName, expectedCount, labels.TypeCode, IdxTensor.FormatDimensions(labels.Dimensions)),
                    labelsPath, 2);
            }

            return Dataset.FromIdx(imagesPath, labelsPath, 10);
        }
    }
}
