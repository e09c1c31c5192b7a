using System;
using System.IO;
using NetGen;

namespace NetGen.Onnx.Tests
{
    /// <summary>What the tests need of a generated float network.</summary>
    public interface IFloatNet
    {
        Span<float> Parameters { get; }

        Span<float> Buffers { get; }

        void Predict(ReadOnlySpan<float> input, Span<float> output);

        void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

        void SaveOnnx(string path);

        void SaveOnnx(Stream stream);
    }

    /// <summary>What the tests need of a generated double network.</summary>
    public interface IDoubleNet
    {
        Span<double> Parameters { get; }

        Span<double> Buffers { get; }

        void Predict(ReadOnlySpan<double> input, Span<double> output);

        void PredictBatch(ReadOnlySpan<double> inputs, Span<double> outputs);

        void SaveOnnx(string path);

        void SaveOnnx(Stream stream);
    }

    // Dense networks: every activation, every head, both precisions.

    [Network]
    [Dense(6, 8)][Relu]
    [Dense(8, 7)][LeakyRelu]
    [Dense(7, 4)][Softmax]
    public partial class ReluLeakySoftmax : IFloatNet { }

    [Network]
    [Dense(5, 9)][Sigmoid]
    [Dense(9, 6)][Tanh]
    [Dense(6, 3)][Sigmoid]
    public partial class SigmoidTanhMultiLabel : IFloatNet { }

    [Network]
    [Dense(6, 8)][Gelu]
    [Dense(8, 5)][Silu]
    [Dense(5, 4)][Softmax]
    public partial class GeluSiluSoftmax : IFloatNet { }

    [Network(SequenceLength = 4)]
    [Dense(3, 5)][Gelu]
    [LayerNorm(5)]
    [Dense(5, 2)][Identity]
    public partial class PerStepNoRecurrence : IFloatNet { }

    [Network(SequenceLength = 5)]
    [Dense(4, 6)][Silu]
    [Dense(6, 3)][Softmax]
    public partial class PerStepSoftmax : IFloatNet { }

    [Network(SequenceLength = 4)]
    [Dense(3, 5)][Relu]
    [GlobalAvgPool1D]
    [Dense(5, 2)][Softmax]
    public partial class MeanPooledSoftmax : IFloatNet { }

    [Network(SequenceLength = 5)]
    [Gru(3, 6, ReturnSequences = true)]
    [GlobalAvgPool1D]
    [Dense(6, 2)][Softmax]
    public partial class GruMeanPooled : IFloatNet { }

    [Network]
    [Dense(4, 10)][LeakyRelu(0.2)]
    [Dense(10, 2)][Identity]
    public partial class LeakyRegression : IFloatNet { }

    [Network]
    [Dense(20, 33)][Relu]
    [Dense(33, 17)]
    [Dense(17, 10)][Softmax]
    public partial class WideLinearSoftmax : IFloatNet { }

    [Network(Precision = Precision.Double)]
    [Dense(6, 8)][Relu]
    [Dense(8, 4)][Softmax]
    public partial class DoubleSoftmax : IDoubleNet { }

    [Network(Precision = Precision.Double)]
    [Dense(5, 7)][Tanh]
    [Dense(7, 6)][Sigmoid]
    [Dense(6, 3)][Sigmoid]
    public partial class DoubleMultiLabel : IDoubleNet { }

    [Network(Precision = Precision.Double)]
    [Dense(4, 9)][LeakyRelu(0.2)]
    [Dense(9, 2)][Identity]
    public partial class DoubleLeakyRegression : IDoubleNet { }

    // Recurrent networks: every kind, many-to-one, many-to-many, stacked.

    [Network(SequenceLength = 4)]
    [Lstm(3, 5)]
    [Dense(5, 4)][Softmax]
    public partial class LstmToOne : IFloatNet { }

    [Network(SequenceLength = 5)]
    [Gru(3, 6)]
    [Dense(6, 2)][Identity]
    public partial class GruToOne : IFloatNet { }

    [Network(SequenceLength = 4)]
    [Rnn(3, 4, ReturnSequences = true)]
    [Dense(4, 3)][Softmax]
    public partial class RnnToMany : IFloatNet { }

    [Network(SequenceLength = 6)]
    [Lstm(2, 5, ReturnSequences = true)]
    [Dense(5, 4)][Tanh]
    [Dense(4, 2)][Sigmoid]
    public partial class LstmToMany : IFloatNet { }

    [Network(SequenceLength = 3)]
    [Gru(2, 3, ReturnSequences = true)]
    [Rnn(3, 4, ReturnSequences = true)]
    [Lstm(4, 5)]
    [Dense(5, 3)][Identity]
    public partial class StackedKinds : IFloatNet { }

    [Network(SequenceLength = 28)]
    [Lstm(28, 32)]
    [Dense(32, 10)][Softmax]
    public partial class RowMnistSmall : IFloatNet { }

    [Network(Precision = Precision.Double, SequenceLength = 4)]
    [Lstm(3, 5)]
    [Dense(5, 3)][Softmax]
    public partial class DoubleLstm : IDoubleNet { }

    [Network(Precision = Precision.Double, SequenceLength = 3)]
    [Gru(2, 4, ReturnSequences = true)]
    [Rnn(4, 3)]
    [Dense(3, 2)][Identity]
    public partial class DoubleGruRnn : IDoubleNet { }

    [Network]
    [Input(1, 28, 28)]
    [Conv2D(1, 6, 5, Padding = 2)][Relu][MaxPool2D(2)]
    [Conv2D(6, 16, 5)][Relu][MaxPool2D(2)]
    [Flatten]
    [Dense(400, 120)][Relu][Dropout(0.5)]
    [Dense(120, 84)][Relu]
    [Dense(84, 10)][Softmax]
    public partial class LeNet5 : IFloatNet { }

    [Network]
    [Input(2, 7, 9)]
    [Conv2D(2, 3, 3, Padding = 1)][Tanh]
    [MaxPool2D(2, Stride = 1)]
    [Conv2D(3, 4, 2, Stride = 2)][LeakyRelu(0.1)]
    [Flatten]
    [Dense(48, 5)]
    [Sigmoid]
    public partial class ConvOddMultiLabel : IFloatNet { }

    [Network(Precision = Precision.Double)]
    [Input(3, 5, 5)]
    [Conv2D(3, 4, 3, Stride = 2, Padding = 1)][Sigmoid][Dropout(0.2)]
    [Conv2D(4, 2, 3)]
    [Flatten]
    [Dense(2, 1)][Identity]
    public partial class DoubleConvRegression : IDoubleNet { }
}

namespace NetGen.Onnx.Tests
{
    // Graph networks: residuals (Add), batch normalization, layer normalization (opset 17), average pools.

    [Block]
    [Conv2D(4, 4, 3, Padding = 1, Bias = false)][BatchNorm2D(4)][Relu]
    [Conv2D(4, 4, 3, Padding = 1, Bias = false)][BatchNorm2D(4)]
    public sealed class Basic4 { }

    [Block]
    [Conv2D(4, 6, 3, Stride = 2, Padding = 1)][BatchNorm2D(6)][Relu]
    [Conv2D(6, 6, 3, Padding = 1)]
    public sealed class Down6 { }

    [Block]
    [Conv2D(4, 6, 1, Stride = 2)]
    public sealed class Project6 { }

    [Network]
    [Input(2, 8, 8)]
    [Conv2D(2, 4, 3, Padding = 1)][BatchNorm2D(4)][Relu]
    [Residual(typeof(Basic4))][Relu]
    [Residual(typeof(Down6), Shortcut = typeof(Project6))][LeakyRelu]
    [AvgPool2D(2)]
    [GlobalAvgPool2D]
    [Dense(6, 5)][Softmax]
    public partial class SmallResNet : IFloatNet { }

    [Block]
    [Dense(8, 8)][LayerNorm(8)][Tanh]
    [Dense(8, 8)]
    public sealed class NormBlock8 { }

    [Network]
    [Dense(5, 8)][BatchNorm1D(8)][Relu]
    [Residual(typeof(NormBlock8))][Sigmoid]
    [Dense(8, 3)][LayerNorm(3)]
    [Identity]
    public partial class NormsRegression : IFloatNet { }

    [Network(Precision = Precision.Double)]
    [Dense(5, 8)][BatchNorm1D(8)][Relu]
    [Residual(typeof(NormBlock8))][Tanh]
    [Dense(8, 4)][Softmax]
    public partial class DoubleNorms : IDoubleNet { }

    // Sequence convolutions: Conv over [N, C, T] between two Transposes, dilation, padding, causal (left) padding, a TCN residual.

    [Network(SequenceLength = 9)]
    [Conv1D(3, 4, 3)][Relu]
    [Conv1D(4, 5, 2, Dilation = 2, Padding = 1)][Gelu]
    [Dense(5, 2)][Identity]
    public partial class ConvPerStep : IFloatNet { }

    [Block]
    [Conv1D(4, 4, 3, Causal = true, Dilation = 2)][Relu]
    [Conv1D(4, 4, 3, Causal = true, Dilation = 4)]
    public sealed class Tcn4 { }

    [Network(SequenceLength = 12)]
    [Conv1D(2, 4, 2, Causal = true)][Relu]
    [Residual(typeof(Tcn4))][Relu]
    [GlobalAvgPool1D]
    [Dense(4, 3)][Softmax]
    public partial class TcnSoftmax : IFloatNet { }

    [Network(SequenceLength = 9)]
    [Conv1D(2, 4, 2, Causal = true, Dilation = 3)][Relu]
    [LastStep]
    [Dense(4, 3)][Softmax]
    public partial class LastStepSoftmax : IFloatNet { }

    // Attention: Gemm for q, k, v, Gather of each, MatMul, Mul by 1/√d_h, (Add the causal mask), Softmax, MatMul, Gemm.

    [Block]
    [LayerNorm(8)]
    [MultiHeadAttention(8, 2, Causal = true)]
    public sealed class CausalAttention8 { }

    [Block]
    [LayerNorm(8)]
    [Dense(8, 16)][Gelu]
    [Dense(16, 8)]
    public sealed class Mlp8 { }

    [Network(SequenceLength = 6)]
    [Dense(3, 8)]
    [Residual(typeof(CausalAttention8))]
    [Residual(typeof(Mlp8))]
    [LayerNorm(8)]
    [Dense(8, 4)][Softmax]
    public partial class TransformerPerStep : IFloatNet { }

    [Network(Precision = Precision.Double, SequenceLength = 5)]
    [MultiHeadAttention(4, 2)]
    [GlobalAvgPool1D]
    [Dense(4, 3)][Softmax]
    public partial class DoubleAttention : IDoubleNet { }

    [Network(SequenceLength = 6)]
    [Dense(3, 8)]
    [PositionEmbedding(8)]
    [MultiHeadAttention(8, 4)]
    [GlobalAvgPool1D]
    [Dense(8, 3)][Softmax]
    public partial class PositionedAttention : IFloatNet { }

    [Network(Precision = Precision.Double, SequenceLength = 7)]
    [Conv1D(2, 3, 3, Padding = 1)][Tanh]
    [Dense(3, 2)][Identity]
    public partial class DoubleConvPerStep : IDoubleNet { }

    // Token ids: Cast to int64, Gather of the embedding's rows.

    [Network(SequenceLength = 6)]
    [Embedding(13, 8)]
    [PositionEmbedding(8)]
    [Residual(typeof(CausalAttention8))]
    [LayerNorm(8)]
    [Dense(8, 13)][Softmax]
    public partial class TokenDecoder : IFloatNet { }

    [Network(Precision = Precision.Double, SequenceLength = 5)]
    [Embedding(9, 3)]
    [GlobalAvgPool1D]
    [Dense(3, 4)][Softmax]
    public partial class DoubleTokenBag : IDoubleNet { }
}
