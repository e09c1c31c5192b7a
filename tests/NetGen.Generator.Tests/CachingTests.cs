using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>The incremental pipeline caches: unrelated edits re-emit nothing, and an edit to one network re-emits only it.</summary>
    public class CachingTests
    {
        private const string Networks = """
            using NetGen;
            namespace Cache;
            [Network][Dense(4, 8)][Relu][Dense(8, 3)][Softmax]
            public partial class First { }
            [Network][Dense(2, 5)][Tanh][Dense(5, 2)][Softmax]
            public partial class Second { }
            [Network][Dense(0, 2)][Softmax]
            public partial class Broken { }
            """;

        private static readonly string[] s_steps = { TrackingNames.Parse, TrackingNames.Models, TrackingNames.Stubs, TrackingNames.Diagnostics };

        [Fact]
        public void Adding_an_unrelated_file_reuses_every_step_and_every_output()
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Networks, "namespace Other; public class Unrelated { }");
            GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
            GeneratorRunResult first = driver.GetRunResult().Results.Single();
            Assert.Equal((2 * (1 + GeneratorHarness.Parts.Length)) + 1, first.GeneratedSources.Length); // two networks (each in its files) and the stub of the broken one

            CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Another { int X => 1; }", (CSharpParseOptions)compilation.SyntaxTrees.First().Options, path: "Another.cs"));
            GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

            foreach (string step in s_steps)
            {
                Assert.All(second.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + o.Reason));
            }

            Assert.All(second.TrackedOutputSteps["SourceOutput"].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        [Fact]
        public void Editing_an_unrelated_file_reuses_every_output()
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Networks, "namespace Other; public class Unrelated { }");
            GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
            SyntaxTree old = compilation.SyntaxTrees.Last();
            CSharpCompilation edited = compilation.ReplaceSyntaxTree(old, old.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("namespace Other; public class Unrelated { int Y; }")));
            GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

            Assert.All(second.TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
            Assert.All(second.TrackedOutputSteps["SourceOutput"].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        [Fact]
        public void Changing_one_size_regenerates_only_that_network()
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Networks);
            GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
            SyntaxTree old = compilation.SyntaxTrees.Single();
            CSharpCompilation edited = compilation.ReplaceSyntaxTree(old, old.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Networks.Replace("[Dense(8, 3)]", "[Dense(8, 4)]"))));
            GeneratorDriver after = driver.RunGenerators(edited);
            GeneratorRunResult second = after.GetRunResult().Results.Single();

            var models = second.TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs).ToArray();
            Assert.Equal(2, models.Length);
            Assert.Single(models, o => o.Reason == IncrementalStepRunReason.Modified && o.Value.ToString()!.Contains("First", StringComparison.Ordinal));
            Assert.Single(models, o => o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached && o.Value.ToString()!.Contains("Second", StringComparison.Ordinal));

            var outputs = second.TrackedOutputSteps["SourceOutput"].SelectMany(s => s.Outputs).ToArray();
            Assert.Equal(1, outputs.Count(o => o.Reason == IncrementalStepRunReason.Modified));
            Assert.Contains("Dense(8, 4)", second.GeneratedSources.Single(s => s.HintName.EndsWith("First.g.cs", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public void No_step_output_holds_symbols_syntax_compilations_or_locations()
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Networks);
            GeneratorRunResult result = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation).GetRunResult().Results.Single();
            int visited = 0;
            foreach ((string name, ImmutableArray<IncrementalGeneratorRunStep> steps) in result.TrackedSteps.Where(s => s_steps.Contains(s.Key)))
            {
                foreach (IncrementalGeneratorRunStep step in steps)
                {
                    foreach ((object value, IncrementalStepRunReason _) in step.Outputs)
                    {
                        AssertNoRoslynObjects(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance), ref visited);
                    }
                }
            }

            Assert.True(visited > 10);
        }

        private static readonly Type[] s_banned = { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(SemanticModel), typeof(Location), typeof(SyntaxTree) };

        private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> seen, ref int visited)
        {
            if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
            {
                return;
            }

            Type type = value.GetType();
            Assert.False(s_banned.Any(b => b.IsAssignableFrom(type)), $"{path} holds a {type.FullName}");
            if (!type.IsValueType && !seen.Add(value))
            {
                return;
            }

            visited++;
            if (value is IEnumerable items)
            {
                int i = 0;
                foreach (object? item in items)
                {
                    AssertNoRoslynObjects(item, $"{path}[{i++}]", seen, ref visited);
                }

                return;
            }

            if (type.Namespace?.StartsWith("Microsoft.CodeAnalysis.Text", StringComparison.Ordinal) == true)
            {
                return; // TextSpan and LinePositionSpan: plain numbers.
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition().FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) == true)
            {
                foreach (FieldInfo field in type.GetFields())
                {
                    AssertNoRoslynObjects(field.GetValue(value), path + "." + field.Name, seen, ref visited);
                }

                return;
            }

            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                AssertNoRoslynObjects(field.GetValue(value), path + "." + field.Name, seen, ref visited);
            }
        }
    }
}
