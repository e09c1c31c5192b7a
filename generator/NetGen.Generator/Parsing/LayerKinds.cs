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
    /// How one kind of layer attribute is read: its name, its two integer constructor parameters (inputs per step, and
    /// outputs or hidden units) and how the model record is made from them and the attribute's named arguments.
    /// </summary>
    internal sealed class LayerKind
    {
        public LayerKind(string name, string outputsParameter, Func<int, int, AttributeData, LayerModel> create)
        {
            Name = name;
            Parameters = new[] { "inputs", outputsParameter };
            Create = create;
        }

        public string Name { get; }

        /// <summary>Names of the constructor's integer parameters, in order.</summary>
        public string[] Parameters { get; }

        public Func<int, int, AttributeData, LayerModel> Create { get; }
    }

    /// <summary>
    /// The parser's table of attributes: every attribute NetGen reads in a network's attribute lists, with its role and,
    /// for layers, its reader. Adding a layer kind adds one entry here (plus its attribute, model record and emitter).
    /// </summary>
    internal static class LayerKinds
    {
        private static readonly Dictionary<string, LayerKind> s_layers = new()
        {
            ["NetGen.DenseAttribute"] = new("Dense", "outputs", static (inputs, outputs, _) => new DenseModel(inputs, outputs, ActivationKind.Identity, 0)),
            ["NetGen.RnnAttribute"] = new("Rnn", "hidden", static (inputs, hidden, data) => new RnnModel(inputs, hidden, ReturnSequences(data))),
            ["NetGen.LstmAttribute"] = new("Lstm", "hidden", static (inputs, hidden, data) => new LstmModel(inputs, hidden, ReturnSequences(data))),
            ["NetGen.GruAttribute"] = new("Gru", "hidden", static (inputs, hidden, data) => new GruModel(inputs, hidden, ReturnSequences(data))),
        };

        private static readonly Dictionary<string, ActivationKind> s_activations = new()
        {
            ["NetGen.ReluAttribute"] = ActivationKind.Relu,
            ["NetGen.LeakyReluAttribute"] = ActivationKind.LeakyRelu,
            ["NetGen.SigmoidAttribute"] = ActivationKind.Sigmoid,
            ["NetGen.TanhAttribute"] = ActivationKind.Tanh,
        };

        private static readonly Dictionary<string, HeadKind> s_heads = new()
        {
            ["NetGen.SoftmaxAttribute"] = HeadKind.Softmax,
            ["NetGen.IdentityAttribute"] = HeadKind.Identity,
        };

        /// <summary>Whether NetGen reads this attribute (by full name) in a network's attribute lists.</summary>
        public static bool IsKnown(string fullName) => s_layers.ContainsKey(fullName) || s_activations.ContainsKey(fullName) || s_heads.ContainsKey(fullName);

        /// <summary>The short name as written, e.g. "Dense" for NetGen.DenseAttribute.</summary>
        public static string ShortName(string fullName) => fullName.Substring(fullName.LastIndexOf('.') + 1, fullName.Length - fullName.LastIndexOf('.') - 1 - "Attribute".Length);

        public static bool TryGetLayer(string fullName, out LayerKind kind) => s_layers.TryGetValue(fullName, out kind!);

        public static bool TryGetActivation(string fullName, out ActivationKind kind) => s_activations.TryGetValue(fullName, out kind);

        public static bool TryGetHead(string fullName, out HeadKind kind) => s_heads.TryGetValue(fullName, out kind);

        /// <summary>The ReturnSequences named argument of a recurrent layer (false when absent).</summary>
        private static bool ReturnSequences(AttributeData data)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
            {
                if (argument.Key == "ReturnSequences" && argument.Value.Value is bool value)
                {
                    return value;
                }
            }

            return false;
        }
    }
}
