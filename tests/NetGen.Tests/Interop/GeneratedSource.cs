using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NetGen.Tests.Interop
{
    /// <summary>What the generator wrote for a network of this assembly (EmitCompilerGeneratedFiles: the files under obj/).</summary>
    internal static class GeneratedSource
    {
        /// <summary>The PyTorch twin's Python lines, as the generated file's header gives them.</summary>
        public static string[] Twin(Type network)
        {
            string generated = Path.Combine(
                AppContext.BaseDirectory.Replace(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal),
                "generated", "NetGen.Generator", "NetGen.Generator.NetworkGenerator", network.FullName + ".g.cs");
            Assert.True(File.Exists(generated), "generated file not found: " + generated);
            string[] lines = File.ReadAllLines(generated);
            int start = Array.IndexOf(lines, "//   import torch");
            Assert.True(start > 0, "no PyTorch twin in the header of " + generated);
            return lines.Skip(start).TakeWhile(l => l.StartsWith("//   ", StringComparison.Ordinal)).Select(l => l.Substring(5)).ToArray();
        }
    }
}
