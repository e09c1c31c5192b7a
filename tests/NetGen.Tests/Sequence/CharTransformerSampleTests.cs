using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace NetGen.Tests.Sequence
{
    /// <summary>
    /// samples/CharTransformer end to end on a small corpus of its own (the sample is built with the solution): three epochs
    /// lowers the validation bits per character, the last line of the curve is "validation bpc: value", text and the tokens
    /// per second follow, and the artifacts are written.
    /// </summary>
    public class CharTransformerSampleTests
    {
        [Fact]
        public void Three_epochs_on_a_small_corpus_learn_and_generate()
        {
            string root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "NetGen.sln")))
            {
                root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
            }

            string sample = Path.Combine(root, "samples", "CharTransformer", "bin", "Release", "net10.0", "CharTransformer.dll");
            Assert.True(File.Exists(sample), sample + " not found: build the solution in Release (dotnet test NetGen.sln -c Release does)");
            string work = Path.Combine(Path.GetTempPath(), "netgen-char-" + Guid.NewGuid().ToString("N"));
            string corpus = Path.Combine(work, "corpus");
            Directory.CreateDirectory(corpus);
            try
            {
                string verse = "The quick brown fox jumps over the lazy dog.\nA stitch in time saves nine.\n%\n";
                File.WriteAllText(Path.Combine(corpus, "proverbs"), string.Concat(Enumerable.Repeat(verse, 1500)));
                var start = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (string a in new[] { sample, "--corpus", corpus, "--epochs", "3", "--generate", "40", "--threads", "1" })
                {
                    start.ArgumentList.Add(a);
                }

                using Process process = Process.Start(start)!;
                string output = process.StandardOutput.ReadToEnd();
                string errors = process.StandardError.ReadToEnd();
                Assert.True(process.WaitForExit(300_000), "the sample did not finish in 5 minutes");
                Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}:\n{output}\n{errors}");

                double before = Number(output, @"validation bpc before training: ([0-9.]+)");
                double after = Number(output, @"(?m)^validation bpc: ([0-9.]+)$");
                Assert.True(after < before - 2, $"validation bpc {before} before, {after} after three epochs:\n{output}");
                Assert.Matches(@"generation: [0-9,]+ tokens/s", output);
                Assert.True(File.Exists(Path.Combine(work, "artifacts", "char-transformer", "model.safetensors")));
                Assert.Equal(4, File.ReadAllLines(Path.Combine(work, "artifacts", "char-transformer", "curve.csv")).Length);
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }

        [Fact]
        public void A_missing_corpus_is_a_clear_error_and_a_clean_exit()
        {
            string root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "NetGen.sln")))
            {
                root = Path.GetDirectoryName(root)!;
            }

            string sample = Path.Combine(root, "samples", "CharTransformer", "bin", "Release", "net10.0", "CharTransformer.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
            foreach (string a in new[] { sample, "--corpus", "/nonexistent/fortunes" })
            {
                start.ArgumentList.Add(a);
            }

            using Process process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(60_000));
            Assert.Equal(2, process.ExitCode);
            Assert.Contains("/nonexistent/fortunes not found: install Debian's fortunes package", errors);
        }

        private static double Number(string output, string pattern)
        {
            Match m = Regex.Match(output, pattern);
            Assert.True(m.Success, $"no match for {pattern} in:\n{output}");
            return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
    }
}
