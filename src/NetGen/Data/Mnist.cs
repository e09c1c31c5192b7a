using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace NetGen.Data
{
    /// <summary>
    /// The MNIST handwritten digits (LeCun, Cortes and Burges). Loads the four standard IDX files (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
    /// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each raw or with a <c>.gz</c> suffix), checks
    /// 60000/10000 examples of 28×28 unsigned bytes with labels 0–9, and returns datasets of 784 features scaled to [0, 1].
    /// </summary>
    public static class Mnist
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
            "MNIST",
            "mnist",
            new[]
            {
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            },
            new[]
            {
                new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/"),
            });

        /// <summary>The four file names, without a <c>.gz</c> suffix.</summary>
        public static IReadOnlyList<string> FileNames => IdxImageDataset.FileNames;

        /// <summary>The default download mirrors (HTTPS base URLs).</summary>
        public static IReadOnlyList<Uri> DefaultMirrors => Spec.Mirrors;

        /// <summary>The default download folder: <see cref="DataCache.Root"/>/mnist.</summary>
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
