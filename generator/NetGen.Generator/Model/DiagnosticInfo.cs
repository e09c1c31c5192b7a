using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generator.Model
{
    /// <summary>A location as plain values (a <see cref="Location"/> holds a syntax tree and would defeat caching).</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null)
            {
                return null;
            }

            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }
    }

    /// <summary>A diagnostic to report, as plain values: the descriptor id, where, and the message arguments.</summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public Diagnostic ToDiagnostic()
        {
            DiagnosticDescriptor descriptor = Diagnostics.DiagnosticDescriptors.ById(Id);
            object[] args = new object[Arguments.Count];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = Arguments[i];
            }

            return Diagnostic.Create(descriptor, Location?.ToLocation(), args);
        }
    }

    /// <summary>
    /// What parsing one declaration gives: the model when it is valid, else (when the class itself is fine and only the
    /// topology or options are wrong) a stub, whose public surface is generated so that the NG errors are the only errors;
    /// and the weights file it asks for, if any (resolved against the AdditionalFiles in a later step).
    /// </summary>
    internal sealed record ParseResult(NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, StubModel? Stub = null, WeightsRequest? Weights = null);
    /// <summary>
    /// The public surface of a network whose declaration has errors: names, precision, head and optimizer as far as they
    /// could be read (defaults otherwise); Recurrent: the input is a sequence; Streaming: a layer carries a state from step to
    /// step and none needs steps to come (Step and ResetState); PerStep: one output (and label) per time step; CompiledWeights: the declaration asks
    /// for compiled-in weights (their members are declared too); Tokens: the first layer reads token ids (the int overloads
    /// and ITokenNetwork are declared too). Equatable values only.
    /// </summary>
    internal sealed record StubModel(
        string Namespace,
        EquatableArray<string> ContainingTypes,
        string ClassName,
        string HintName,
        Precision Precision,
        HeadKind Head,
        OptimizerKind Optimizer,
        bool Recurrent,
        bool Streaming,
        bool PerStep,
        bool Interfaces,
        bool CompiledWeights,
        bool Tokens = false)
    {
        /// <summary>
        /// The stub of a network that parsed but cannot be generated (its compiled-in weights do not fit it, NG0023): its
        /// whole public surface, read from the model.
        /// </summary>
        public static StubModel For(NetworkModel model) => new(
            model.Namespace,
            model.ContainingTypes,
            model.ClassName,
            model.HintName,
            model.Precision,
            model.Head,
            model.Optimizer,
            Recurrent: model.SequenceLength > 0,
            Streaming: StreamRoles.Streams(model.Nodes.Select(n => n.Layer.Streaming)) || (model.Streaming && model.Nodes.All(n => n.Layer.Streaming != StreamRole.Never)),
            PerStep: model.SequenceLength > 0 && model.Nodes[model.Nodes.Count - 1].Rows > 1,
            model.Interfaces,
            CompiledWeights: true,
            Tokens: model.Nodes.Count > 0 && model.Nodes[0].Layer.TokenVocabulary > 0);
    }
}
