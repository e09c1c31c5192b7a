using System;
using System.Text;

namespace NetGen.Generator.Emitting
{
    /// <summary>An indented source writer. Always writes '\n' line endings so output is identical on every OS.</summary>
    internal sealed class CodeWriter
    {
        private readonly StringBuilder _builder = new();
        private int _indent;

        public CodeWriter Line(string text = "")
        {
            if (text.Length > 0)
            {
                _builder.Append(' ', _indent * 4);
                _builder.Append(text);
            }

            _builder.Append('\n');
            return this;
        }

        public CodeWriter Lines(string text)
        {
            foreach (string line in text.Split('\n'))
            {
                Line(line.TrimEnd('\r'));
            }

            return this;
        }

        /// <summary>Writes an opening brace and returns a scope that writes the closing one.</summary>
        public IDisposable Block(string? header = null, string close = "}")
        {
            if (header is not null)
            {
                Line(header);
            }

            Line("{");
            _indent++;
            return new Scope(this, close);
        }

        public void Indent() => _indent++;

        public void Outdent() => _indent--;

        public override string ToString() => _builder.ToString();

        private sealed class Scope : IDisposable
        {
            private readonly CodeWriter _writer;
            private readonly string _close;

            public Scope(CodeWriter writer, string close)
            {
                _writer = writer;
                _close = close;
            }

            public void Dispose()
            {
                _writer._indent--;
                _writer.Line(_close);
            }
        }
    }
}
