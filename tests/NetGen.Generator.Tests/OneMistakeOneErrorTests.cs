using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>
    /// Declarations that used to give errors inside generated code, or a second error beside the real one: each is now one
    /// NG error (or none, when the declaration is valid) and no other error in the whole build.
    /// </summary>
    public class OneMistakeOneErrorTests
    {
        /// <summary>A network without parameters (pooling only) is valid: it builds, with an empty model file.</summary>
        [Fact]
        public void A_network_without_parameters_builds()
        {
            GeneratorHarness.Result result = GeneratorHarness.Run("using NetGen; [Network][Input(1, 4, 4)][MaxPool2D(2)][Flatten][Softmax] public partial class Net { }");
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        }

        [Theory]
        [InlineData("[Network][Dense(2, 4)][LeakyRelu(4e38)][Dense(4, 2)][Softmax]", "NG0013", "slope 4E+38 must be")]
        [InlineData("[Network][Input(3, 1024, 1024)][Conv2D(3, 4, 3)][Flatten][Dense(4161024, 2)][Softmax]", "NG0006", "3,145,728 input values")]
        [InlineData("[Network][Input(0, 4, 4)][Conv2D(1, 4, 3)][Flatten][Dense(16, 2)][Softmax]", "NG0005", "channels = 0")]
        [InlineData("[Network][Dropout(0.5)][Dense(4, 2)][Softmax]", "NG0030", "Dropout layer 0 comes first")]
        [InlineData("[Network][Dense(3, 4)][GlobalAvgPool1D][Dense(4, 2)][Softmax]", "NG0031", "expects a sequence: set SequenceLength")]
        [InlineData("[Network][Input(1, 4, 4)][Conv2D(1, 2, 3)][GlobalAvgPool1D][Dense(2, 2)][Softmax]", "NG0031", "use [GlobalAvgPool2D] for an image")]
        [InlineData("[Network(SequenceLength = 3)][GlobalAvgPool1D][Dense(2, 2)][Softmax]", "NG0030", "GlobalAvgPool1D layer 0 comes first")]
        [InlineData("[Network][Conv1D(3, 4, 3)][Dense(4, 2)][Softmax]", "NG0018", "Conv1D layer 0 reads a sequence")]
        [InlineData("[Network][Dense(3, 4)][PositionEmbedding(4)][Dense(4, 2)][Softmax]", "NG0018", "PositionEmbedding layer 1 reads a sequence")]
        [InlineData("[Network(SequenceLength = 4)][Dense(3, 4)][Embedding(9, 4)][Dense(4, 2)][Softmax]", "NG0043", "Embedding layer 1 reads token ids, which only the network's input holds, but it comes after Dense layer 0")]
        [InlineData("[Network][Embedding(9, 4)][Dense(4, 2)][Softmax]", "NG0018", "Embedding layer 0 reads a sequence")]
        [InlineData("[Network(SequenceLength = 4)][Embedding(16777217, 1)][Dense(1, 2)][Softmax]", "NG0034", "exact up to 16,777,216")]
        [InlineData("[Network(SequenceLength = 4)][Embedding(0, 4)][Dense(4, 2)][Softmax]", "NG0005", "vocabulary = 0")]
        [InlineData("[Network(SequenceLength = 4, Streaming = true)][Embedding(9, 4)][MultiHeadAttention(4, 2)][MultiHeadAttention(4, 2, Causal = true)][Dense(4, 9)][Softmax]", "NG0044", "[MultiHeadAttention(4, 2)] needs steps that have not come yet")]
        [InlineData("[Network(SequenceLength = 6, Streaming = true)][Conv1D(2, 4, 3)][Conv1D(4, 4, 2, Causal = true)][Dense(4, 2)][Softmax]", "NG0044", "[Conv1D(2, 4, 3)] needs steps")]
        [InlineData("[Network(SequenceLength = 6, Streaming = true)][Lstm(2, 4, ReturnSequences = true)][GlobalAvgPool1D][Dense(4, 2)][Softmax]", "NG0044", "[GlobalAvgPool1D] needs steps")]
        [InlineData("[Network(Streaming = true)][Dense(2, 4)][Dense(4, 2)][Softmax]", "NG0044", "it has no SequenceLength")]
        [InlineData("[Network(SequenceLength = 4)][Embedding(9, 4)][Dense(5, 2)][Softmax]", "NG0004", "Dense layer 1 takes 5 inputs, but the layer before it produces 4")]
        [InlineData("[Network(SequenceLength = 4)][Input(1, 2, 2)][Embedding(9, 4)][Dense(4, 2)][Softmax]", "NG0031", "Embedding layer 0 expects token ids")]
        [InlineData("[Network(SequenceLength = 4)][Dense(3, 4)][PositionEmbedding(5)][Dense(5, 2)][Softmax]", "NG0004", "PositionEmbedding layer 1 takes 5 inputs, but the layer before it produces 4")]
        [InlineData("[Network(SequenceLength = 4)][Dense(3, 6)][MultiHeadAttention(6, 4)][Dense(6, 2)][Softmax]", "NG0042", "dim = 6 and heads = 4; each head takes dim/heads values, so dim must be a multiple of heads (1, 2, 3 or 6)")]
        [InlineData("[Network][Dense(3, 4)][MultiHeadAttention(4, 2)][Dense(4, 2)][Softmax]", "NG0018", "MultiHeadAttention layer 1 reads a sequence")]
        [InlineData("[Network(SequenceLength = 4)][Dense(3, 6)][MultiHeadAttention(8, 2)][Dense(8, 2)][Softmax]", "NG0004", "MultiHeadAttention layer 1 takes 8 inputs, but the layer before it produces 6")]
        [InlineData("[Network(SequenceLength = 4)][Dense(3, 8)][MultiHeadAttention(8, 0)][Dense(8, 2)][Softmax]", "NG0005", "heads = 0")]
        [InlineData("[Network(SequenceLength = 4)][Dense(3, 8)][GlobalAvgPool1D][MultiHeadAttention(8, 2)][Dense(8, 2)][Softmax]", "NG0031", "MultiHeadAttention layer 2 expects a sequence")]
        [InlineData("[Network][Dense(3, 4)][LastStep][Dense(4, 2)][Softmax]", "NG0031", "LastStep layer 1 expects a sequence")]
        [InlineData("[Network(SequenceLength = 3)][LastStep][Dense(2, 2)][Softmax]", "NG0030", "LastStep layer 0 comes first, so it has no steps of known width to take the last of")]
        [InlineData("[Network][Dense(3, 4)][Conv1D(4, 4, 1)][Dense(4, 2)][Softmax]", "NG0018", "Conv1D layer 1 reads a sequence")]
        [InlineData("[Network(SequenceLength = 4)][Conv1D(3, 4, 5)][Dense(4, 2)][Softmax]", "NG0034", "its window spans 5 steps, more than the 4 steps it reads")]
        [InlineData("[Network(SequenceLength = 4)][Conv1D(3, 4, 4, Dilation = 2, Padding = 1)][Dense(4, 2)][Softmax]", "NG0034", "spans 7 steps, more than the 4 steps it reads (6 with its 2 zero steps)")]
        [InlineData("[Network(SequenceLength = 6)][Conv1D(3, 4, 3, Causal = true, Padding = 1)][Dense(4, 2)][Softmax]", "NG0034", "leave Padding at 0")]
        [InlineData("[Network(SequenceLength = 6)][Conv1D(3, 4, 3, Dilation = 0)][Dense(4, 2)][Softmax]", "NG0034", "Dilation = 0; it must be at least 1")]
        [InlineData("[Network(SequenceLength = 6)][Conv1D(3, 4, 3, Padding = 3)][Dense(4, 2)][Softmax]", "NG0034", "less than the 3 steps the window spans")]
        [InlineData("[Network(SequenceLength = 4)][Conv1D(3, 4, 3, Causal = true, Dilation = 2)][Dense(4, 2)][Softmax]", "NG0034", "reaches 4 steps back, as far as or beyond the 4 steps")]
        [InlineData("[Network(SequenceLength = 6)][Conv1D(3, 4, 3, Dilation = 1073741824)][Dense(4, 2)][Softmax]", "NG0034", "its window spans 2147483649 steps")]
        [InlineData("[Network(SequenceLength = 6)][Conv1D(3, 4, 2, Dilation = 1073741824, Padding = 1073741824)][Dense(4, 2)][Softmax]", "NG0034", "the output would have")]
        [InlineData("[Network(SequenceLength = 6)][Dense(3, 5)][Conv1D(4, 4, 3)][Dense(4, 2)][Softmax]", "NG0004", "Conv1D layer 1 takes 4 inputs, but the layer before it produces 5")]
        [InlineData("[Network(SequenceLength = 6)][Dense(3, 5)][GlobalAvgPool1D][Conv1D(5, 4, 1)][Dense(4, 2)][Softmax]", "NG0031", "expects a sequence (put it before")]
        [InlineData("[Network(SequenceLength = 6)][Conv1D(3, 0, 3)][Dense(4, 2)][Softmax]", "NG0005", "outChannels = 0")]
        [InlineData("[Network][Input(1, 6, 6)][Conv1D(1, 4, 3)][Dense(4, 2)][Softmax]", "NG0031", "Conv2D reads images")]
        public void One_mistake_is_one_error(string attributes, string id, string message)
        {
            GeneratorHarness.Result result = GeneratorHarness.Run($"using NetGen; {attributes} public partial class Net {{ }}");
            Diagnostic error = Assert.Single(result.GeneratorDiagnostics);
            Assert.Equal(id, error.Id);
            Assert.Contains(message, error.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        /// <summary>[Dropout] before any layer reads the network's input, which has no shape to be an image of.</summary>
        [Fact]
        public void Dropout_as_the_first_layer_does_not_speak_of_an_image()
        {
            GeneratorHarness.Result result = GeneratorHarness.Run("using NetGen; [Network][Dropout(0.5)][Dense(4, 2)][Softmax] public partial class Net { }");
            string message = Assert.Single(result.GeneratorDiagnostics).GetMessage(CultureInfo.InvariantCulture);
            Assert.DoesNotContain("C×H×W", message, StringComparison.Ordinal);
        }
    }
}
