using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>
    /// The stub a declaration with an error gets has the public surface of the network it would have been (the same head,
    /// optimizer, precision and kind of input): every public member of the generated class but the per-layer views, whose
    /// names and sizes the broken declaration does not define.
    /// </summary>
    public class StubSurfaceTests
    {
        public static TheoryData<string> Declarations() => new()
        {
            "[Network][Dense(3, 4)][Relu][Dense(4, 2)][Softmax]",
            "[Network(Precision = Precision.Double, Optimizer = Optimizer.Adam)][Dense(3, 4)][Tanh][Dense(4, 2)][Identity]",
            "[Network(Optimizer = Optimizer.Momentum)][Dense(3, 4)][Dense(4, 2)][Sigmoid]",
            "[Network(SequenceLength = 5)][Lstm(3, 4)][Dense(4, 2)][Softmax]",
            "[Network(SequenceLength = 5)][Gru(3, 4, ReturnSequences = true)][Dense(4, 2)][Softmax]",
            "[Network(SequenceLength = 5)][Dense(3, 4)][Gelu][Dense(4, 2)][Softmax]",
            "[Network(SequenceLength = 5)][Lstm(3, 4, ReturnSequences = true)][GlobalAvgPool1D][Dense(4, 2)][Softmax]",
            "[Network(SequenceLength = 6)][Conv1D(3, 4, 3, Causal = true, Dilation = 2)][Relu][Dense(4, 2)][Softmax]",
            "[Network(SequenceLength = 6)][Conv1D(3, 4, 3)][Tanh][Dense(4, 2)][Identity]",
            "[Network(SequenceLength = 6)][Conv1D(3, 4, 1)][Dense(4, 2)][Softmax]",
            "[Network(SequenceLength = 6)][Dense(3, 8)][MultiHeadAttention(8, 2, Causal = true)][Dense(8, 2)][Softmax]",
            "[Network(SequenceLength = 6)][Dense(3, 8)][PositionEmbedding(8)][MultiHeadAttention(8, 2)][GlobalAvgPool1D][Dense(8, 2)][Softmax]",
            "[Network(SequenceLength = 6)][Conv1D(3, 4, 3, Causal = true)][LastStep][Dense(4, 2)][Softmax]",
            "[Block][Conv1D(4, 4, 3, Causal = true)][Relu] public sealed class Tcn { } [Network(SequenceLength = 6)][Conv1D(2, 4, 1)][Residual(typeof(Tcn))][Dense(4, 2)][Softmax]",
            "[Block][Conv1D(4, 4, 3, Padding = 1)][Relu] public sealed class Same { } [Network(SequenceLength = 6)][Conv1D(2, 4, 1)][Residual(typeof(Same))][Dense(4, 2)][Softmax]",
            "[Network(SequenceLength = 6)][Lstm(3, 4, ReturnSequences = true)][Conv1D(4, 4, 1)][Conv1D(4, 2, 2, Causal = true)][Softmax]",
            "[Network(SequenceLength = 6)][Embedding(7, 4)][PositionEmbedding(4)][MultiHeadAttention(4, 2, Causal = true)][Dense(4, 7)][Softmax]",
            "[Network(SequenceLength = 6)][Embedding(7, 4)][Conv1D(4, 4, 3, Causal = true)][Dense(4, 7)][Softmax]",
            "[Network(SequenceLength = 6, Precision = Precision.Double)][Embedding(7, 4)][GlobalAvgPool1D][Dense(4, 2)][Softmax]",
            "[Network(SequenceLength = 6)][Embedding(7, 4)][GlobalAvgPool1D][Dense(4, 2)][Identity]",
            "[Network(SequenceLength = 6, Streaming = true)][Dense(3, 4)][Relu][Dense(4, 2)][Softmax]",
            "[Network(SequenceLength = 6, Streaming = true)][Embedding(7, 4)][Dense(4, 7)][Softmax]",
            "[Network(Optimizer = Optimizer.AdamW)][Input(1, 6, 6)][Conv2D(1, 2, 3)][BatchNorm2D(2)][Relu][Flatten][Dense(32, 2)][Softmax]",
        };

        [Theory]
        [MemberData(nameof(Declarations))]
        public void A_stub_declares_every_public_member_of_the_network_it_stands_for(string attributes)
        {
            GeneratorHarness.Result real = GeneratorHarness.Run($"using NetGen; {attributes} public partial class Net {{ }}");
            Assert.Empty(real.CompilationDiagnostics);
            Assert.Empty(real.GeneratorDiagnostics);

            // The same declaration with one size made 0 (NG0005): a stub, with the same head, optimizer and precision.
            int open = attributes.IndexOf('(', attributes.IndexOf("][", System.StringComparison.Ordinal));
            string broken = attributes.Substring(0, open + 1) + "0" + attributes.Substring(attributes.IndexOf(',', open));
            GeneratorHarness.Result stub = GeneratorHarness.Run($"using NetGen; {broken} public partial class Net {{ }}");
            Assert.Contains(stub.GeneratorDiagnostics, d => d.Id == "NG0005");
            Assert.Contains("This stub declares the public members", Assert.Single(stub.Sources).Source, System.StringComparison.Ordinal);

            string[] expected = PublicSurface(real).Where(m => !m.StartsWith("Layer", System.StringComparison.Ordinal)).ToArray();
            string[] actual = PublicSurface(stub).ToArray();
            Assert.Equal(expected, actual);
        }

        /// <summary>Every public member of Net over all its generated files, as "name(parameter types)" (fields and properties: their name), sorted.</summary>
        private static IEnumerable<string> PublicSurface(GeneratorHarness.Result result) => result.Sources
            .SelectMany(s => CSharpSyntaxTree.ParseText(s.Source).GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Where(c => c.Identifier.ValueText == "Net"))
            .SelectMany(c => c.Members)
            .Select(Describe)
            .Where(d => d is not null)
            .Select(d => d!)
            .OrderBy(d => d, System.StringComparer.Ordinal);

        private static string? Describe(MemberDeclarationSyntax member)
        {
            bool isPublic = member.Modifiers.Any(m => m.IsKind(SyntaxKind.PublicKeyword));
            switch (member)
            {
                case MethodDeclarationSyntax method when isPublic:
                    return method.Identifier.ValueText + "(" + string.Join(", ", method.ParameterList.Parameters.Select(p => Normalize(p.Type!.ToString()))) + ") " + Normalize(method.ReturnType.ToString());
                case PropertyDeclarationSyntax property when isPublic:
                    return property.Identifier.ValueText + " " + Normalize(property.Type.ToString());
                case PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: { } explicitInterface } property:
                    return Normalize(explicitInterface.Name.ToString()) + "." + property.Identifier.ValueText;
                case FieldDeclarationSyntax field when isPublic:
                    return field.Declaration.Variables.Single().Identifier.ValueText + " " + Normalize(field.Declaration.Type.ToString());
                case ConstructorDeclarationSyntax constructor when isPublic:
                    return "Net(" + constructor.ParameterList.Parameters.Count + ")";
                default:
                    return null;
            }
        }

        /// <summary>The same type however it is spelled: without "global::" and namespace qualifiers.</summary>
        private static string Normalize(string type) =>
            type.Replace("global::", string.Empty).Replace("System.IO.", string.Empty).Replace("System.", string.Empty).Replace("NetGen.IO.", string.Empty).Replace("NetGen.Data.", string.Empty).Replace("NetGen.", string.Empty);
    }
}
