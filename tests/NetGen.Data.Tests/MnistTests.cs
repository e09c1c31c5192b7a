using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NetGen.Data.Tests
{
    /// <summary>Loads the bundled MNIST once for the tests that read it.</summary>
    public sealed class BundledMnist
    {
        public BundledMnist() => Data = Mnist.Load(RepoPaths.Mnist);

        public DatasetPair Data { get; }
    }

    public class MnistTests : IClassFixture<BundledMnist>
    {
        private readonly DatasetPair _mnist;

        public MnistTests(BundledMnist fixture) => _mnist = fixture.Data;

        [Theory]
        [InlineData("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")]
        [InlineData("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5")]
        [InlineData("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7")]
        [InlineData("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")]
        public void BundledFilesHaveTheKnownHashes(string name, string sha256)
        {
            string path = Path.Combine(RepoPaths.Mnist, name + ".gz");
            Assert.True(File.Exists(path), path + " is missing");
            Assert.Equal(sha256, Hashing.Content(path));
            Assert.Equal(sha256, Mnist.Sha256(name));
        }

        [Fact]
        public void BundledDatasetHasTheKnownShapeAndLabelCounts()
        {
            var (train, test) = _mnist;
            Assert.Equal(60000, train.Count);
            Assert.Equal(10000, test.Count);
            Assert.Equal(784, train.FeatureCount);
            Assert.Equal(10, train.ClassCount);
            Assert.Equal(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, Histogram(train));
            Assert.Equal(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, Histogram(test));
            Assert.Equal(5, train.Label(0));
            Assert.Equal(7, test.Label(0));
        }

        [Fact]
        public void BundledPixelsAreScaledToUnitInterval()
        {
            ReadOnlySpan<float> x = _mnist.Train.AllFeatures;
            float min = float.MaxValue, max = float.MinValue;
            double sum = 0;
            foreach (float v in x)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                sum += v;
            }

            Assert.Equal(0f, min);
            Assert.Equal(1f, max);
            Assert.Equal(0.1307, sum / x.Length, 3); // the well-known MNIST mean
        }

        [Fact]
        public void MissingFilesAreNamedWithTheFolder()
        {
            using var dir = new TempDir();
            File.Copy(Path.Combine(RepoPaths.Mnist, "t10k-labels-idx1-ubyte.gz"), dir.File("t10k-labels-idx1-ubyte.gz"));
            var e = Assert.Throws<FileNotFoundException>(() => Mnist.Load(dir.Path));
            Assert.Contains("missing train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte in " + dir.Path, e.Message);
        }

        [Fact]
        public void WrongShapeIsRejected()
        {
            using var dir = new TempDir();
            foreach (string name in Mnist.FileNames.Skip(1))
            {
                File.Copy(Path.Combine(RepoPaths.Mnist, name + ".gz"), dir.File(name + ".gz"));
            }

            IdxFile.Write(dir.File("train-images-idx3-ubyte"), new IdxTensor(new byte[60000 * 28 * 27], 60000, 28, 27));
            var e = Assert.Throws<DataFormatException>(() => Mnist.Load(dir.Path));
            Assert.Contains("expected ubyte 60000×28×28 but found UnsignedByte 60000×28×27", e.Message);
            Assert.Contains(dir.File("train-images-idx3-ubyte"), e.Message);
        }

        [Fact]
        public void RawAndGzipFilesMix()
        {
            using var dir = new TempDir();
            foreach (string name in Mnist.FileNames)
            {
                byte[] gz = File.ReadAllBytes(Path.Combine(RepoPaths.Mnist, name + ".gz"));
                if (name.StartsWith("t10k", StringComparison.Ordinal))
                {
                    File.WriteAllBytes(dir.File(name), IdxTests.Decompress(gz));
                }
                else
                {
                    File.WriteAllBytes(dir.File(name + ".gz"), gz);
                }
            }

            var (train, test) = Mnist.Load(dir.Path);
            Assert.Equal(_mnist.Test.AllFeatures.ToArray(), test.AllFeatures.ToArray());
            Assert.Equal(60000, train.Count);
        }

        internal static int[] Histogram(Dataset d)
        {
            var counts = new int[d.ClassCount];
            foreach (int label in d.Labels)
            {
                counts[label]++;
            }

            return counts;
        }
    }

    public class FashionMnistTests
    {
        private const string DebianPath = "/usr/share/datasets/fashion-mnist";

        [Fact]
        public void LoadsTheDebianPackage()
        {
            if (!Directory.Exists(DebianPath))
            {
                Assert.Fail($"Fashion-MNIST not found in {DebianPath}: install the Debian package 'dataset-fashion-mnist' (apt-get install -y dataset-fashion-mnist).");
            }

            foreach (string name in FashionMnist.FileNames)
            {
                string path = Path.Combine(DebianPath, name + ".gz");
                Assert.True(File.Exists(path), path + " is missing");
                Assert.Equal(FashionMnist.Sha256(name), Hashing.Content(path));
            }

            var (train, test) = FashionMnist.Load(DebianPath);
            Assert.Equal(60000, train.Count);
            Assert.Equal(10000, test.Count);
            Assert.Equal(784, test.FeatureCount);
            Assert.All(MnistTests.Histogram(train), c => Assert.Equal(6000, c));
            Assert.All(MnistTests.Histogram(test), c => Assert.Equal(1000, c));
            Assert.Equal(9, train.Label(0)); // ankle boot
        }
    }
}
