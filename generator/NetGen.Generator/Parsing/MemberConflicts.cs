using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>The names NetGen generates, and the check that the user's class declares none of them (NG0016).</summary>
    internal static partial class NetworkParser
    {
        /// <summary>Generated members that are not methods: any member of the same name would clash (CS0102).</summary>
        private static readonly HashSet<string> s_generatedNonMethods = new(System.StringComparer.Ordinal)
        {
            "InputSize", "OutputSize", "ParameterCount", "SequenceLength", "ActivationBytesPerExample", "StreamStateSize", "ActivationCount", "BatchChunk", "ForwardBlock", "TransposeScratch", "ScratchLength", "ChainWidth", "PredictScratch", "ForwardScratch",
            "Parameters", "ParameterBase",
            "_storage", "_origin", "_scratch", "_gradient", "_optimizerState", "_stepCount", "OptimizerState", "OptimizerStateSize", "Summary", "ClassCount", "Standardization",
            "_weightDecay", "_momentum", "_beta1", "_beta2", "_epsilon", "ModelReadOptions",
            "WeightDecay", "Momentum", "Beta1", "Beta2", "Epsilon", "StepCount", "ModelMetadata",
            "TrainingThreads", "MinParallelBatch", "Scratch", "_trainingThreads", "_parallel", "_partScratch", "_partGradients",
            "_partLoss", "_partScale", "_partCount", "_partFinite", "_partRate", "_partPhase", "_seed", "StepBatch", "StepBlockScratch", "_stepBlock", "CompiledWeightsResource", "CompiledWeightsSha256", "s_compiledWeightsVerified", "Kernels",
            "BufferCount", "Buffers", "Counters", "_buffers", "_counters", "_statistics", "BufferBase", "ScratchPerExample",
            "MaxParts", "MinPartExamples", "_stages", "_stage", "_stageFrom", "_stageCount", "_stageParts",
        };

        /// <summary>Generated private helper methods: a field, property or type of the same name would clash.</summary>
        private static readonly HashSet<string> s_generatedHelpers = new(System.StringComparer.Ordinal)
        {
            "Forward", "ForwardBatch", "OutputDelta", "Softmax", "CrossEntropy", "CrossEntropyDelta", "ArgMax",
            "BinaryCrossEntropy", "BinaryCrossEntropyDelta", "SquaredError", "SquaredErrorDelta",
            "BackpropagateRange", "BackpropagateStep", "TrainFused", "ApplyStep", "ModelTensors", "BuildOnnx", "UseParallel", "TrainParallel", "ComputePart",
            "ScratchFor", "CommitStatistics", "BeginStages", "RunStage", "RunStageThread", "StagePart", "AddPartGradients",
        };

        private static readonly System.Text.RegularExpressions.Regex s_layerMember = new(
            "^(?:Layer(?<i>[0-9]+)(?<m>Weights|Bias|Forward|ForwardRow|ForwardRows|ForwardBatch|ForwardBlock|BackwardBatch|Update|Columns|Scatter|Product|Sequence|Step|Steps|Cell|CellBack|Transpose|Through|ThroughGroup|InputDeltas|BackwardDeltas|StepBlocks|Accumulate|InputWeights|HiddenWeights|InputBias|HiddenBias|RunningMean|RunningVariance|BatchesTracked|Row)|(?<m>WI|WH|BI|BH|RM|RV|NB|ST|[WBA])(?<i>[0-9]+))$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>Public generated methods and their parameter types ("T" stands for float or double).</summary>
        private static readonly (string Name, string[] Parameters)[] s_generatedMethods =
        {
            ("InitializeParameters", new[] { "int" }),
            ("Predict", new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
            ("Classify", new[] { "System.ReadOnlySpan<T>" }),
            ("Loss", new[] { "System.ReadOnlySpan<T>", "int" }),
            ("Train", new[] { "System.ReadOnlySpan<T>", "int", "T" }),
            ("Train", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<int>", "T" }),
            ("Gradient", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<int>", "System.Span<T>" }),
            ("Loss", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>" }),
            ("Train", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "T" }),
            ("Gradient", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>" }),
            ("PredictBatch", new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
            ("ResetOptimizer", System.Array.Empty<string>()),
            ("CopyCompiledWeights", System.Array.Empty<string>()),
            ("Classify", new[] { "System.ReadOnlySpan<T>", "System.Span<int>" }),
            ("Loss", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<int>" }),
            ("Step", new[] { "System.ReadOnlySpan<T>", "System.Span<T>", "System.Span<T>" }),
            ("ResetState", new[] { "System.Span<T>" }),
            ("Save", new[] { "string" }),
            ("Save", new[] { "System.IO.Stream" }),
            ("Load", new[] { "string" }),
            ("Load", new[] { "System.IO.Stream" }),
            ("Load", new[] { "NetGen.IO.SafeTensorsFile" }),
            ("SaveOnnx", new[] { "string" }),
            ("SaveOnnx", new[] { "System.IO.Stream" }),
        };

        /// <summary>
        /// A member the user declared that the generated part would declare too: report it instead of emitting code
        /// that fails with CS0111/CS0102/CS0542. Overloads of the public methods with other parameter types are fine.
        /// </summary>
        private static void CheckMemberConflicts(INamedTypeSymbol type, int layerCount, Precision precision, List<DiagnosticInfo> diagnostics)
        {
            string t = precision == Precision.Double ? "double" : "float";
            if (IsGeneratedName(type.Name, layerCount) || s_generatedMethods.Any(m => m.Name == type.Name))
            {
                diagnostics.Add(Diagnostic(
                    DiagnosticDescriptors.MemberConflict,
                    type.Locations.FirstOrDefault(l => l.IsInSource) is { } own ? LocationInfo.From(own) : null,
                    type.Name,
                    "its own name '" + type.Name + "' as a member name"));
            }

            foreach (ISymbol member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared)
                {
                    continue;
                }

                string? what = null;
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false, Parameters.Length: 0 })
                {
                    what = "a parameterless constructor";
                }
                else
                {
                    what = Conflict(member, layerCount, t);
                }

                if (what is not null)
                {
                    Location? location = member.Locations.FirstOrDefault(l => l.IsInSource);
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.MemberConflict, location is null ? null : LocationInfo.From(location), type.Name, what));
                }
            }

            // Inherited members the class can see: a generated member of the same name would hide them (CS0108/CS0114)
            // or fail to implement them. Private members and internal ones of another assembly are invisible here.
            var reported = new HashSet<string>(System.StringComparer.Ordinal);
            for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
            {
                foreach (ISymbol member in baseType.GetMembers())
                {
                    if (member.IsImplicitlyDeclared || member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } || !VisibleTo(member, type))
                    {
                        continue;
                    }

                    if (Conflict(member, layerCount, t) is { } what && reported.Add(what))
                    {
                        Location? location = type.Locations.FirstOrDefault(l => l.IsInSource);
                        string from = baseType.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
                        diagnostics.Add(Diagnostic(DiagnosticDescriptors.MemberConflict, location is null ? null : LocationInfo.From(location), type.Name, what + " (it inherits it from '" + from + "')"));
                    }
                }
            }
        }

        /// <summary>How a member clashes with what NetGen generates ("a member named 'X'", …), or null when it does not.</summary>
        private static string? Conflict(ISymbol member, int layerCount, string t)
        {
            if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
            {
                if (IsGeneratedName(method.Name, layerCount) && !s_generatedHelpers.Contains(method.Name))
                {
                    return "a method named '" + method.Name + "'";
                }

                if (method.Arity == 0 && s_generatedMethods.Any(g => g.Name == method.Name && SameParameters(method, g.Parameters, t)))
                {
                    return "the method '" + method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat) + "'";
                }

                return null;
            }

            return member is not IMethodSymbol && (IsGeneratedName(member.Name, layerCount) || s_generatedHelpers.Contains(member.Name) || s_generatedMethods.Any(g => g.Name == member.Name))
                ? "a member named '" + member.Name + "'"
                : null;
        }

        /// <summary>Whether a base class's member is visible in the derived network class (so a generated one would hide it).</summary>
        private static bool VisibleTo(ISymbol member, INamedTypeSymbol type) => member.DeclaredAccessibility switch
        {
            Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal => true,
            Accessibility.Internal or Accessibility.ProtectedAndInternal => SymbolEqualityComparer.Default.Equals(member.ContainingAssembly, type.ContainingAssembly),
            _ => false,
        };

        private static bool IsGeneratedName(string name, int layerCount)
        {
            if (s_generatedNonMethods.Contains(name))
            {
                return true;
            }

            System.Text.RegularExpressions.Match match = s_layerMember.Match(name);
            return match.Success
                && int.TryParse(match.Groups["i"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                && index < layerCount
                && match.Groups["i"].Value == index.ToString(CultureInfo.InvariantCulture);
        }

        private static bool SameParameters(IMethodSymbol method, string[] parameters, string t)
        {
            if (method.Parameters.Length != parameters.Length)
            {
                return false;
            }

            for (int i = 0; i < parameters.Length; i++)
            {
                IParameterSymbol parameter = method.Parameters[i];
                string expected = parameters[i] == "T" ? t : parameters[i].Replace("<T>", "<" + t + ">");
                if (parameter.RefKind is not RefKind.None and not RefKind.In || parameter.Type.ToDisplayString() != expected)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
