using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetGen.IO;
using Xunit;

namespace NetGen.Tests.Interop
{
    /// <summary>
    /// The C# side of torch_recurrent.py: writes spec.json, data.safetensors and model.safetensors for a sequence
    /// network described by a <see cref="ReferenceSequenceNet"/>, runs Debian's /usr/bin/python3 on the script, and
    /// reads result.safetensors. A missing Python or torch is a failure, not a skip: tests/run.sh installs python3-torch.
    /// </summary>
    internal static class RecurrentTorch
    {
        /// <summary>spec.json: dtype, head, sequence_length, layers (and the optional optimizer, seed, and the command
        /// that the `each` command runs in this directory).</summary>
        public static void WriteSpec(string directory, ReferenceSequenceNet net, string dtype = "F64", IReadOnlyDictionary<string, object>? optimizer = null, int seed = 0, string? command = null)
        {
            var layers = net.Layers.Select(l => l.IsRecurrent
                ? new Dictionary<string, object> { ["kind"] = l.Kind.ToString(), ["inputs"] = l.Inputs, ["outputs"] = l.Outputs, ["return_sequences"] = l.ReturnSequences }
                : new Dictionary<string, object> { ["kind"] = "Dense", ["inputs"] = l.Inputs, ["outputs"] = l.Outputs, ["activation"] = l.Activation.ToString(), ["slope"] = l.Slope });
            var spec = new Dictionary<string, object>
            {
                ["dtype"] = dtype,
                ["head"] = net.Head.ToString(),
                ["sequence_length"] = net.SequenceLength,
                ["layers"] = layers.ToArray(),
                ["seed"] = seed,
            };
            if (optimizer is not null)
            {
                spec["optimizer"] = optimizer;
            }

            if (command is not null)
            {
                spec["command"] = command;
            }

            File.WriteAllText(Path.Combine(directory, "spec.json"), JsonSerializer.Serialize(spec));
        }

        /// <summary>data.safetensors: inputs [N, T, I]; targets [N] / [N, T] labels (as F64) or [N, K] / [N, T, K].</summary>
        public static void WriteData(string directory, ReferenceSequenceNet net, double[] inputs, int[]? labels, double[]? targets, int count)
        {
            int[] targetShape = net.Head == SequenceHead.Softmax
                ? (net.ManyToMany ? new[] { count, net.SequenceLength } : new[] { count })
                : (net.ManyToMany ? new[] { count, net.SequenceLength, net.StepOutputs } : new[] { count, net.StepOutputs });
            double[] t = net.Head == SequenceHead.Softmax ? labels!.Take(count * net.TargetSize).Select(v => (double)v).ToArray() : targets!.Take(count * net.TargetSize).ToArray();
            SafeTensors.Save(Path.Combine(directory, "data.safetensors"), new[]
            {
                TensorEntry.Create("inputs", new[] { count, net.SequenceLength, net.StepInputs }, inputs.AsMemory(0, count * net.InputSize)),
                TensorEntry.Create("targets", targetShape, t),
            });
        }

        /// <summary>The flat parameters as a state dict with PyTorch's names and shapes (F64).</summary>
        public static void SaveParameters(string path, ReferenceSequenceNet net, double[] parameters) =>
            SafeTensors.Save(path, net.Tensors.Select(t => TensorEntry.Create(t.Name, t.Shape, parameters.AsMemory(t.Offset, t.Count))).ToArray());

        /// <summary>The flat parameter vector from tensors named <paramref name="prefix"/> + the PyTorch name, checking shapes.</summary>
        public static double[] ReadParameters(SafeTensorsFile file, ReferenceSequenceNet net, string prefix = "")
        {
            var p = new double[net.ParameterCount];
            foreach (SequenceTensor t in net.Tensors)
            {
                file.CopyTo(prefix + t.Name, t.Shape, p.AsSpan(t.Offset, t.Count));
            }

            return p;
        }

        /// <summary>
        /// The largest, over the network's tensors, of max |expected − actual| / max |expected|, both flat in the
        /// reference's layout; also the tensor where it occurs.
        /// </summary>
        public static (double Worst, string Tensor) MaxRelative(ReferenceSequenceNet net, double[] expected, double[] actual)
        {
            double worst = 0;
            string where = "";
            foreach (SequenceTensor t in net.Tensors)
            {
                double d = MaxRelative(expected.AsSpan(t.Offset, t.Count), actual.AsSpan(t.Offset, t.Count));
                if (d >= worst)
                {
                    (worst, where) = (d, t.Name);
                }
            }

            return (worst, where);
        }

        /// <summary>max |expected − actual| / max |expected| (the absolute difference when expected is all zero).</summary>
        public static double MaxRelative(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            double diff = 0, scale = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                diff = Math.Max(diff, Math.Abs(expected[i] - actual[i]));
                scale = Math.Max(scale, Math.Abs(expected[i]));
            }

            return scale > 0 ? diff / scale : diff;
        }

        /// <summary>Runs torch_recurrent.py &lt;command&gt; &lt;directory&gt; and loads its result.safetensors.</summary>
        public static SafeTensorsFile Run(string directory, string command) => Run(command, new[] { directory })[0];

        /// <summary>Runs the command in each directory with one Python process; the result.safetensors of each.</summary>
        public static SafeTensorsFile[] Run(string command, IReadOnlyList<string> directories)
        {
            string python = Environment.GetEnvironmentVariable("NETGEN_PYTHON") ?? "/usr/bin/python3";
            string script = Path.Combine(AppContext.BaseDirectory, "Interop", "torch_recurrent.py");
            Assert.True(File.Exists(python), $"{python} not found: install Debian's python3 and python3-torch (tests/run.sh does)");
            var start = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(command);
            foreach (string directory in directories)
            {
                start.ArgumentList.Add(directory);
            }

            start.Environment["OMP_NUM_THREADS"] = "1";
            using Process process = Process.Start(start)!;
            System.Threading.Tasks.Task<string> stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{python} {script} {command} failed ({process.ExitCode}); python3-torch is required (tests/run.sh installs it):\n{stdout}\n{stderr.Result}");
            return directories.Select(d => SafeTensors.Load(Path.Combine(d, "result.safetensors"))).ToArray();
        }
    }
}
