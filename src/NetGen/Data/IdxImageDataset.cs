using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
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

            Directory.CreateDirectory(directory);
            HttpClient? owned = options?.HttpClient is null ? new HttpClient() : null;
            HttpClient client = options?.HttpClient ?? owned!;
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

                    if (!await DownloadFileAsync(client, mirrors, directory, name, failures, cancellationToken).ConfigureAwait(false))
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

        /// <summary>Lower-case hex SHA-256 of the file's content, decompressed first when it is gzip.</summary>
        internal static string HashContent(string path)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (IdxFile.IsGzip(file))
            {
                using var zip = new GZipStream(file, CompressionMode.Decompress);
                return Convert.ToHexString(SHA256.HashData(zip)).ToLowerInvariant();
            }

            return Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant();
        }

        private async Task<bool> DownloadFileAsync(HttpClient client, IReadOnlyList<Uri> mirrors, string directory, string name, StringBuilder failures, CancellationToken cancellationToken)
        {
            string expected = Sha256(name);
            foreach (Uri mirror in mirrors)
            {
                Uri baseUri = mirror.AbsoluteUri.EndsWith('/') ? mirror : new Uri(mirror.AbsoluteUri + "/");
                var url = new Uri(baseUri, name + ".gz");
                string temp = IdxFile.TempPathFor(Path.Combine(directory, name + ".gz"));
                try
                {
                    using (HttpResponseMessage response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
                    {
                        response.EnsureSuccessStatusCode();
                        using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                        await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    }

                    bool gzip;
                    using (var check = new FileStream(temp, FileMode.Open, FileAccess.Read))
                    {
                        gzip = IdxFile.IsGzip(check);
                    }

                    string actual = HashContent(temp);
                    if (!string.Equals(actual, expected, StringComparison.Ordinal))
                    {
                        throw new InvalidDataException(string.Format(
                            CultureInfo.InvariantCulture, "SHA-256 of the {0}content is {1}, expected {2}", gzip ? "decompressed " : string.Empty, actual, expected));
                    }

                    File.Move(temp, Path.Combine(directory, gzip ? name + ".gz" : name), overwrite: true);
                    return true;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or UnauthorizedAccessException
                    || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    failures.Append("  ").Append(url).Append(": ").Append(e.Message).AppendLine();
                }
                finally
                {
                    IdxFile.TryDelete(temp);
                }
            }

            return false;
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
