using System;
using System.IO;
using Xunit;

namespace NetGen.Data.Tests
{
    public class CsvTests
    {
        private static Dataset Parse(string text, int classes = 0) => CsvDataset.Load(new StringReader(text), "data.csv", classes);

        private static DataFormatException Bad(string text, int classes = 0) =>
            Assert.Throws<DataFormatException>(() => Parse(text, classes));

        [Fact]
        public void ParsesWithHeader()
        {
            Dataset d = Parse("label,a,b\n1, 0.5 ,2\n\n0,-1e-3,3.25\n");
            Assert.Equal(2, d.Count);
            Assert.Equal(2, d.FeatureCount);
            Assert.Equal(2, d.ClassCount);
            Assert.Equal(new[] { 0.5f, 2f, -1e-3f, 3.25f }, d.AllFeatures.ToArray());
            Assert.Equal(new[] { 1, 0 }, d.Labels.ToArray());
        }

        [Fact]
        public void ParsesWithoutHeaderInvariantCulture()
        {
            var previous = System.Globalization.CultureInfo.CurrentCulture;
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            try
            {
                Dataset d = Parse("3,1.5\r\n0,2.5\r\n", classes: 5);
                Assert.Equal(new[] { 1.5f, 2.5f }, d.AllFeatures.ToArray());
                Assert.Equal(5, d.ClassCount);
            }
            finally
            {
                System.Globalization.CultureInfo.CurrentCulture = previous;
            }
        }

        [Fact]
        public void LoadsFromFile()
        {
            using var dir = new TempDir();
            string path = dir.File("x.csv");
            File.WriteAllText(path, "y,x\n2,7\n");
            Dataset d = CsvDataset.Load(path);
            Assert.Equal(3, d.ClassCount);
            File.WriteAllText(path, "y,x\n2,seven\n");
            var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(path));
            Assert.Contains(path, e.Message);
        }

        [Fact]
        public void BadFeatureNamesLineColumnAndText()
        {
            var e = Bad("label,a,b\n1,2,3\n0,4,x7\n");
            Assert.Equal("data.csv: line 3, column 3: expected a finite number but found 'x7'.", e.Message);
            Assert.Equal(3, e.Line);
            Assert.Equal(3, e.Column);
        }

        [Fact]
        public void BadLabelFails()
        {
            var e = Bad("1,2\n1.5,3\n");
            Assert.Contains("line 2, column 1", e.Message);
            Assert.Contains("'1.5'", e.Message);
            e = Bad("1,2\n-1,3\n");
            Assert.Contains("'-1'", e.Message);
        }

        [Fact]
        public void LabelOutOfRangeFails()
        {
            var e = Bad("0,1\n10,2\n", classes: 10);
            Assert.Contains("line 2, column 1", e.Message);
            Assert.Contains("expected a label from 0 to 9 but found '10'", e.Message);
        }

        [Fact]
        public void WrongFieldCountFails()
        {
            var e = Bad("0,1,2\n1,2\n");
            Assert.Contains("line 2", e.Message);
            Assert.Contains("expected 3 fields but found 2", e.Message);
            e = Bad("0,1,2\n1,2,3,4\n");
            Assert.Contains("expected 3 fields but found 4", e.Message);
        }

        [Fact]
        public void NonFiniteAndEmptyFail()
        {
            Assert.Contains("'NaN'", Bad("0,NaN\n").Message);
            Assert.Contains("''", Bad("0,1\n1,\n").Message);
            Assert.Contains("at least one data row", Bad("label,a\n").Message);
            Assert.Contains("at least one feature", Bad("1\n").Message);
        }

        [Fact]
        public void ShortRowMessageSaysExpectedAndFoundOnce()
        {
            var e = Bad("0,1,2\n1,3\n");
            Assert.Equal("data.csv: line 2, column 3: expected 3 fields but found 2 in '1,3'.", e.Message);
            Assert.Equal(2, e.Line);
            Assert.Equal(3, e.Column);
        }

        [Fact]
        public void InferredClassCountOverflowIsAFormatError()
        {
            var e = Bad("0,1\n2147483647,2\n");
            Assert.Equal(2, e.Line);
            Assert.Equal(1, e.Column);
            Assert.Contains("2147483647", e.Message);
            Assert.Equal(5, Parse("0,1\n4,2\n").ClassCount);
        }

        [Fact]
        public void LongFieldIsQuotedShortened()
        {
            string field = new string('x', 100_000);
            var e = Bad("0,1\n1," + field + "\n");
            Assert.Equal(2, e.Line);
            Assert.Equal(2, e.Column);
            Assert.True(e.Message.Length < 250, e.Message);
            Assert.Contains("'" + new string('x', 40), e.Message);
            Assert.Contains("100000 characters", e.Message);
        }

        [Fact]
        public void OverlongLineFailsWithoutReadingItWhole()
        {
            // A line that never ends: the reader gives up at the limit instead of buffering it.
            var reader = new EndlessLineReader("0,1\n1,");
            var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(reader, "endless.csv", 0, maxLineLength: 4096));
            Assert.Equal(2, e.Line);
            Assert.Contains("4096", e.Message);
            Assert.True(reader.CharsRead < 4096 + 2 * 65536, reader.CharsRead.ToString());
            Assert.True(e.Message.Length < 250, e.Message);

            // The limit is inclusive, and the default admits long lines.
            string row = "1," + string.Join(",", System.Linq.Enumerable.Repeat("0.5", 2000));
            Assert.Equal(1, CsvDataset.Load(new StringReader(row), "ok.csv", 0, maxLineLength: row.Length).Count);
            Assert.Throws<DataFormatException>(() => CsvDataset.Load(new StringReader(row), "long.csv", 0, maxLineLength: row.Length - 1));
            Assert.Equal(1 << 20, CsvDataset.DefaultMaxLineLength);
        }

        [Fact]
        public void CrAndCrLfEndLines()
        {
            Dataset d = Parse("y,x\r1,2\r\n0,3\n\r\n2,4");
            Assert.Equal(new[] { 1, 0, 2 }, d.Labels.ToArray());
            Assert.Equal(new[] { 2f, 3f, 4f }, d.AllFeatures.ToArray());
        }

        /// <summary>Returns a prefix and then '9' forever, counting what was read.</summary>
        private sealed class EndlessLineReader : TextReader
        {
            private readonly string _prefix;
            private int _position;

            public EndlessLineReader(string prefix) => _prefix = prefix;

            public long CharsRead { get; private set; }

            public override int Peek() => _position < _prefix.Length ? _prefix[_position] : '9';

            public override int Read()
            {
                CharsRead++;
                return _position < _prefix.Length ? _prefix[_position++] : '9';
            }

            public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

            public override int Read(System.Span<char> buffer)
            {
                for (int i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = _position < _prefix.Length ? _prefix[_position++] : '9';
                }

                CharsRead += buffer.Length;
                return buffer.Length;
            }
        }
    }
}
