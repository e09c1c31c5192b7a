using System;
using System.IO;
using System.Linq;
using NetGen.Data;

namespace NetGen.Samples
{
    /// <summary>Where the data lives when <c>--data</c> is not given.</summary>
    internal static class DataLocator
    {
        /// <summary>Debian's dataset-fashion-mnist package installs the four files here.</summary>
        public const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

        public static string DefaultDirectory(string dataset)
        {
            if (dataset == "fashion")
            {
                return Directory.Exists(DebianFashionMnist) ? DebianFashionMnist : FashionMnist.DefaultDirectory;
            }

            string? root = FindRepositoryRoot(AppContext.BaseDirectory) ?? FindRepositoryRoot(Environment.CurrentDirectory);
            if (root is not null)
            {
                string bundled = Path.Combine(root, "data", "mnist");
                if (Directory.Exists(bundled))
                {
                    return bundled;
                }
            }

            return NetGen.Data.Mnist.DefaultDirectory;
        }

        /// <summary>Whether <paramref name="directory"/> holds the four IDX files, raw or compressed.</summary>
        public static bool IsComplete(string directory) =>
            Directory.Exists(directory)
            && FashionMnist.FileNames.All(name => File.Exists(Path.Combine(directory, name)) || File.Exists(Path.Combine(directory, name + ".gz")));

        /// <summary>The nearest folder at or above <paramref name="start"/> that contains NetGen.sln, or null.</summary>
        public static string? FindRepositoryRoot(string start)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NetGen.sln")))
                {
                    return dir.FullName;
                }
            }

            return null;
        }
    }
}
