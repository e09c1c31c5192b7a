using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.Generator.CodeFixes
{
    /// <summary>NG0001 "Network class must be partial": adds the <c>partial</c> modifier to the class declaration.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider))]
    [Shared]
    public sealed class MakePartialCodeFixProvider : CodeFixProvider
    {
        /// <summary>The id of the diagnostic this provider fixes.</summary>
        public const string DiagnosticId = "NG0001";

        /// <summary>The title of the code action, also its equivalence key.</summary>
        public const string Title = "Make the class partial";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                TypeDeclarationSyntax? declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
                if (declaration is null || declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => MakePartialAsync(context.Document, declaration, ct), equivalenceKey: Title),
                    diagnostic);
            }
        }

        /// <summary>Adds <c>partial</c> right before the type keyword (C# requires it last among the modifiers).</summary>
        public static TypeDeclarationSyntax MakePartial(TypeDeclarationSyntax declaration)
        {
            SyntaxToken keyword = declaration.Keyword;
            SyntaxToken partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(declaration.Modifiers.Add(partial));
        }

        private static async Task<Document> MakePartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return root is null ? document : document.WithSyntaxRoot(root.ReplaceNode(declaration, MakePartial(declaration)));
        }
    }
}
