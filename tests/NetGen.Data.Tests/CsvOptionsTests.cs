using System;
using System.IO;
using NetGen.Data;
using Xunit;

namespace NetGen.Data.Tests
{
    /// <summary>CsvDataset with CsvOptions: label and target columns, header detection, separators, RFC 4180 quoting, errors.</summary>
    public class CsvOptionsTests
    {
        private static Dataset Labels(string text, CsvOptions options, int classes = 0) => CsvDataset.Load(new StringReader(text), "data.csv", options, classes);

        private static Dataset<double, double> Targets(string text, CsvOptions options) => CsvDataset.LoadTargets<double>(new StringReader(text), "data.csv", options);

        [Fact]
        public void TheLabelCanBeTheLastColumnOrNamed()
        {
            Dataset last = Labels("1.5,2.5,1\n3,4,0\n", new CsvOptions { Targets = CsvColumns.Last });
            Assert.Equal(new[] { 1, 0 }, last.Labels.ToArray());
            Assert.Equal(new[] { 1.5f, 2.5f, 3, 4 }, last.AllFeatures.ToArray());
            Assert.Equal(2, last.ClassCount);

            Dataset named = Labels("x,species,y\n1,2,3\n4,0,6\n", new CsvOptions { Targets = CsvColumns.Named("species") }, 3);
            Assert.Equal(new[] { 2, 0 }, named.Labels.ToArray());
            Assert.Equal(new[] { 1f, 3, 4, 6 }, named.AllFeatures.ToArray());
            Assert.Equal(3, named.ClassCount);
        }

        [Fact]
        public void SeveralTargetsPerExampleInTheirNamedOrder()
        {
            Dataset<double, double> data = Targets("a;t2;b;t1\n1;0.5;2;-1e-3\n3;1;4;2\n", new CsvOptions { Separator = ';', Targets = CsvColumns.Named("t1", "t2") });
            Assert.Equal((2, 2, 2), (data.Count, data.FeatureCount, data.TargetsPerExample));
            Assert.Equal(new[] { -1e-3, 0.5, 2, 1 }, data.AllTargets.ToArray());
            Assert.Equal(new[] { 1.0, 2, 3, 4 }, data.AllFeatures.ToArray());

            Dataset<double, double> lastTwo = Targets("1\t2\t3\t4\n", new CsvOptions { Separator = '\t', Targets = CsvColumns.LastColumns(2) });
            Assert.Equal(new[] { 3.0, 4 }, lastTwo.AllTargets.ToArray());
            Assert.Equal(new[] { 1.0, 2 }, lastTwo.AllFeatures.ToArray());
            Assert.Equal(new[] { 1f, 2 }, CsvDataset.LoadTargets<float>(new StringReader("1,2,3\n"), "f.csv", new CsvOptions { Targets = CsvColumns.FirstColumns(2) }).AllTargets.ToArray());
        }

        [Fact]
        public void TheHeaderIsDetectedOrForced()
        {
            Assert.Equal(1, Labels("label,x\n0,1\n", new CsvOptions()).Count);
            Assert.Equal(2, Labels("1,2\n0,1\n", new CsvOptions()).Count);
            Assert.Equal(1, Labels("0,1\n1,2\n", new CsvOptions { Header = CsvHeader.Present }).Count);
            var e = Assert.Throws<DataFormatException>(() => Labels("label,x\n0,1\n", new CsvOptions { Header = CsvHeader.Absent }));
            Assert.Equal("data.csv: line 1, column 1: expected a non-negative integer label but found 'label'.", e.Message);
            Assert.Throws<ArgumentException>(() => Labels("a,b\n", new CsvOptions { Header = CsvHeader.Absent, Targets = CsvColumns.Named("a") }));
        }

        /// <summary>pandas' header of unnamed columns, "0,1,2", is all numbers: Auto asks the caller instead of reading it as an example.</summary>
        [Fact]
        public void ColumnNumbersAsTheFirstRecordAreNotGuessed()
        {
            var e = Assert.Throws<DataFormatException>(() => Labels("0,1,2\n1,0.5,0.25\n0,0.1,0.2\n", new CsvOptions()));
            Assert.StartsWith("data.csv: line 1, column 1: the first record is the column numbers 0 to 2, which looks like a header", e.Message, StringComparison.Ordinal);
            Assert.Equal(2, Labels("0,1,2\n1,0.5,0.25\n0,0.1,0.2\n", new CsvOptions { Header = CsvHeader.Present }).Count);
            Assert.Equal(3, Labels("0,1,2\n1,0.5,0.25\n0,0.1,0.2\n", new CsvOptions { Header = CsvHeader.Absent }).Count);
            Assert.Equal(3, Labels("0,1,3\n1,0.5,0.25\n0,0.1,0.2\n", new CsvOptions()).Count); // not the column numbers: data
        }

        [Fact]
        public void A_header_without_records_and_a_byte_order_mark_get_clear_treatment()
        {
            var e = Assert.Throws<DataFormatException>(() => Labels("label,x\n", new CsvOptions()));
            Assert.Equal("data.csv: expected at least one data record but found none.", e.Message);
            Dataset d = Labels("\uFEFFlabel,x\n1,0.5\n", new CsvOptions { Targets = CsvColumns.Named("label") });
            Assert.Equal(1, d.Label(0));
            Assert.EndsWith("the file is empty.", Assert.Throws<DataFormatException>(() => Labels("\uFEFF", new CsvOptions())).Message, StringComparison.Ordinal);
        }

        [Fact]
        public void QuotedFieldsFollowRfc4180()
        {
            // Quoted separators, doubled quotes and a line break inside a quoted header name; CRLF line ends.
            string text = "\"the, label\",\"x \"\"one\"\"\",\"y\r\nsecond line\"\r\n\"1\",\" 2.5\",3\r\n0,4,\"5\"\r\n";
            Dataset data = Labels(text, new CsvOptions { Targets = CsvColumns.Named("the, label") });
            Assert.Equal(new[] { 1, 0 }, data.Labels.ToArray());
            Assert.Equal(new[] { 2.5f, 3, 4, 5 }, data.AllFeatures.ToArray());

            Dataset byName = Labels(text, new CsvOptions { Targets = CsvColumns.Named("y\r\nsecond line") });
            Assert.Equal(new[] { 3, 5 }, byName.Labels.ToArray());
        }

        [Fact]
        public void ErrorsNameTheFileLineAndColumn()
        {
            var e = Assert.Throws<DataFormatException>(() => Labels("a,b\n0,\"1\n\n2,3\n", new CsvOptions()));
            Assert.Equal("data.csv: line 2, column 2: expected a closing quote for the field opened here but the text ended.", e.Message);

            e = Assert.Throws<DataFormatException>(() => Labels("0,\"1\"x\n", new CsvOptions()));
            Assert.Equal("data.csv: line 1, column 2: expected ',' or the end of the record after a closing quote but found 'x'.", e.Message);

            e = Assert.Throws<DataFormatException>(() => Labels("y,x\n0,1\n\"multi\nline\",2\n1,2,3\n", new CsvOptions()));
            Assert.Equal("data.csv: line 3, column 1: expected a non-negative integer label but found 'multi\nline'.", e.Message);

            e = Assert.Throws<DataFormatException>(() => Labels("0,2\n1,2,3\n", new CsvOptions()));
            Assert.Equal("data.csv: line 2, column 3: expected 2 fields (as in the first record) but found 3.", e.Message);

            e = Assert.Throws<DataFormatException>(() => Labels("a,b\n0,1\n", new CsvOptions { Targets = CsvColumns.Named("c") }));
            Assert.Equal("data.csv: line 1, column 1: expected a column named 'c' in the header but found 'a', 'b'.", e.Message);

            e = Assert.Throws<DataFormatException>(() => Targets("1,NaN\n", new CsvOptions()));
            Assert.Equal("data.csv: line 1, column 2: expected a finite number (feature) but found 'NaN'.", e.Message);

            e = Assert.Throws<DataFormatException>(() => Labels("0,2\n5,1\n", new CsvOptions(), 3));
            Assert.Equal("data.csv: line 2, column 1: expected a label from 0 to 2 but found 5.", e.Message);

            e = Assert.Throws<DataFormatException>(() => Labels("0,12345678\n", new CsvOptions { MaxRecordLength = 6 }));
            Assert.Contains("expected at most 6 characters in a record", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => Labels("0,1,3\n", new CsvOptions { Targets = CsvColumns.FirstColumns(2) }));
        }
    }
}
