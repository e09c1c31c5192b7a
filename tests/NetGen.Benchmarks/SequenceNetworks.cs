using NetGen;

namespace NetGen.Benchmarks
{
    /// <summary>Row-MNIST with an LSTM: each image read as 28 steps of 28 pixels (the recurrent comparison's first net).</summary>
    [Network(SequenceLength = 28)]
    [Lstm(28, 128)]
    [Dense(128, 10)][Softmax]
    public partial class RowLstm { }

    /// <summary>Row-MNIST with an LSTM and gradient checkpointing: the memory and time of recomputing the segments.</summary>
    [Network(SequenceLength = 28, Checkpointing = true)]
    [Lstm(28, 128)]
    [Dense(128, 10)][Softmax]
    public partial class RowLstmCheckpointed { }

    /// <summary>Row-MNIST with a GRU.</summary>
    [Network(SequenceLength = 28)]
    [Gru(28, 128)]
    [Dense(128, 10)][Softmax]
    public partial class RowGru { }

    /// <summary>The streaming case: LSTMCell(1, 32) and a Linear(32, 1), one sample per step.</summary>
    [Network(SequenceLength = 1)]
    [Lstm(1, 32)]
    [Dense(32, 1)][Identity]
    public partial class StreamLstm { }

    /// <summary>
    /// The TCN of samples/AddingProblem (8,197 parameters): a 1×1 convolution 2 → 12, seven residual causal convolutions
    /// (kernel 8, dilations 1-64), [LastStep], Dense(12, 1); streamed one step per call.
    /// </summary>
    [Network(SequenceLength = 600)]
    [Conv1D(2, 12, 1)][Relu]
    [Residual(typeof(TcnDilated1))][Relu]
    [Residual(typeof(TcnDilated2))][Relu]
    [Residual(typeof(TcnDilated4))][Relu]
    [Residual(typeof(TcnDilated8))][Relu]
    [Residual(typeof(TcnDilated16))][Relu]
    [Residual(typeof(TcnDilated32))][Relu]
    [Residual(typeof(TcnDilated64))][Relu]
    [LastStep]
    [Dense(12, 1)][Identity]
    public partial class StreamTcn { }

    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 1)][Relu]
    public sealed class TcnDilated1 { }

    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 2)][Relu]
    public sealed class TcnDilated2 { }

    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 4)][Relu]
    public sealed class TcnDilated4 { }

    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 8)][Relu]
    public sealed class TcnDilated8 { }

    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 16)][Relu]
    public sealed class TcnDilated16 { }

    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 32)][Relu]
    public sealed class TcnDilated32 { }

    [Block][Conv1D(12, 12, 8, Causal = true, Dilation = 64)][Relu]
    public sealed class TcnDilated64 { }

    /// <summary>
    /// Row-MNIST with the transformer encoder of samples/SequenceMnist (71,370 parameters), plain SGD as the other
    /// sequence nets here: the PyTorch peer is two nn.TransformerEncoderLayer(64, 4, 128, GELU, norm_first) between the same
    /// per-step Linear with positions and the same LayerNorm, mean and Linear.
    /// </summary>
    [Network(SequenceLength = 28)]
    [Dense(28, 64)]
    [PositionEmbedding(64)]
    [Residual(typeof(BenchAttentionBlock))]
    [Residual(typeof(BenchMlpBlock))]
    [Residual(typeof(BenchAttentionBlock))]
    [Residual(typeof(BenchMlpBlock))]
    [LayerNorm(64)]
    [GlobalAvgPool1D]
    [Dense(64, 10)][Softmax]
    public partial class RowTransformer { }

    [Block][LayerNorm(64)][MultiHeadAttention(64, 4)]
    public sealed class BenchAttentionBlock { }

    [Block][LayerNorm(64)][Dense(64, 128)][Gelu][Dense(128, 64)]
    public sealed class BenchMlpBlock { }
}
