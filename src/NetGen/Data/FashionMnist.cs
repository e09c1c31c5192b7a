using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace NetGen.Data
{
    /// <summary>
    /// Zalando's Fashion-MNIST clothing images, a drop-in replacement for MNIST. Loads the four standard IDX files (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
    /// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each raw or with a <c>.gz</c> suffix), checks
    /// 60000/10000 examples of 28×28 unsigned bytes with labels 0–9, and returns datasets of 784 features scaled to [0, 1].
    /// </summary>
    public static class FashionMnist
    {
        /// <summary>Pixels per image side.</summary>
        public const int ImageSize = 28;

        /// <summary>Features per example (28 × 28).</summary>
        public const int FeatureCount = ImageSize * ImageSize;

        /// <summary>Number of classes.</summary>
        public const int ClassCount = 10;

        /// <summary>Number of training examples.</summary>
        public const int TrainCount = 60000;

        /// <summary>Number of test examples.</summary>
        public const int TestCount = 10000;

        private static readonly IdxImageDataset Spec = new(
            "Fashion-MNIST",
            "fashion-mnist",
            new[]
            {
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            },
            new[]
            {
                new Uri("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
            });

        /// <summary>The four file names, without a <c>.gz</c> suffix.</summary>
        public static IReadOnlyList<string> FileNames => IdxImageDataset.FileNames;

        /// <summary>The default download mirrors (HTTPS base URLs).</summary>
        public static IReadOnlyList<Uri> DefaultMirrors => Spec.Mirrors;

        /// <summary>The default download folder: <see cref="DataCache.Root"/>/fashion-mnist.</summary>
        public static string DefaultDirectory => Spec.DefaultDirectory;

        /// <summary>Lower-case hex SHA-256 of the raw (uncompressed) file <paramref name="fileName"/> (one of <see cref="FileNames"/>).</summary>
        public static string Sha256(string fileName) => Spec.Sha256(fileName);

        /// <summary>Loads the training and test sets from <paramref name="directory"/>.</summary>
        /// <exception cref="System.IO.FileNotFoundException">A file is missing; the message lists what to put where.</exception>
        /// <exception cref="DataFormatException">A file is malformed or has the wrong count or shape.</exception>
        public static DatasetPair Load(string directory) => Spec.Load(directory);

        /// <summary>
        /// Downloads the files missing from the cache folder (<see cref="DownloadOptions.Directory"/> or
        /// <see cref="DefaultDirectory"/>), trying each mirror in turn. Each file goes to a temporary file that is
        /// renamed only after the SHA-256 of its decompressed content matches; failures leave no file behind (temporary
        /// files an earlier crash left are removed). An attempt fails when no data arrives for <see cref="DownloadOptions.InactivityTimeout"/>
        /// and as soon as the body is larger than the file can be; <paramref name="cancellationToken"/> is honoured throughout.
        /// </summary>
        /// <returns>The folder holding the four files.</returns>
        /// <exception cref="System.IO.IOException">A file could not be downloaded from any mirror; the message says which files to put where.</exception>
        public static Task<string> DownloadAsync(DownloadOptions? options = null, CancellationToken cancellationToken = default) =>
            Spec.DownloadAsync(options, cancellationToken);

        /// <summary>Downloads what is missing (see <see cref="DownloadAsync"/>) and loads the datasets.</summary>
        public static Task<DatasetPair> LoadOrDownloadAsync(DownloadOptions? options = null, CancellationToken cancellationToken = default) =>
            Spec.LoadOrDownloadAsync(options, cancellationToken);
    }
}
