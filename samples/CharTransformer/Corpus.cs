using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetGen.Samples.CharTransformer
{
    /// <summary>
    /// The text: every fortune file of Debian's fortunes package (/usr/share/games/fortunes, the files without an extension,
    /// in name order, joined), as ids of 96 characters: newline is 0, the printable ASCII characters ' ' … '~' are 1 … 95, a
    /// tab is a space, and any other byte (the few non-ASCII letters) is left out.
    /// </summary>
    internal static class Corpus
    {
        public const int Vocabulary = 96;

        public const string DefaultDirectory = "/usr/share/games/fortunes";

        public static int[] Load(string directory)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException(
                    $"{directory} not found: install Debian's fortunes package (sudo apt-get install fortunes), or pass --corpus DIR with plain-text files.");
            }

            string[] files = Directory.GetFiles(directory)
                .Where(f => Path.GetExtension(f).Length == 0)
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
                .ToArray();
            if (files.Length == 0)
            {
                throw new FileNotFoundException($"{directory} holds no text files without an extension (fortune files).");
            }

            var ids = new List<int>();
            foreach (string file in files)
            {
                foreach (byte b in File.ReadAllBytes(file))
                {
                    int id = Id(b);
                    if (id >= 0)
                    {
                        ids.Add(id);
                    }
                }
            }

            return ids.ToArray();
        }

        /// <summary>A byte's id, or −1 for a byte the vocabulary leaves out.</summary>
        public static int Id(byte b) => b switch
        {
            (byte)'\n' => 0,
            (byte)'\t' => 1,
            >= 32 and <= 126 => b - 31,
            _ => -1,
        };

        public static char Character(int id) => id == 0 ? '\n' : (char)(id + 31);

        public static int[] Encode(string text) => text.Select(c => Id((byte)c)).Where(id => id >= 0).ToArray();

        public static string Decode(ReadOnlySpan<int> ids)
        {
            var chars = new char[ids.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                chars[i] = Character(ids[i]);
            }

            return new string(chars);
        }
    }
}
