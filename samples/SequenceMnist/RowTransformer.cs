using NetGen;

namespace NetGen.Samples.SequenceMnist
{
    /// <summary>
    /// A small transformer encoder on MNIST read row by row: each of the 28 rows of 28 pixels to 64 values (a Dense layer
    /// per step), learned positions, two pre-norm blocks of self-attention (4 heads of 16) and an MLP (64 → 128 → 64, GELU),
    /// a final LayerNorm, the mean over the 28 steps, and a softmax over the 10 digits.
    /// </summary>
    [Network(SequenceLength = 28, Optimizer = Optimizer.AdamW)]
    [Dense(28, 64)]
    [PositionEmbedding(64)]
    [Residual(typeof(AttentionBlock))]
    [Residual(typeof(MlpBlock))]
    [Residual(typeof(AttentionBlock))]
    [Residual(typeof(MlpBlock))]
    [LayerNorm(64)]
    [GlobalAvgPool1D]
    [Dense(64, 10)][Softmax]
    public partial class RowTransformer
    {
        /// <summary>One line describing the topology, for the first line of the output.</summary>
        public static string Topology =>
            $"RowTransformer: {SequenceLength} rows of 28 pixels → 64, positions, 2 × (4-head attention, MLP 128) → mean → {OutputSize} "
            + $"(softmax, cross-entropy), {ParameterCount:N0} parameters, AdamW";
    }

    /// <summary>Pre-norm self-attention: x + attention(LayerNorm(x)), 4 heads of 16.</summary>
    [Block]
    [LayerNorm(64)]
    [MultiHeadAttention(64, 4)]
    public sealed class AttentionBlock { }

    /// <summary>Pre-norm MLP: x + W2·GELU(W1·LayerNorm(x)), 64 → 128 → 64.</summary>
    [Block]
    [LayerNorm(64)]
    [Dense(64, 128)][Gelu]
    [Dense(128, 64)]
    public sealed class MlpBlock { }
}
