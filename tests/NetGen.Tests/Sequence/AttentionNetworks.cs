namespace NetGen.Tests.Sequence
{
    /// <summary>Attention after a per-step Dense layer, an output per step (two heads of 4).</summary>
    [Network(Precision = Precision.Double, SequenceLength = 5)]
    [Dense(3, 8)]
    [MultiHeadAttention(8, 2)]
    [Dense(8, 2)][Identity]
    public partial class AttentionPerStep { }

    /// <summary>Causal attention with four heads of 2, then the mean over the steps and a classifier.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 6)]
    [Dense(3, 8)][Tanh]
    [MultiHeadAttention(8, 4, Causal = true)]
    [GlobalAvgPool1D]
    [Dense(8, 3)][Softmax]
    public partial class CausalAttentionClassifier { }

    /// <summary>Attention reading the network's input: no δ of an input to compute.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 4)]
    [MultiHeadAttention(4, 2, Causal = true)]
    [Dense(4, 2)][Identity]
    public partial class AttentionFirst { }

    /// <summary>Pre-norm self-attention: y = x + attention(LayerNorm(x)).</summary>
    [Block]
    [LayerNorm(8)]
    [MultiHeadAttention(8, 2, Causal = true)]
    public sealed class AttentionSublayer { }

    /// <summary>Pre-norm MLP: y = x + W2·GELU(W1·LayerNorm(x)).</summary>
    [Block]
    [LayerNorm(8)]
    [Dense(8, 16)][Gelu]
    [Dense(16, 8)]
    public sealed class MlpSublayer { }

    /// <summary>A small decoder-only transformer block, a label per step, trained with AdamW.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 5, Optimizer = Optimizer.AdamW)]
    [Dense(3, 8)]
    [Residual(typeof(AttentionSublayer))]
    [Residual(typeof(MlpSublayer))]
    [LayerNorm(8)]
    [Dense(8, 3)][Softmax]
    public partial class TinyTransformer { }

    /// <summary><see cref="TinyTransformer"/> in float.</summary>
    [Network(SequenceLength = 5)]
    [Dense(3, 8)]
    [Residual(typeof(AttentionSublayer))]
    [Residual(typeof(MlpSublayer))]
    [LayerNorm(8)]
    [Dense(8, 3)][Softmax]
    public partial class TinyTransformerFloat { }

    /// <summary>Pre-norm self-attention without a mask, as an encoder's.</summary>
    [Block]
    [LayerNorm(8)]
    [MultiHeadAttention(8, 2)]
    public sealed class EncoderAttention { }

    /// <summary>An encoder as the row-MNIST transformer's: positions, attention and MLP blocks, the mean over the steps; AdamW.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 5, Optimizer = Optimizer.AdamW)]
    [Dense(3, 8)]
    [PositionEmbedding(8)]
    [Residual(typeof(EncoderAttention))]
    [Residual(typeof(MlpSublayer))]
    [LayerNorm(8)]
    [GlobalAvgPool1D]
    [Dense(8, 3)][Softmax]
    public partial class PositionedEncoder { }

    /// <summary>Positions added to the network's input: no δ of an input to compute.</summary>
    [Network(Precision = Precision.Double, SequenceLength = 4)]
    [PositionEmbedding(3)]
    [Dense(3, 2)][Identity]
    public partial class PositionFirst { }
}
