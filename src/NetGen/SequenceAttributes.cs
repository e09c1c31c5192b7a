using System;

namespace NetGen
{
    /// <summary>
    /// Global average pooling over time: a sequence of T steps of F values to the F means over the steps (PyTorch:
    /// <c>x.mean(dim=1)</c> on [N, T, F]). It follows a layer that writes a sequence: one that applies per step in a
    /// network with <c>SequenceLength = T</c>, or a recurrent layer with <c>ReturnSequences = true</c>. The layers after
    /// it read one vector, so the network has one output per example.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class GlobalAvgPool1DAttribute : Attribute
    {
    }

    /// <summary>
    /// A 1-D convolution over the steps of a sequence (PyTorch's <c>nn.Conv1d</c>, stride 1):
    /// y[t, o] = b[o] + Σ_c Σ_k W[o, c, k] · x[t + k·dilation − left, c], with x read as 0 before its first step and
    /// after its last. The layout per example stays time-major: T rows of channels, as every sequence value in NetGen.
    /// The weights are stored [outChannels, inChannels, kernelSize], as <c>nn.Conv1d</c>'s. Without padding the output
    /// is shorter than the input, T′ = T + 2·padding − dilation·(kernelSize − 1), as in PyTorch; <see cref="Causal"/>
    /// keeps T steps and lets step t read only steps up to t (a network of causal layers streams, one step per call).
    /// An activation attribute after it ([Relu], …) applies to its output.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class Conv1DAttribute : Attribute
    {
        /// <summary>A convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels with a kernel of <paramref name="kernelSize"/> taps.</summary>
        public Conv1DAttribute(int inChannels, int outChannels, int kernelSize)
        {
            InChannels = inChannels;
            OutChannels = outChannels;
            KernelSize = kernelSize;
        }

        /// <summary>Channels read per step (the previous layer's outputs, or the input's features).</summary>
        public int InChannels { get; }

        /// <summary>Channels written per step: one kernel each.</summary>
        public int OutChannels { get; }

        /// <summary>Taps of each kernel.</summary>
        public int KernelSize { get; }

        /// <summary>Steps between two taps of the kernel (default 1); a TCN doubles it from one layer to the next.</summary>
        public int Dilation { get; set; } = 1;

        /// <summary>Zero steps added before the first step and after the last (default 0), as <c>nn.Conv1d</c>'s padding.</summary>
        public int Padding { get; set; }

        /// <summary>
        /// Whether the convolution is causal (default false): (kernelSize − 1)·dilation zero steps are added before the
        /// first step only, as in TCN and WaveNet, so the output keeps T steps and step t depends on steps up to t.
        /// </summary>
        public bool Causal { get; set; }
    }

    /// <summary>
    /// The last step of a sequence: T steps of F values to the F values of step T (PyTorch: <c>x[:, -1]</c> on [N, T, F]),
    /// as a TCN reads its prediction for a whole sequence off its last step. It follows a layer that writes a sequence; the
    /// layers after it read one vector, so the network has one output per example. A network that streams keeps
    /// streaming through it: step t's output is then the prediction for the sequence so far.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class LastStepAttribute : Attribute
    {
    }

    /// <summary>
    /// Multi-head self-attention over the steps of a sequence, as PyTorch's
    /// <c>nn.MultiheadAttention(dim, heads, batch_first=True)</c> with query = key = value: per step q, k, v =
    /// W_in·x + b_in (split into <c>heads</c> heads of dim/heads values), per head the scores q·kᵀ/√(dim/heads) over the
    /// steps, a softmax per row, the mix of the v's, and W_out·(the heads side by side) + b_out. Tensors
    /// <c>in_proj_weight</c> [3·dim, dim], <c>in_proj_bias</c> [3·dim], <c>out_proj.weight</c> [dim, dim] and
    /// <c>out_proj.bias</c> [dim]. Training stores the T × T probabilities of every head per example: memory grows with T².
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class MultiHeadAttentionAttribute : Attribute
    {
        /// <summary>Attention over steps of <paramref name="dim"/> values with <paramref name="heads"/> heads (dim must be a multiple of heads).</summary>
        public MultiHeadAttentionAttribute(int dim, int heads)
        {
            Dim = dim;
            Heads = heads;
        }

        /// <summary>Values per step, in and out.</summary>
        public int Dim { get; }

        /// <summary>Heads: each attends with dim/heads of the values.</summary>
        public int Heads { get; }

        /// <summary>Whether step t attends only to steps up to t (default false), as a decoder's mask of the future.</summary>
        public bool Causal { get; set; }
    }

    /// <summary>
    /// A learned position embedding: a table of T × dim values (T the network's steps), row t added to step t of every
    /// example, as a transformer adds its positions to its tokens' vectors before attention. Tensor <c>weight</c> [T, dim],
    /// initialized N(0, 0.02²) as GPT-2's.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class PositionEmbeddingAttribute : Attribute
    {
        /// <summary>Positions for steps of <paramref name="dim"/> values.</summary>
        public PositionEmbeddingAttribute(int dim)
        {
            Dim = dim;
        }

        /// <summary>Values per step.</summary>
        public int Dim { get; }
    }

    /// <summary>
    /// A token embedding, the first layer of a network over token ids (<c>nn.Embedding(vocabulary, dim)</c>): an example is
    /// <c>SequenceLength</c> ids, each in [0, vocabulary), and step t's output is row id_t of a learned vocabulary × dim
    /// table. Tensor <c>weight</c> [vocabulary, dim], initialized N(0, 1) as PyTorch's.
    /// </summary>
    /// <remarks>
    /// A network that starts with it has, besides the members of every network (whose inputs then hold the ids as exact
    /// values of the network's type), overloads taking <see cref="int"/> tokens: <c>Predict(ReadOnlySpan&lt;int&gt; tokens,
    /// Span&lt;T&gt; output)</c>, <c>PredictBatch</c>, <c>Classify</c>, <c>Loss</c>, <c>Train</c> and <c>Gradient</c>, and
    /// it implements <see cref="ITokenNetwork{TSelf, T}"/>. <c>InputSize</c> is the number of steps. A token outside
    /// [0, vocabulary), or an input value that is not a whole number, is an <see cref="System.ArgumentOutOfRangeException"/>
    /// naming its position and value, thrown before anything changes.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class EmbeddingAttribute : Attribute
    {
        /// <summary>An embedding of <paramref name="vocabulary"/> tokens into <paramref name="dim"/> values.</summary>
        public EmbeddingAttribute(int vocabulary, int dim)
        {
            Vocabulary = vocabulary;
            Dim = dim;
        }

        /// <summary>Distinct tokens: ids run from 0 to vocabulary − 1.</summary>
        public int Vocabulary { get; }

        /// <summary>Values per step out.</summary>
        public int Dim { get; }
    }
}
