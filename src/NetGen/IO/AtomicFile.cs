using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace NetGen.IO
{
    /// <summary>Temporary-file names for atomic writes (temporary file in the same folder, then a rename).</summary>
    internal static class AtomicFile
    {
        /// <summary>The common file-name limit (ext4, XFS, APFS: 255 bytes; NTFS: 255 UTF-16 units, never more than the UTF-8 bytes).</summary>
        internal const int MaxNameBytes = 255;

        /// <summary>Suffix after the kept part of the name: "." + 12 hex digits + ".tmp".</summary>
        internal const string Suffix = ".tmp";

        private const int RandomChars = 12;

        // "." + name + "." + random + ".tmp"
        private const int Overhead = 1 + 1 + RandomChars + 4;

        /// <summary>
        /// A hidden, unique temporary path next to <paramref name="fullPath"/>: <c>.name.0123456789ab.tmp</c>, with the
        /// name cut (at a character boundary) so the whole stays within <see cref="MaxNameBytes"/> UTF-8 bytes.
        /// </summary>
        internal static string TempPathFor(string fullPath)
        {
            string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException("Path has no directory: '" + fullPath + "'.", nameof(fullPath));
            string random = Convert.ToHexString(RandomNumberGenerator.GetBytes(RandomChars / 2)).ToLowerInvariant();
            return Path.Combine(directory, "." + KeptName(Path.GetFileName(fullPath)) + "." + random + Suffix);
        }

        /// <summary>The part of <paramref name="fileName"/> a temporary name keeps: all of it, or its longest prefix that fits.</summary>
        internal static string KeptName(string fileName)
        {
            int budget = MaxNameBytes - Overhead;
            if (Encoding.UTF8.GetByteCount(fileName) <= budget)
            {
                return fileName;
            }

            var kept = new StringBuilder();
            int bytes = 0;
            foreach (Rune rune in fileName.EnumerateRunes())
            {
                bytes += rune.Utf8SequenceLength;
                if (bytes > budget)
                {
                    break;
                }

                kept.Append(rune.ToString());
            }

            return kept.ToString();
        }

        /// <summary>Whether <paramref name="name"/> looks like a temporary file <see cref="TempPathFor"/> made for <paramref name="fileName"/>.</summary>
        internal static bool IsTempNameFor(string name, string fileName)
        {
            string prefix = "." + KeptName(fileName) + ".";
            if (name.Length != prefix.Length + RandomChars + Suffix.Length
                || !name.StartsWith(prefix, StringComparison.Ordinal)
                || !name.EndsWith(Suffix, StringComparison.Ordinal))
            {
                return false;
            }

            foreach (char c in name.AsSpan(prefix.Length, RandomChars))
            {
                if (!char.IsAsciiHexDigitLower(c))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The error for a write that went past the largest file allowed. .NET reports EFBIG (the file system's limit, or the
        /// process's <c>ulimit -f</c> with SIGXFSZ ignored) as an <see cref="ArgumentOutOfRangeException"/> from the stream's
        /// Write; it is an I/O failure of <paramref name="path"/>, and callers that handle I/O failures handle it too.
        /// </summary>
        internal static IOException TooLarge(string path, ArgumentOutOfRangeException e) => new(
            "Writing '" + path + "' failed: the file grew past the largest file the file system or the process's file-size limit allows (" + e.Message + ")",
            e);

        /// <summary>
        /// Deletes the temporary files that interrupted writes of <paramref name="fileName"/> left in
        /// <paramref name="directory"/> (<see cref="TempPathFor"/>'s names, and the same without the leading dot that
        /// earlier versions wrote) once they are older than <paramref name="minimumAge"/>: a younger one may belong to a
        /// write still running in another process. Files that cannot be listed or deleted are left.
        /// </summary>
        internal static void DeleteStaleTemporaries(string directory, string fileName, TimeSpan minimumAge)
        {
            DateTime cutoff = DateTime.UtcNow - minimumAge;
            IEnumerable<string> candidates;
            try
            {
                candidates = Directory.EnumerateFiles(directory, "*" + Suffix);
            }
            catch (IOException)
            {
                return;
            }

            foreach (string path in candidates)
            {
                string name = Path.GetFileName(path);
                bool ours = IsTempNameFor(name, fileName) || IsTempNameFor("." + name, fileName);
                try
                {
                    if (ours && File.GetLastWriteTimeUtc(path) < cutoff)
                    {
                        TryDelete(path);
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        internal static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
