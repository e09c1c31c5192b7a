using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.CodeFixes;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>NG0001's code fix, applied through an AdhocWorkspace: the fixed text, and no NG0001 afterwards.</summary>
    public class CodeFixTests
    {
        [Theory]
        [InlineData(
            "using NetGen;\n[Network][Dense(2, 2)][Softmax]\npublic sealed class Net { }\n",
            "using NetGen;\n[Network][Dense(2, 2)][Softmax]\npublic sealed partial class Net { }\n")]
        [InlineData(
            "using NetGen;\n[Network][Dense(2, 2)][Softmax]\nclass Net { }\n",
            "using NetGen;\n[Network][Dense(2, 2)][Softmax]\npartial class Net { }\n")]
        [InlineData(
            "using NetGen;\nnamespace N\n{\n    [Network]\n    [Dense(2, 2)][Softmax]\n    internal class Net\n    {\n    }\n}\n",
            "using NetGen;\nnamespace N\n{\n    [Network]\n    [Dense(2, 2)][Softmax]\n    internal partial class Net\n    {\n    }\n}\n")]
        public async System.Threading.Tasks.Task Make_partial_fixes_NG0001(string before, string after)
        {
            using var workspace = new AdhocWorkspace();
            Project project = workspace.AddProject("Consumer", LanguageNames.CSharp)
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
                .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
                .WithMetadataReferences(GeneratorHarness.References);
            Document document = project.AddDocument("Input0.cs", SourceText.From(before));

            Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(before).GeneratorDiagnostics.Where(d => d.Id == "NG0001"));
            Location location = Location.Create((await document.GetSyntaxTreeAsync())!, diagnostic.Location.SourceSpan);
            Diagnostic inDocument = Diagnostic.Create(diagnostic.Descriptor, location);

            var provider = new MakePartialCodeFixProvider();
            Assert.Contains("NG0001", provider.FixableDiagnosticIds);
            var actions = new System.Collections.Generic.List<CodeAction>();
            var context = new CodeFixContext(document, inDocument, (action, _) => actions.Add(action), CancellationToken.None);
            await provider.RegisterCodeFixesAsync(context);
            CodeAction fix = Assert.Single(actions);
            Assert.Equal("Make the class partial", fix.Title);

            ImmutableArray<CodeActionOperation> operations = await fix.GetOperationsAsync(CancellationToken.None);
            Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            string text = (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
            Assert.Equal(after, text);

            GeneratorHarness.Result result = GeneratorHarness.Run(text);
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Empty(result.CompilationDiagnostics);
            Assert.Single(result.Networks);
        }
    }
}
