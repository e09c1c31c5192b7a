using System;
using System.IO;

namespace NetGen.Data.Tests
{
    /// <summary>A fresh temporary folder deleted on dispose.</summary>
    internal sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netgen-data-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    internal static class RepoPaths
    {
        /// <summary>The repository root: the nearest ancestor of the test binaries holding NetGen.sln.</summary>
        public static string Root
        {
            get
            {
                for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                {
                    if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "NetGen.sln")))
                    {
                        return dir.FullName;
                    }
                }

                throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
            }
        }

        public static string Mnist => System.IO.Path.Combine(Root, "data", "mnist");
    }
}

namespace NetGen.Data.Tests
{
    internal static class Hashing
    {
        /// <summary>SHA-256 (lower-case hex) of a file's content, decompressed when it is gzip.</summary>
        public static string Content(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.Length > 1 && bytes[0] == 0x1F && bytes[1] == 0x8B)
            {
                bytes = IdxTests.Decompress(bytes);
            }

            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();
        }
    }
}
