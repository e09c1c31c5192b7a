using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NetGen.Generator.Diagnostics
{
    /// <summary>Every diagnostic NetGen reports: one catalog, one id prefix (NG), one category.</summary>
    internal static class DiagnosticDescriptors
    {
        public const string Category = "NetGen";

        /// <summary>
        /// Every help link is the repository-relative path of the diagnostic's page, <c>docs/diagnostics/NG00xx.md</c>
        /// (the project has no public URL to point at; the pages travel with the source).
        /// </summary>
        public const string HelpLinkBase = "docs/diagnostics/";

        public static readonly DiagnosticDescriptor NetworkNotPartial = Error(
            "NG0001",
            "Network class must be partial",
            "Class '{0}' is marked [Network] but is not partial; add the 'partial' modifier so NetGen can generate its members");

        public static readonly DiagnosticDescriptor UnsupportedNetworkType = Error(
            "NG0002",
            "Unsupported network type",
            "'{0}' cannot be a network: {1}");

        public static readonly DiagnosticDescriptor NoLayers = Error(
            "NG0003",
            "Network has no layers",
            "Network '{0}' declares no [Dense] layer; add at least one, e.g. [Dense(784, 10)][Softmax]");

        public static readonly DiagnosticDescriptor SizeMismatch = Error(
            "NG0004",
            "Consecutive layer sizes do not chain",
            "{0} layer {1} takes {2} inputs, but the layer before it produces {3} outputs");

        public static readonly DiagnosticDescriptor NonPositiveSize = Error(
            "NG0005",
            "Layer size must be positive",
            "{0} layer {1} has {2} = {3}; sizes must be at least 1");

        public static readonly DiagnosticDescriptor NetworkTooLarge = Error(
            "NG0006",
            "Network is too large",
            "Network '{0}' would have {1} {2}; NetGen supports at most {3}");

        public static readonly DiagnosticDescriptor ActivationWithoutDense = Error(
            "NG0007",
            "Activation without a layer before it",
            "[{0}] must follow a layer; it applies to the value of the layer before it");

        public static readonly DiagnosticDescriptor TwoActivations = Error(
            "NG0008",
            "Two activations in a row",
            "{0} already has activation [{1}]; [{2}] cannot be added (add a layer between them)");

        public static readonly DiagnosticDescriptor HeadNotLast = Error(
            "NG0009",
            "Output head must come last",
            "[{0}] is an output head and must come after the last Dense layer; found '{1}' after it");

        public static readonly DiagnosticDescriptor MissingHead = Error(
            "NG0010",
            "Missing output head",
            "Network '{0}' has no output head; end it with [Softmax] (classes), [Sigmoid] (multi-label) or [Identity] (regression) after the last Dense layer");

        public static readonly DiagnosticDescriptor LayersOnSeveralDeclarations = Error(
            "NG0011",
            "Layers spread over several partial declarations",
            "Layer attributes of network '{0}' must all be on the declaration that carries [Network]; their order across partial declarations is ambiguous");

        /// <summary>
        /// An argument the compiler rejected (its TypedConstant is an error): kept among the parser's diagnostics so that the
        /// network is not generated, but never reported, since the compiler's own error says it (one mistake, one error).
        /// </summary>
        public static readonly DiagnosticDescriptor NonConstantArgument = Error(
            "NG0012",
            "Layer argument is not a compile-time constant",
            "Argument '{0}' of [{1}] must be a compile-time constant of the right type");

        public static readonly DiagnosticDescriptor InvalidSlope = Error(
            "NG0013",
            "Invalid LeakyRelu slope",
            "LeakyRelu slope {0} must be a finite, non-negative number that a float holds (at most 3.4E+38)");

        public static readonly DiagnosticDescriptor ActivationBeforeSoftmax = Warning(
            "NG0014",
            "Activation on the logits",
            "{0} applies [{1}] before [Softmax]; softmax expects unconstrained logits, so the last Dense is usually linear");

        public static readonly DiagnosticDescriptor LayersWithoutNetwork = Warning(
            "NG0015",
            "Layer attribute without [Network]",
            "[{0}] on '{1}' has no effect because '{1}' is not marked [Network]; add [Network] (or [Block], for a residual's layers) or remove the layer attributes");

        public static readonly DiagnosticDescriptor MemberConflict = Error(
            "NG0016",
            "Network class declares a member NetGen generates",
            "Network '{0}' already declares {1}, which NetGen generates; remove or rename it (NetGen generated nothing for '{0}')");

        public static readonly DiagnosticDescriptor EnumOutOfRange = Error(
            "NG0017",
            "Option value is not defined",
            "{0} is not a defined {1}; use one of {2}");

        public static readonly DiagnosticDescriptor MissingSequenceLength = Error(
            "NG0018",
            "Sequence layer without a sequence length",
            "{0} layer {1} reads a sequence, but the network has no sequence length; add SequenceLength = T to [Network], e.g. [Network(SequenceLength = 28)]");

        public static readonly DiagnosticDescriptor InvalidSequenceLength = Error(
            "NG0019",
            "Invalid sequence option",
            "{0} is not valid: {1}");

        public static readonly DiagnosticDescriptor RecurrentWithoutSequences = Error(
            "NG0020",
            "Stacked recurrent layer without ReturnSequences",
            "{0} layer {1} is followed by {2} layer {3}, which reads a whole sequence; set ReturnSequences = true on layer {1}");

        public static readonly DiagnosticDescriptor UnsupportedLayerOrder = Error(
            "NG0021",
            "Unsupported layer order",
            "{0} layer {1} cannot follow {2} layer {3}: recurrent layers come first, before any Dense layer");

        public static readonly DiagnosticDescriptor LanguageVersionTooOld = Error(
            "NG0022",
            "C# language version too old for the generated code",
            "Network '{0}' needs C# {1} or later for its generated code, but the project compiles as C# {2}; set <LangVersion> to {1} or later (or remove it: the .NET 8+ SDK's default is newer)");

        public static readonly DiagnosticDescriptor CompiledWeightsInvalid = Error(
            "NG0023",
            "Compiled-in weights do not fit the network",
            "Weights file '{0}' cannot be compiled into network '{1}': {2}");

        public static readonly DiagnosticDescriptor MissingInputShape = Error(
            "NG0030",
            "Layer without an input shape",
            "{0} layer {1} {3}, but network '{2}' does not declare the shape of its input; {4}");

        public static readonly DiagnosticDescriptor ShapeMismatch = Error(
            "NG0031",
            "Layer shapes do not chain",
            "{0} produces {1}; {2} layer {3} expects {4}");

        public static readonly DiagnosticDescriptor WindowTooLarge = Error(
            "NG0032",
            "Kernel or pool window larger than its input",
            "{0} layer {1}: its {2}×{2} window does not fit its {3} input{4}");

        public static readonly DiagnosticDescriptor UnreadInput = Error(
            "NG0033",
            "Windows leave part of the input unread",
            "{0} layer {1}: {2}×{2} windows with stride {3} never read the last {4} of its {5} input; change the stride, the padding or the window size");

        public static readonly DiagnosticDescriptor InvalidLayerOption = Error(
            "NG0034",
            "Invalid layer option",
            "{0} layer {1} has {2} = {3}; {4}");

        public static readonly DiagnosticDescriptor FlattenRequired = Error(
            "NG0035",
            "Vector layer after an image without [Flatten]",
            "{0} layer {1} reads a vector, but {2} produces a {3} image; add [Flatten] before it");

        public static readonly DiagnosticDescriptor MisplacedFlatten = Error(
            "NG0036",
            "[Flatten] where there is no image to flatten",
            "[Flatten] (layer {0}) has nothing to flatten: {1} produces a vector of {2} values; remove it");

        public static readonly DiagnosticDescriptor ImageLayerOnVector = Error(
            "NG0037",
            "Image layer after a vector",
            "{0} layer {1} reads a C×H×W image, but {2} produces a vector of {3} values; image layers come first, after [Input(channels, height, width)]");

        public static readonly DiagnosticDescriptor ResidualShapeMismatch = Error(
            "NG0038",
            "Residual whose two paths differ in shape",
            "{0}: block '{1}' produces {2}, but {3} {4}; a residual adds them, so they must have one shape ({5})");

        public static readonly DiagnosticDescriptor BlockCycle = Error(
            "NG0039",
            "Block that contains itself",
            "Block '{0}' contains itself ({1}); a block cannot be part of itself");

        public static readonly DiagnosticDescriptor BlockMisuse = Error(
            "NG0040",
            "Misused block",
            "{0} {1}");

        public static readonly DiagnosticDescriptor BatchNorm1DOnImage = Error(
            "NG0041",
            "BatchNorm1D on an image or a sequence",
            "BatchNorm1D layer {0} normalizes the features of a vector over the mini-batch, but {1} produces {2}; {3}");

        public static readonly DiagnosticDescriptor HeadsDoNotDivide = Error(
            "NG0042",
            "Attention dimension not divisible by its heads",
            "MultiHeadAttention layer {0} has dim = {1} and heads = {2}; each head takes dim/heads values, so dim must be a multiple of heads ({3})");

        public static readonly DiagnosticDescriptor EmbeddingNotFirst = Error(
            "NG0043",
            "Embedding that is not the first layer",
            "Embedding layer {0} reads token ids, which only the network's input holds, but it comes after {1}; make it the first layer");

        public static readonly DiagnosticDescriptor CannotStream = Error(
            "NG0044",
            "Streaming requested where a layer cannot stream",
            "Network '{0}' asks for Streaming = true, but {1}; {2}");

        public static readonly DiagnosticDescriptor InternalError = Error(
            "NG0099",
            "NetGen internal error",
            "NetGen could not process this declaration ({0}); please report it with the declaration");

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = typeof(DiagnosticDescriptors)
            .GetFields()
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToDictionary(d => d.Id);

        public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values;

        public static DiagnosticDescriptor ById(string id) => s_byId.TryGetValue(id, out DiagnosticDescriptor? d) ? d : InternalError;

        /// <summary>
        /// The diagnostics about what a layer reads rather than about the layer itself: inside a block they depend on where the
        /// block is used, so they are reported at each use, and the others once, at the block.
        /// </summary>
        public static bool DependsOnShape(string id) => id is "NG0004" or "NG0006" or "NG0018" or "NG0020" or "NG0021" or "NG0030" or "NG0031"
            or "NG0032" or "NG0033" or "NG0035" or "NG0036" or "NG0037" or "NG0038" or "NG0041";

        public static string HelpLink(string id) => HelpLinkBase + id + ".md";

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

        private static DiagnosticDescriptor Warning(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
    }
}
