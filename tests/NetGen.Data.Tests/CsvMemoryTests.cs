using System;
using System.IO;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Data.Tests
{
    /// <summary>
    /// Reading a large CSV file allocates its final arrays, the chunks they are copied from once, and a bounded buffer, not
    /// a multiple of the file: a 200 MB file of a label and one feature per line allocates less than twice the final arrays
    /// plus 1 MB, under 2× the file in all (a 2 GB file peaked at 5.2× with growing lists and their copies).
    /// </summary>
    public class CsvMemoryTests
    {
        private readonly ITestOutputHelper _output;

        public CsvMemoryTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void A_200_MB_file_allocates_its_arrays_twice_at_most()
        {
            using var dir = new TempDir();
            string path = dir.File("big.csv");
            long lines = 0;
            using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20))
            {
                writer.Write("label,x\n");
                var text = new StringBuilder();
                while (writer.BaseStream.Length < 200_000_000)
                {
                    text.Clear();
                    for (int i = 0; i < 10_000; i++, lines++)
                    {
                        text.Append(lines % 2).Append(",0.").Append((lines * 7919) % 1_000_000).Append('\n');
                    }

                    writer.Write(text);
                    writer.Flush();
                }
            }

            long size = new FileInfo(path).Length;
            GC.Collect();
            long before = GC.GetAllocatedBytesForCurrentThread();
            Dataset data = CsvDataset.Load(path, new CsvOptions(), classCount: 2);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            _output.WriteLine($"{size:N0} bytes, {data.Count:N0} examples: {allocated:N0} bytes allocated ({(double)allocated / size:F2}× the file; the final arrays are {8.0 * data.Count / size:F2}×)");
            Assert.Equal(lines, data.Count);
            Assert.InRange(allocated, 8L * data.Count, 2 * 8L * data.Count + (1 << 20));
            Assert.True(allocated < 2 * size, $"{allocated:N0} bytes allocated for a file of {size:N0}");
        }
    }
}
