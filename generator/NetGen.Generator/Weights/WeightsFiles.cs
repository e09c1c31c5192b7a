using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Model;

namespace NetGen.Generator.Weights
{
    /// <summary>
    /// The weights files among the AdditionalFiles. The compiler reads additional files as text, which would garble a
    /// binary file (it decodes invalid UTF-8 lossily), so NetGen's build targets (build/NetGen.targets) turn each listed
    /// *.safetensors into a text file of their own, "&lt;name&gt;.netgen-weights":
    /// <code>
    /// netgen-weights 1
    /// path=models/mnist.safetensors            (relative to the project, '/'-separated)
    /// resource=NetGen.Weights/models/mnist.safetensors
    /// error=…                                   (optional: the file is missing or too large)
    /// base64=&lt;the whole file&gt;
    /// </code>
    /// and embed the original as that manifest resource. A raw *.safetensors among the AdditionalFiles means the targets did
    /// not run: it is summarized as unconverted, so a network that asks for it gets a precise error.
    /// </summary>
    internal static class WeightsFiles
    {
        public const string SidecarExtension = ".netgen-weights";

        public const string SafeTensorsExtension = ".safetensors";

        public const string Magic = "netgen-weights 1";

        public static bool IsCandidate(string path) =>
            path.EndsWith(SidecarExtension, StringComparison.OrdinalIgnoreCase) || path.EndsWith(SafeTensorsExtension, StringComparison.OrdinalIgnoreCase);

        /// <summary>Summarizes one additional file; never throws but for cancellation.</summary>
        public static WeightsFileSummary Read(AdditionalText text, CancellationToken cancellationToken)
        {
            string path = Normalize(text.Path);
            if (!text.Path.EndsWith(SidecarExtension, StringComparison.OrdinalIgnoreCase))
            {
                return new WeightsFileSummary(path, false, string.Empty, null, 0, string.Empty, EquatableArray<TensorSummary>.Empty);
            }

            try
            {
                SourceText? source = text.GetText(cancellationToken);
                return source is null
                    ? Failed(path, string.Empty, $"NetGen's converted copy '{text.Path}' could not be read")
                    : Parse(source, text.Path, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Failed(path, string.Empty, $"NetGen's converted copy '{text.Path}' could not be read ({ex.GetType().Name}: {ex.Message})");
            }
        }

        private static WeightsFileSummary Parse(SourceText source, string sidecarPath, CancellationToken cancellationToken)
        {
            // The base64 of a file of MaxFileBytes, plus the short lines before it.
            long limit = ((SafeTensorsHeader.MaxFileBytes + 2) / 3 * 4) + 8192;
            if (source.Length > limit)
            {
                return Failed(Normalize(sidecarPath), string.Empty, $"NetGen's converted copy '{sidecarPath}' is {source.Length.ToString(CultureInfo.InvariantCulture)} characters long, more than a file of {SafeTensorsHeader.MaxFileBytes.ToString(CultureInfo.InvariantCulture)} bytes needs");
            }

            string relative = string.Empty, resource = string.Empty;
            string? error = null, base64 = null;
            bool magic = false;
            foreach (TextLine line in source.Lines)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string content = source.ToString(line.Span);
                if (!magic)
                {
                    if (content != Magic)
                    {
                        return Failed(Normalize(sidecarPath), string.Empty, $"'{sidecarPath}' does not start with \"{Magic}\" (it was not written by NetGen's build targets of this version)");
                    }

                    magic = true;
                    continue;
                }

                int equals = content.IndexOf('=');
                string key = equals < 0 ? content : content.Substring(0, equals);
                string value = equals < 0 ? string.Empty : content.Substring(equals + 1);
                switch (key)
                {
                    case "path": relative = Normalize(value); break;
                    case "resource": resource = value; break;
                    case "error": error = value; break;
                    case "base64": base64 = value; break;
                }
            }

            if (relative.Length == 0)
            {
                return Failed(Normalize(sidecarPath), resource, $"'{sidecarPath}' names no weights file (no path= line)");
            }

            if (error is not null)
            {
                return Failed(relative, resource, error);
            }

            if (base64 is null)
            {
                return Failed(relative, resource, $"'{sidecarPath}' holds no data (no base64= line)");
            }

            byte[] file;
            try
            {
                file = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                return Failed(relative, resource, $"NetGen's converted copy '{sidecarPath}' is corrupt (its base64 does not decode); rebuild");
            }

            if (file.Length > SafeTensorsHeader.MaxFileBytes)
            {
                return Failed(relative, resource, $"the file is {file.Length.ToString(CultureInfo.InvariantCulture)} bytes; compiled-in weights are limited to {SafeTensorsHeader.MaxFileBytes.ToString(CultureInfo.InvariantCulture)}");
            }

            string hash;
            using (SHA256 sha = SHA256.Create())
            {
                hash = Hex(sha.ComputeHash(file));
            }

            string? problem = SafeTensorsHeader.Read(file, out List<TensorSummary> tensors);
            return problem is not null
                ? new WeightsFileSummary(relative, true, resource, problem, file.Length, hash, EquatableArray<TensorSummary>.Empty)
                : new WeightsFileSummary(relative, true, resource, null, file.Length, hash, new EquatableArray<TensorSummary>(tensors));
        }

        private static WeightsFileSummary Failed(string relative, string resource, string problem) =>
            new(relative, true, resource, problem, 0, string.Empty, EquatableArray<TensorSummary>.Empty);

        /// <summary>
        /// A path as compared: '/'-separated, without "." segments, with "x/.." folded, without a leading "./". The same on
        /// every OS, so "models\mnist.safetensors" written on Windows matches "models/mnist.safetensors".
        /// </summary>
        public static string Normalize(string path)
        {
            string[] parts = path.Trim().Replace('\\', '/').Split('/');
            var kept = new List<string>();
            for (int i = 0; i < parts.Length; i++)
            {
                string part = parts[i];
                if (part == "." || (part.Length == 0 && i > 0))
                {
                    continue;
                }

                if (part == ".." && kept.Count > 0 && kept[kept.Count - 1] != ".." && kept[kept.Count - 1].Length > 0)
                {
                    kept.RemoveAt(kept.Count - 1);
                    continue;
                }

                kept.Add(part);
            }

            return string.Join("/", kept);
        }

        private static string Hex(byte[] bytes)
        {
            var builder = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes)
            {
                builder.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }

            return builder.ToString();
        }
    }
}
