using System;
using System.IO;
using System.Linq;
using System.Text;
using NetGen.IO;
using Xunit;

namespace NetGen.Runtime.Tests
{
    public sealed class SaveNameTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("netgen-names").FullName;

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private static TensorEntry[] Tensors(float value) => new[] { TensorEntry.Create("w", new[] { 2 }, new float[] { value, -value }) };

        [Theory]
        [InlineData("m", 252)]
        [InlineData("m", 255)]
        [InlineData("é", 127)] // 254 UTF-8 bytes
        [InlineData("模", 85)] // 255 UTF-8 bytes
        public void Save_WorksForTheLongestValidNames(string unit, int repeat)
        {
            string name = string.Concat(Enumerable.Repeat(unit, repeat));
            Assert.InRange(Encoding.UTF8.GetByteCount(name), 252, 255);
            string path = Path.Combine(_dir, name);

            SafeTensors.Save(path, Tensors(1));
            SafeTensors.Save(path, Tensors(2)); // and replaces an existing file of that name

            var values = new float[2];
            SafeTensors.Load(path).CopyTo("w", values);
            Assert.Equal(new float[] { 2, -2 }, values);
            Assert.Equal(new[] { name }, Directory.GetFiles(_dir).Select(Path.GetFileName));
        }

        [Fact]
        public void Save_OverASymbolicLink_ReplacesTheLinkAndLeavesItsTargetAlone()
        {
            string targetDir = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
            string target = Path.Combine(targetDir, "precious.safetensors");
            SafeTensors.Save(target, Tensors(7));
            byte[] before = File.ReadAllBytes(target);
            string link = Path.Combine(_dir, "model.safetensors");
            File.CreateSymbolicLink(link, target);

            SafeTensors.Save(link, Tensors(3));

            Assert.Equal(before, File.ReadAllBytes(target));
            var info = new FileInfo(link);
            Assert.Null(info.LinkTarget);
            var values = new float[2];
            SafeTensors.Load(link).CopyTo("w", values);
            Assert.Equal(new float[] { 3, -3 }, values);
            Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(_dir).Select(Path.GetFileName));
        }
    }
}
