using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emitting;
using NetGen.Generator.Model;

namespace NetGen.Generator.Weights
{
    /// <summary>
    /// Matches a network's [Network(Weights = "…")] with the weights files among the AdditionalFiles and validates the file
    /// against the topology: every tensor Save would write, with the network's dtype and exact shape, no other tensor, all
    /// values finite. The first problem is one NG0023 at the argument, naming the tensor and expected vs actual; a valid
    /// file becomes the model's <see cref="CompiledWeights"/> (hash and offsets only).
    /// </summary>
    internal static class CompiledWeightsResolver
    {
        public static ParseResult Resolve(ParseResult parsed, ImmutableArray<WeightsFileSummary> files)
        {
            if (parsed.Weights is not { } request || parsed.Model is not { } model)
            {
                return parsed;
            }

            (CompiledWeights? weights, string? problem) = Validate(model, request.Path, files);
            if (problem is not null)
            {
                var diagnostic = new DiagnosticInfo(
                    DiagnosticDescriptors.CompiledWeightsInvalid.Id,
                    request.At,
                    new EquatableArray<string>(new[] { request.Path, model.ClassName.TrimStart('@'), problem }));
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(parsed.Diagnostics.Append(diagnostic)), parsed.Stub ?? StubModel.For(model), request);
            }

            return new ParseResult(model with { Weights = weights }, parsed.Diagnostics, parsed.Stub, request);
        }

        private static (CompiledWeights? Weights, string? Problem) Validate(NetworkModel model, string path, ImmutableArray<WeightsFileSummary> files)
        {
            string wanted = WeightsFiles.Normalize(path);
            if (wanted.Length == 0)
            {
                return (null, "the path is empty; give the file's path relative to the project, e.g. \"models/mnist.safetensors\"");
            }

            if (wanted.StartsWith("/", StringComparison.Ordinal) || Regex.IsMatch(wanted, "^[A-Za-z]:"))
            {
                return (null, "the path must be relative to the project directory, e.g. \"models/mnist.safetensors\"");
            }

            WeightsFileSummary? file = Find(files.Where(f => f.Converted), f => f.RelativePath, wanted);
            if (file is null)
            {
                bool raw = files.Any(f => !f.Converted && (f.RelativePath.EndsWith("/" + wanted, StringComparison.OrdinalIgnoreCase) || string.Equals(f.RelativePath, wanted, StringComparison.OrdinalIgnoreCase)));
                return (null, raw
                    ? "it is listed in AdditionalFiles, but NetGen's build targets did not convert it for the compiler, which reads additional files as text; reference the NetGen package (or, with a project reference to the generator, import its build/NetGen.targets)"
                    : $"it is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"{wanted}\" /> to the project");
            }

            if (file.Problem is not null)
            {
                return (null, file.Problem);
            }

            List<(string Name, int[] Shape, string DType)> expected = CompiledWeightsEmitter.ExpectedTensors(model);
            var byName = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            var offsets = new List<long>();
            foreach ((string name, int[] shape, string dtype) in expected)
            {
                string expectedShape = SafeTensorsHeader.ShapeText(shape.Select(d => (long)d));
                if (!byName.TryGetValue(name, out TensorSummary? tensor))
                {
                    return (null, $"tensor '{name}' is missing; expected {dtype} {expectedShape}");
                }

                if (tensor.DType != dtype)
                {
                    return (null, dtype == "I64"
                        ? $"tensor '{name}' has dtype {tensor.DType}; expected I64 (a count, as PyTorch saves num_batches_tracked)"
                        : $"tensor '{name}' has dtype {tensor.DType}; expected {dtype} (the network's precision is {model.Precision})");
                }

                string actualShape = SafeTensorsHeader.ShapeText(tensor.Shape);
                if (actualShape != expectedShape)
                {
                    return (null, $"tensor '{name}' has shape {actualShape}; expected {expectedShape}");
                }

                if (tensor.FirstNonFinite >= 0)
                {
                    return (null, dtype == "I64"
                        ? $"tensor '{name}' element {tensor.FirstNonFinite.ToString(CultureInfo.InvariantCulture)} is {tensor.NonFiniteValue}; a count cannot be negative"
                        : $"tensor '{name}' element {tensor.FirstNonFinite.ToString(CultureInfo.InvariantCulture)} is {tensor.NonFiniteValue}; compiled-in weights must be finite");
                }

                offsets.Add(tensor.Begin);
            }

            var names = new HashSet<string>(expected.Select(e => e.Name), StringComparer.Ordinal);
            TensorSummary? extra = file.Tensors.FirstOrDefault(t => !names.Contains(t.Name));
            if (extra is not null)
            {
                return (null, $"tensor '{extra.Name}' ({extra.DType} {SafeTensorsHeader.ShapeText(extra.Shape)}) is not a parameter of this network; expected exactly {string.Join(", ", expected.Take(8).Select(e => e.Name))}{(expected.Count > 8 ? ", …" : string.Empty)}");
            }

            return (new CompiledWeights(file.RelativePath, file.ResourceName, file.Length, file.Sha256, new EquatableArray<long>(offsets)), null);
        }

        /// <summary>The file whose path is <paramref name="wanted"/>: exactly, else ignoring case when only one matches so.</summary>
        private static WeightsFileSummary? Find(IEnumerable<WeightsFileSummary> files, Func<WeightsFileSummary, string> pathOf, string wanted)
        {
            var list = files.ToList();
            WeightsFileSummary? exact = list.FirstOrDefault(f => string.Equals(pathOf(f), wanted, StringComparison.Ordinal));
            if (exact is not null)
            {
                return exact;
            }

            var folded = list.Where(f => string.Equals(pathOf(f), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            return folded.Count == 1 ? folded[0] : null;
        }
    }
}
