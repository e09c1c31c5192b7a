using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>The readers of the layers that work over a sequence's steps: [GlobalAvgPool1D], [LastStep], [Conv1D], [MultiHeadAttention], [PositionEmbedding] and [Embedding].</summary>
    internal static class SequenceLayerReaders
    {
        public static LayerModel GlobalAvgPool1D(LayerReading r) =>
            FromSteps(r, "average", (features, steps) => new GlobalAvgPool1DModel(features, steps));

        public static LayerModel LastStep(LayerReading r) =>
            FromSteps(r, "take the last of", (features, steps) => new LastStepModel(features, steps));

        /// <summary>A layer that turns a sequence into one vector: it must read a sequence of vectors (not come first, not an image, not one vector).</summary>
        private static LayerModel FromSteps(LayerReading r, string verb, System.Func<int, int, LayerModel> create)
        {
            LocationInfo? at = LocationInfo.From(r.Syntax.GetLocation());
            if (r.Incoming is not { } incoming)
            {
                if (r.ReadsNetworkInput)
                {
                    r.Error(DiagnosticDescriptors.MissingInputShape, at, r.Kind, r.Label, r.NetworkName, $"comes first, so it has no steps of known width to {verb}", "put a layer that reads the input (a Dense or a recurrent layer) before it");
                }

                r.OutputKnown = false;
                return create(0, 0);
            }

            if (incoming.IsSpatial || r.IncomingRows <= 1)
            {
                string expects = incoming.IsSpatial
                    ? "a sequence of vectors (use [GlobalAvgPool2D] for an image)"
                    : "a sequence: set SequenceLength on [Network], or ReturnSequences = true on the recurrent layer before it";
                string produces = incoming.IsSpatial ? "a " + incoming + " image" : "one vector of " + incoming.Values + " values";
                r.Error(DiagnosticDescriptors.ShapeMismatch, at, r.Source, produces, r.Kind, r.Label, expects);
                r.OutputKnown = false;
                return create((int)incoming.Values, 1);
            }

            return create((int)incoming.Values, r.IncomingRows);
        }

        /// <summary>
        /// [Conv1D(inChannels, outChannels, kernelSize)]: positive sizes, Dilation ≥ 1, Padding ≥ 0 and not with Causal, a
        /// sequence of inChannels values per step to read, and a window that fits it (the output keeps at least one step).
        /// </summary>
        public static LayerModel Conv1D(LayerReading r)
        {
            int inChannels = r.Int(0);
            int outChannels = r.Int(1);
            int kernel = r.Int(2);
            int dilation = r.NamedInt("Dilation", 1);
            int padding = r.NamedInt("Padding", 0);
            bool causal = r.NamedBool("Causal");
            bool sizes = r.Positive(0, "inChannels") & r.Positive(1, "outChannels") & r.Positive(2, "kernelSize");
            if (dilation < 1)
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.AtNamed("Dilation"), r.Kind, r.Label, "Dilation", Int(dilation), "it must be at least 1");
                sizes = false;
            }

            if (padding < 0 || (causal && padding != 0))
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.AtNamed("Padding"), r.Kind, r.Label, "Padding", Int(padding), causal
                    ? "a causal convolution pads (kernelSize − 1)·dilation steps on the left itself; leave Padding at 0"
                    : "it must be at least 0");
                sizes = false;
            }

            long span = sizes ? ((long)dilation * (kernel - 1)) + 1 : 1;
            long left = causal ? span - 1 : padding;
            long right = causal ? 0 : padding;
            int steps = r.SequenceLength == 0 ? 0 : r.IncomingRows;
            if (!ExpectSequence(r, inChannels, "a sequence of " + Int(inChannels) + " channels per step (Conv2D reads images)"))
            {
                sizes = false;
            }
            else if (sizes && !causal && padding >= span)
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.AtNamed("Padding"), r.Kind, r.Label, "Padding", Int(padding), string.Format(CultureInfo.InvariantCulture, "it must be less than the {0} steps the window spans (dilation·(kernelSize − 1) + 1), or the outer steps would read only zeros", span));
                sizes = false;
            }
            else if (sizes && steps > 0 && steps + left + right < span)
            {
                string padded = left + right > 0 ? string.Format(CultureInfo.InvariantCulture, " ({0} with its {1} zero steps)", steps + left + right, left + right) : string.Empty;
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.At(2), r.Kind, r.Label, "kernelSize", Int(kernel), string.Format(CultureInfo.InvariantCulture, "with dilation {0} its window spans {1} steps, more than the {2} steps it reads{3}", dilation, span, steps, padded));
                sizes = false;
            }

            else if (sizes && causal && steps > 0 && span - 1 >= steps)
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.At(2), r.Kind, r.Label, "kernelSize", Int(kernel), string.Format(CultureInfo.InvariantCulture, "with dilation {0} its window reaches {1} steps back, as far as or beyond the {2} steps of the sequence, so its oldest taps would only ever read zeros; make the dilation or the kernel smaller", dilation, span - 1, steps));
                sizes = false;
            }
            else if (sizes && steps + left + right - span + 1 > NetworkParser.MaxSequenceLength)
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.AtNamed("Padding"), r.Kind, r.Label, "Padding", Int(padding), string.Format(CultureInfo.InvariantCulture, "the output would have {0} steps; at most {1}", steps + left + right - span + 1, NetworkParser.MaxSequenceLength));
                sizes = false;
            }

            r.OutputKnown &= sizes && steps > 0;
            return new Conv1DModel(inChannels, outChannels, kernel, dilation, (int)left, (int)right, steps, causal);
        }

        /// <summary>[MultiHeadAttention(dim, heads)]: positive sizes, heads dividing dim (NG0042), a sequence of dim values per step to read.</summary>
        public static LayerModel MultiHeadAttention(LayerReading r)
        {
            int dim = r.Int(0);
            int heads = r.Int(1);
            bool valid = r.Positive(0, "dim") & r.Positive(1, "heads");
            if (valid && dim % heads != 0)
            {
                var divisors = Enumerable.Range(1, dim).Where(h => dim % h == 0).Select(h => h.ToString(CultureInfo.InvariantCulture)).ToList();
                string list = divisors.Count == 1 ? divisors[0] : string.Join(", ", divisors.Take(divisors.Count - 1)) + " or " + divisors[divisors.Count - 1];
                r.Error(DiagnosticDescriptors.HeadsDoNotDivide, r.At(1), r.Label, Int(dim), Int(heads), list);
                valid = false;
            }

            valid &= ExpectSequence(r, dim, "a sequence of " + Int(dim) + " values per step");
            int steps = r.SequenceLength == 0 ? 0 : r.IncomingRows;
            r.OutputKnown &= valid && steps > 0;
            return new MultiHeadAttentionModel(dim, heads, steps, r.NamedBool("Causal"));
        }

        /// <summary>The largest vocabulary: every id below it is a whole number a float holds exactly (2²⁴).</summary>
        public const int MaxVocabulary = 1 << 24;

        /// <summary>
        /// [Embedding(vocabulary, dim)]: positive sizes, a vocabulary whose ids a float holds exactly, and the network's input to
        /// read (NG0043 after another layer; NG0031 after an [Input] image).
        /// </summary>
        public static LayerModel Embedding(LayerReading r)
        {
            int vocabulary = r.Int(0);
            int dim = r.Int(1);
            bool valid = r.Positive(0, "vocabulary") & r.Positive(1, "dim");
            if (valid && vocabulary > MaxVocabulary)
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.At(0), r.Kind, r.Label, "vocabulary", Int(vocabulary), "token ids travel as the network's floating-point values, exact up to 16,777,216 (2²⁴) ids");
                valid = false;
            }

            if (!r.ReadsNetworkInput)
            {
                r.Error(DiagnosticDescriptors.EmbeddingNotFirst, LocationInfo.From(r.Syntax.GetLocation()), r.Label, r.Source);
                valid = false;
            }
            else if (r.Incoming is { } shape)
            {
                r.Error(DiagnosticDescriptors.ShapeMismatch, LocationInfo.From(r.Syntax.GetLocation()), r.Source, "a " + shape + " image", r.Kind, r.Label, "token ids (remove [Input])");
                valid = false;
            }

            int steps = r.SequenceLength;
            r.OutputKnown &= valid && steps > 0;
            return new EmbeddingModel(vocabulary, dim, steps);
        }

        /// <summary>[PositionEmbedding(dim)]: a positive size and a sequence of dim values per step to add the table to.</summary>
        public static LayerModel PositionEmbedding(LayerReading r)
        {
            int dim = r.Int(0);
            bool valid = r.Positive(0, "dim");
            valid &= ExpectSequence(r, dim, "a sequence of " + Int(dim) + " values per step");
            int steps = r.SequenceLength == 0 ? 0 : r.IncomingRows;
            r.OutputKnown &= valid && steps > 0;
            return new PositionEmbeddingModel(dim, steps);
        }

        /// <summary>
        /// For the layers that read the steps of a sequence: not an image (NG0031 saying what it <paramref name="expects"/>), not
        /// one vector after a layer that reduced the steps (NG0031), <paramref name="values"/> values per step (NG0004). False
        /// when it reported one. Without a SequenceLength at all, NG0018 is the network's check.
        /// </summary>
        private static bool ExpectSequence(LayerReading r, int values, string expects)
        {
            if (r.Incoming is { IsSpatial: true } image)
            {
                r.Error(DiagnosticDescriptors.ShapeMismatch, LocationInfo.From(r.Syntax.GetLocation()), r.Source, "a " + image + " image", r.Kind, r.Label, expects);
                return false;
            }

            if (r.SequenceLength > 1 && r.IncomingRows <= 1)
            {
                r.Error(DiagnosticDescriptors.ShapeMismatch, LocationInfo.From(r.Syntax.GetLocation()), r.Source, "one vector of " + (r.Incoming?.Values ?? 0).ToString(CultureInfo.InvariantCulture) + " values", r.Kind, r.Label, "a sequence (put it before the layer that reduces the steps)");
                return false;
            }

            if (r.Incoming is { } incoming && values > 0 && incoming.Values != values)
            {
                r.Error(DiagnosticDescriptors.SizeMismatch, r.At(0), r.Kind, r.Label, Int(values), incoming.Values.ToString(CultureInfo.InvariantCulture));
                return false;
            }

            return true;
        }

        /// <summary>A [Conv1D] as written (as <see cref="Conv1DModel.Streaming"/>): one tap reads step t alone; causal, it keeps a state; else it reads steps to come.</summary>
        public static StreamRole Conv1DStreaming(AttributeData data)
        {
            bool causal = IsCausal(data);
            bool oneTap = data.ConstructorArguments.Length == 3 && data.ConstructorArguments[2].Value is 1;
            return oneTap ? StreamRole.Stateless : causal ? StreamRole.Stateful : StreamRole.Never;
        }

        /// <summary>Whether the attribute, as written, sets Causal = true.</summary>
        public static bool IsCausal(AttributeData data) => data.NamedArguments.Any(a => a.Key == "Causal" && a.Value.Value is true);

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
