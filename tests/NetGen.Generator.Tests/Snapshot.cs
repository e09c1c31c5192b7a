using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace NetGen.Generator.Tests
{
    /// <summary>
    /// Snapshot files with Verify's conventions: Snapshots/{Class}.{Test}.verified.cs is committed; a mismatch
    /// writes {…}.received.cs beside it (git-ignored) and fails. Set NETGEN_ACCEPT_SNAPSHOTS=1 to accept every
    /// received text as the new verified one.
    /// </summary>
    internal static class Snapshot
    {
        public const string AcceptVariable = "NETGEN_ACCEPT_SNAPSHOTS";

        public static void Verify(string actual, string name, [CallerFilePath] string callerPath = "")
        {
            string directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
            string verified = Path.Combine(directory, name + ".verified.cs");
            string received = Path.Combine(directory, name + ".received.cs");
            actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);

            string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
            if (expected == actual)
            {
                File.Delete(received);
                return;
            }

            if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(verified, actual);
                File.Delete(received);
                return;
            }

            File.WriteAllText(received, actual);
            throw new XunitException(
                expected is null
                    ? $"No verified snapshot {verified}. Review {received} and rename it, or run with {AcceptVariable}=1."
                    : $"Snapshot mismatch at line {FirstDifference(expected, actual)}: compare {received} with {verified}; run with {AcceptVariable}=1 to accept.");
        }

        private static int FirstDifference(string expected, string actual)
        {
            string[] a = expected.Split('\n');
            string[] b = actual.Split('\n');
            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                if (a[i] != b[i])
                {
                    return i + 1;
                }
            }

            return Math.Min(a.Length, b.Length) + 1;
        }
    }
}
