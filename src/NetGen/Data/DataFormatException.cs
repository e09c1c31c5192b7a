using System;
using System.IO;

namespace NetGen.Data
{
    /// <summary>
    /// A data file is malformed. The message names the file, where the problem is (byte offset for binary files,
    /// line and column for text files) and what was expected versus what was found.
    /// </summary>
    public sealed class DataFormatException : IOException
    {
        /// <summary>Creates an exception with a complete message and no location.</summary>
        public DataFormatException(string message)
            : base(message)
        {
        }

        /// <summary>Creates an exception wrapping <paramref name="innerException"/>.</summary>
        public DataFormatException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates an exception with a message and the location it refers to.</summary>
        /// <param name="message">Complete message, already naming the file and location.</param>
        /// <param name="filePath">The file (or stream name) that is malformed.</param>
        /// <param name="offset">Byte offset of the problem (of the decompressed content for gzip files), or -1.</param>
        /// <param name="line">1-based line of the problem in a text file, or 0.</param>
        /// <param name="column">1-based column (field) of the problem in a text file, or 0.</param>
        /// <param name="innerException">The underlying error, if any.</param>
        public DataFormatException(string message, string? filePath, long offset, long line = 0, int column = 0, Exception? innerException = null)
            : base(message, innerException)
        {
            FilePath = filePath;
            Offset = offset;
            Line = line;
            Column = column;
        }

        /// <summary>The file (or stream name) that is malformed, when known.</summary>
        public string? FilePath { get; }

        /// <summary>Byte offset of the problem (in the decompressed content for gzip files), or -1 when not applicable.</summary>
        public long Offset { get; } = -1;

        /// <summary>1-based line of the problem in a text file, or 0 when not applicable.</summary>
        public long Line { get; }

        /// <summary>1-based column (field) of the problem in a text file, or 0 when not applicable.</summary>
        public int Column { get; }
    }
}
