using NetGen;

namespace NetGen.Samples.CharTransformer
{
    /// <summary>
    /// A character-level, decoder-only transformer: 64 characters of context, each embedded to 64 values plus a learned
    /// position, two pre-norm blocks of causal self-attention (4 heads of 16) and an MLP (64 → 256 → 64, GELU), a final
    /// LayerNorm, and at every step a softmax over the 96 characters for the next one. Causal throughout, so it streams:
    /// Step feeds one character and gives the next one's probabilities, with a key/value cache.
    /// </summary>
    [Network(SequenceLength = 64, Optimizer = Optimizer.AdamW)]
    [Embedding(96, 64)]
    [PositionEmbedding(64)]
    [Residual(typeof(CausalAttention))]
    [Residual(typeof(Mlp))]
    [Residual(typeof(CausalAttention))]
    [Residual(typeof(Mlp))]
    [LayerNorm(64)]
    [Dense(64, 96)][Softmax]
    public partial class CharModel { }

    /// <summary>Pre-norm causal self-attention: x + attention(LayerNorm(x)), 4 heads of 16, the future masked.</summary>
    [Block]
    [LayerNorm(64)]
    [MultiHeadAttention(64, 4, Causal = true)]
    public sealed class CausalAttention { }

    /// <summary>Pre-norm MLP: x + W2·GELU(W1·LayerNorm(x)), 64 → 256 → 64.</summary>
    [Block]
    [LayerNorm(64)]
    [Dense(64, 256)][Gelu]
    [Dense(256, 64)]
    public sealed class Mlp { }
}
