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
