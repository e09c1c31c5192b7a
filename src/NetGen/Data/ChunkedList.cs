using System;
using System.Collections.Generic;

namespace NetGen.Data
{
    /// <summary>
    /// Values appended in chunks that are never copied, then copied once into an array of exactly their count: a reader of
    /// unknown length allocates its values twice (the chunks and the array) and a bounded rest, instead of a growing list's
    /// spare capacity and its copies at every doubling.
    /// </summary>
    internal sealed class ChunkedList<T>
    {
        private const int FirstChunk = 256;
        private const int LargestChunk = 1 << 16;
        private readonly List<T[]> _chunks = new();
        private T[] _current = Array.Empty<T>();
        private int _used;

        /// <summary>Values appended so far.</summary>
        public long Count { get; private set; }

        public void Add(T value)
        {
            if (_used == _current.Length)
            {
                // Chunks grow with the count (256, 256, 512, …) up to 65,536 values: a small input allocates little, and a large
                // one wastes at most one chunk.
                _current = new T[(int)Math.Clamp(Count, FirstChunk, LargestChunk)];
                _chunks.Add(_current);
                _used = 0;
            }

            _current[_used++] = value;
            Count++;
        }

        /// <summary>The values in order, in an array of exactly <see cref="Count"/> elements; the chunks are released.</summary>
        /// <exception cref="InvalidOperationException">More values than an array holds.</exception>
        public T[] ToArray()
        {
            if (Count > Array.MaxLength)
            {
                throw new InvalidOperationException($"{Count} values are more than an array holds ({Array.MaxLength}).");
            }

            var result = new T[Count];
            long at = 0;
            foreach (T[] chunk in _chunks)
            {
                int length = (int)Math.Min(chunk.Length, Count - at);
                Array.Copy(chunk, 0, result, at, length);
                at += length;
            }

            _chunks.Clear();
            _current = Array.Empty<T>();
            _used = 0;
            return result;
        }
    }
}
