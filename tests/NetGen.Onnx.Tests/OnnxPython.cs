using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace NetGen.Onnx.Tests
{
    /// <summary>
    /// Runs onnx_check.py with Debian's /usr/bin/python3 (NETGEN_PYTHON overrides it). A missing Python or onnx module is a
    /// failure, not a skip: tests/run.sh installs python3-onnx.
    /// </summary>
    internal static class OnnxPython
    {
        public static string Run(params string[] arguments)
        {
            string python = Environment.GetEnvironmentVariable("NETGEN_PYTHON") ?? "/usr/bin/python3";
            string script = Path.Combine(AppContext.BaseDirectory, "onnx_check.py");
            Assert.True(File.Exists(python), $"{python} not found: install Debian's python3 and python3-onnx (tests/run.sh does)");
            var start = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(script);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{python} {script} {string.Join(' ', arguments)} failed ({process.ExitCode}); python3-onnx is required (tests/run.sh installs it):\n{stdout}\n{stderr.Result}");
            return stdout;
        }
    }
}
