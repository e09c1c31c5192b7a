using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>What an attribute in a network's list is.</summary>
    internal enum AttributeRole
    {
        /// <summary>A layer with parameters: [Dense], [Lstm], … (a <see cref="LayerKind"/>).</summary>
        Layer,

        /// <summary>A function applied to the Dense layer before it: [Relu], [Tanh], …</summary>
        Activation,

        /// <summary>An output head: [Softmax], [Identity] (and [Sigmoid] as the very last attribute).</summary>
        Head,
    }

    /// <summary>
    /// How one kind of layer attribute is read: its name, its constructor parameters (integers, or one number for
    /// [Dropout]) and its reader, which checks the arguments and the shape the layer receives and makes the model.
    /// </summary>
    internal sealed class LayerKind
    {
        public LayerKind(string name, string[] parameters, System.Func<LayerReading, LayerModel> read, bool integers = true, bool recurrent = false, bool reducesSteps = false, System.Func<AttributeData, StreamRole>? streaming = null, bool readsTokens = false)
        {
            ReadsTokens = readsTokens;
            _streaming = streaming;
            Name = name;
            Parameters = parameters;
            Read = read;
            Integers = integers;
            Recurrent = recurrent;
            ReducesSteps = reducesSteps;
        }

        public string Name { get; }

        /// <summary>Names of the constructor's parameters, in order.</summary>
        public string[] Parameters { get; }

        /// <summary>Whether the parameters are integers (else a double each).</summary>
        public bool Integers { get; }

        /// <summary>Whether the kind is recurrent (it has ReturnSequences), for the stub of a broken declaration.</summary>
        public bool Recurrent { get; }

        /// <summary>Whether the kind turns a sequence into one vector (no output per step, nothing to stream), for the stub.</summary>
        public bool ReducesSteps { get; }

        /// <summary>Whether the kind reads token ids (an embedding): a network that starts with it takes ints too, for the stub.</summary>
        public bool ReadsTokens { get; }

        public System.Func<LayerReading, LayerModel> Read { get; }

        private readonly System.Func<AttributeData, StreamRole>? _streaming;

        /// <summary>What a layer of this kind, as written, does to streaming, for the stub of a broken declaration (the model says it for a valid one).</summary>
        public StreamRole StreamingOf(AttributeData data) =>
            _streaming?.Invoke(data) ?? (Recurrent ? StreamRole.Stateful : ReducesSteps ? StreamRole.Never : StreamRole.Stateless);
    }

    /// <summary>
    /// The parser's table of attributes: every attribute NetGen reads in a network's attribute lists, with its role and,
    /// for layers, its reader. Adding a layer kind adds one entry here (plus its attribute, model record and emitter).
    /// </summary>
    internal static class LayerKinds
    {
        private static readonly Dictionary<string, LayerKind> s_layers = new()
        {
            ["NetGen.DenseAttribute"] = new("Dense", new[] { "inputs", "outputs" }, LayerReaders.Dense),
            ["NetGen.RnnAttribute"] = new("Rnn", new[] { "inputs", "hidden" }, r => LayerReaders.Recurrent(r, (i, h, s) => new RnnModel(i, h, s)), recurrent: true),
            ["NetGen.LstmAttribute"] = new("Lstm", new[] { "inputs", "hidden" }, r => LayerReaders.Recurrent(r, (i, h, s) => new LstmModel(i, h, s)), recurrent: true),
            ["NetGen.GruAttribute"] = new("Gru", new[] { "inputs", "hidden" }, r => LayerReaders.Recurrent(r, (i, h, s) => new GruModel(i, h, s)), recurrent: true),
            ["NetGen.Conv2DAttribute"] = new("Conv2D", new[] { "inChannels", "outChannels", "kernelSize" }, ImageLayerReaders.Conv2D),
            ["NetGen.MaxPool2DAttribute"] = new("MaxPool2D", new[] { "size" }, ImageLayerReaders.MaxPool2D),
            ["NetGen.FlattenAttribute"] = new("Flatten", System.Array.Empty<string>(), ImageLayerReaders.Flatten),
            ["NetGen.DropoutAttribute"] = new("Dropout", new[] { "probability" }, ImageLayerReaders.Dropout, integers: false),
            ["NetGen.AvgPool2DAttribute"] = new("AvgPool2D", new[] { "size" }, ImageLayerReaders.AvgPool2D),
            ["NetGen.GlobalAvgPool2DAttribute"] = new("GlobalAvgPool2D", System.Array.Empty<string>(), ImageLayerReaders.GlobalAvgPool2D),
            ["NetGen.BatchNorm2DAttribute"] = new("BatchNorm2D", new[] { "channels" }, NormalizationReaders.BatchNorm2D),
            ["NetGen.BatchNorm1DAttribute"] = new("BatchNorm1D", new[] { "features" }, NormalizationReaders.BatchNorm1D),
            ["NetGen.LayerNormAttribute"] = new("LayerNorm", new[] { "features" }, NormalizationReaders.LayerNorm),
            ["NetGen.GlobalAvgPool1DAttribute"] = new("GlobalAvgPool1D", System.Array.Empty<string>(), SequenceLayerReaders.GlobalAvgPool1D, reducesSteps: true),
            ["NetGen.LastStepAttribute"] = new("LastStep", System.Array.Empty<string>(), SequenceLayerReaders.LastStep, reducesSteps: true, streaming: _ => StreamRole.Stateless),
            ["NetGen.MultiHeadAttentionAttribute"] = new("MultiHeadAttention", new[] { "dim", "heads" }, SequenceLayerReaders.MultiHeadAttention, streaming: data => SequenceLayerReaders.IsCausal(data) ? StreamRole.Stateful : StreamRole.Never),
            ["NetGen.PositionEmbeddingAttribute"] = new("PositionEmbedding", new[] { "dim" }, SequenceLayerReaders.PositionEmbedding, streaming: _ => StreamRole.Stateful),
            ["NetGen.EmbeddingAttribute"] = new("Embedding", new[] { "vocabulary", "dim" }, SequenceLayerReaders.Embedding, readsTokens: true),
            ["NetGen.Conv1DAttribute"] = new("Conv1D", new[] { "inChannels", "outChannels", "kernelSize" }, SequenceLayerReaders.Conv1D, streaming: SequenceLayerReaders.Conv1DStreaming),
        };

        /// <summary>[Residual(typeof(B), Shortcut = typeof(S))]: y = S(x) + B(x), read by the graph builder (it expands blocks).</summary>
        public const string ResidualAttribute = "NetGen.ResidualAttribute";

        /// <summary>[Input(channels, height, width)]: the shape of an example, for networks that start with image layers.</summary>
        public const string InputAttribute = "NetGen.InputAttribute";

        /// <summary>[Input]'s constructor parameters.</summary>
        public static readonly string[] InputParameters = { "channels", "height", "width" };

        private static readonly Dictionary<string, ActivationKind> s_activations = new()
        {
            ["NetGen.ReluAttribute"] = ActivationKind.Relu,
            ["NetGen.LeakyReluAttribute"] = ActivationKind.LeakyRelu,
            ["NetGen.SigmoidAttribute"] = ActivationKind.Sigmoid,
            ["NetGen.TanhAttribute"] = ActivationKind.Tanh,
            ["NetGen.GeluAttribute"] = ActivationKind.Gelu,
            ["NetGen.SiluAttribute"] = ActivationKind.Silu,
        };

        private static readonly Dictionary<string, HeadKind> s_heads = new()
        {
            ["NetGen.SoftmaxAttribute"] = HeadKind.Softmax,
            ["NetGen.IdentityAttribute"] = HeadKind.Identity,
        };

        /// <summary>Whether NetGen reads this attribute (by full name) in a network's attribute lists.</summary>
        public static bool IsKnown(string fullName) => fullName == InputAttribute || fullName == ResidualAttribute || s_layers.ContainsKey(fullName) || s_activations.ContainsKey(fullName) || s_heads.ContainsKey(fullName);

        /// <summary>The short name as written, e.g. "Dense" for NetGen.DenseAttribute.</summary>
        public static string ShortName(string fullName) => fullName.Substring(fullName.LastIndexOf('.') + 1, fullName.Length - fullName.LastIndexOf('.') - 1 - "Attribute".Length);

        /// <summary>Whether the attribute is a layer of the list: a layer kind or a [Residual].</summary>
        public static bool IsLayerOrResidual(string fullName) => fullName == ResidualAttribute || s_layers.ContainsKey(fullName);

        public static bool TryGetLayer(string fullName, out LayerKind kind) => s_layers.TryGetValue(fullName, out kind!);

        public static bool TryGetActivation(string fullName, out ActivationKind kind) => s_activations.TryGetValue(fullName, out kind);

        public static bool TryGetHead(string fullName, out HeadKind kind) => s_heads.TryGetValue(fullName, out kind);
    }
}
