namespace NetGen.Tests.Sequence
{
    /// <summary>A tiny causal language model: tokens, positions, causal attention, the next token's class at every step.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 5, Optimizer = Optimizer.AdamW)]
    [Embedding(7, 4)]
    [PositionEmbedding(4)]
    [MultiHeadAttention(4, 2, Causal = true)]
    [Dense(4, 7)][Softmax]
    public partial class TinyTokenModel { }

    /// <summary>A bag of tokens: the mean of their vectors, then one label per example.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 6)]
    [Embedding(9, 3)]
    [GlobalAvgPool1D]
    [Dense(3, 4)][Softmax]
    public partial class TokenBag { }

    /// <summary>Tokens into a causal convolution and a per-step classifier, in float: it streams one token per Step.</summary>
    [Network(SequenceLength = 8)]
    [Embedding(11, 4)]
    [Conv1D(4, 6, 3, Causal = true)][Relu]
    [Dense(6, 11)][Softmax]
    public partial class StreamingTokenModel { }

    /// <summary>A causal decoder in float: tokens, positions, a pre-norm attention block and MLP, streamed with the key/value cache.</summary>
    [Network(SequenceLength = 12)]
    [Embedding(10, 8)]
    [PositionEmbedding(8)]
    [Residual(typeof(AttentionSublayer))]
    [Residual(typeof(MlpSublayer))]
    [LayerNorm(8)]
    [Dense(8, 10)][Softmax]
    public partial class CachedDecoder { }

    /// <summary>Per-step layers only, streaming because it asks to: Step with an empty state, one token at a time.</summary>
    [Network(SequenceLength = 4, Streaming = true)]
    [Embedding(5, 3)]
    [Dense(3, 5)][Softmax]
    public partial class Bigram { }

    /// <summary>Pre-norm causal attention of 16 values, 4 heads.</summary>
    [Block]
    [LayerNorm(16)]
    [MultiHeadAttention(16, 4, Causal = true)]
    public sealed class Attention16 { }

    /// <summary>Pre-norm MLP 16 → 64 → 16.</summary>
    [Block]
    [LayerNorm(16)]
    [Dense(16, 64)][Gelu]
    [Dense(64, 16)]
    public sealed class Mlp16 { }

    /// <summary>A decoder with enough work per example (16 steps) that a batch of a few dozen is worth two threads.</summary>
    [Network(SequenceLength = 16, Optimizer = Optimizer.AdamW)]
    [Embedding(12, 16)]
    [PositionEmbedding(16)]
    [Residual(typeof(Attention16))]
    [Residual(typeof(Mlp16))]
    [Dense(16, 12)][Softmax]
    public partial class ParallelDecoder { }
}
