using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Generator.Diagnostics;
using Xunit;

namespace NetGen.Generator.Tests
{
    /// <summary>Every diagnostic: id, severity, the exact span (between [| and |] in the source) and the message.</summary>
    public class DiagnosticCatalogTests
    {
        public static TheoryData<string, string, string> Cases() => new()
        {
            { "NG0001", "[Network][Dense(2, 2)][Softmax] public class [|Plain|] { }", "Class 'Plain' is marked [Network] but is not partial; add the 'partial' modifier so NetGen can generate its members" },
            { "NG0002", "[Network][Dense(2, 2)][Softmax] public static partial class [|Static|] { }", "'Static' cannot be a network: a network class cannot be static" },
            { "NG0002", "[Network][Dense(2, 2)][Softmax] public partial class [|Gen|]<T> { }", "'Gen' cannot be a network: a network class cannot be generic" },
            { "NG0002", "public partial class Outer<T> { [Network][Dense(2, 2)][Softmax] public partial class [|Inner|] { } }", "'Inner' cannot be a network: a network class cannot be nested in a generic type" },
            { "NG0002", "[Network][Dense(2, 2)][Softmax] public partial record [|Rec|] { }", "'Rec' cannot be a network: only classes can be networks" },
            { "NG0002", "public class Outer { [Network][Dense(2, 2)][Softmax] public partial class [|Inner|] { } }", "'Inner' cannot be a network: its enclosing type 'Outer' must be partial too (every type that contains a network class must be)" },
            { "NG0003", "[Network] public partial class [|Empty|] { }", "Network 'Empty' declares no [Dense] layer; add at least one, e.g. [Dense(784, 10)][Softmax]" },
            { "NG0004", "[Network][Dense(784, 128)][Relu][Dense([|64|], 10)][Softmax] public partial class Net { }", "Dense layer 1 takes 64 inputs, but the layer before it produces 128 outputs" },
            { "NG0005", "[Network][Dense(4, [|0|])][Softmax] public partial class Net { }", "Dense layer 0 has outputs = 0; sizes must be at least 1" },
            { "NG0005", "[Network][Dense([|-3|], 2)][Softmax] public partial class Net { }", "Dense layer 0 has inputs = -3; sizes must be at least 1" },
            { "NG0006", "[Network][Dense(100000, 1001)][Softmax] public partial class [|Huge|] { }", "Network 'Huge' would have 100,101,001 parameters; NetGen supports at most 100,000,000" },
            { "NG0006", "[Network][Dense(1, 1000001)][Relu][Dense(1000001, 2)][Softmax] public partial class [|Wide|] { }", "Network 'Wide' would have 1,000,003 units; NetGen supports at most 1,000,000" },
            { "NG0007", "[Network][[|Relu|]][Dense(2, 2)][Softmax] public partial class Net { }", "[Relu] must follow a layer; it applies to the value of the layer before it" },
            { "NG0008", "[Network][Dense(2, 2)][Relu][[|Tanh|]][Dense(2, 2)][Softmax] public partial class Net { }", "Dense layer 0 already has activation [Relu]; [Tanh] cannot be added (add a layer between them)" },
            { "NG0009", "[Network][Dense(2, 2)][Softmax][[|Dense(2, 2)|]] public partial class Net { }", "[Softmax] is an output head and must come after the last Dense layer; found 'Dense' after it" },
            { "NG0010", "[Network][Dense(2, 3)][Relu][[|Dense(3, 2)|]] public partial class Net { }", "Network 'Net' has no output head; end it with [Softmax] (classes), [Sigmoid] (multi-label) or [Identity] (regression) after the last Dense layer" },
            { "NG0011", "[Network][Dense(2, 2)] public partial class Net { } [[|Softmax|]] public partial class Net { }", "Layer attributes of network 'Net' must all be on the declaration that carries [Network]; their order across partial declarations is ambiguous" },
            { "NG0013", "[Network][Dense(2, 2)][LeakyRelu([|-0.5|])][Dense(2, 2)][Softmax] public partial class Net { }", "LeakyRelu slope -0.5 must be a finite, non-negative number that a float holds (at most 3.4E+38)" },
            { "NG0014", "[Network][Dense(2, 3)][Relu][Dense(3, 2)][[|Relu|]][Softmax] public partial class Net { }", "Dense layer 1 applies [Relu] before [Softmax]; softmax expects unconstrained logits, so the last Dense is usually linear" },
            { "NG0015", "[[|Dense(2, 2)|]][Softmax] public partial class Plain { }", "[Dense] on 'Plain' has no effect because 'Plain' is not marked [Network]; add [Network] (or [Block], for a residual's layers) or remove the layer attributes" },
            { "NG0017", "[Network([|Optimizer = (Optimizer)99|])][Dense(2, 2)][Softmax] public partial class Net { }", "(Optimizer)99 is not a defined Optimizer; use one of Sgd, Momentum, Nesterov, Adam, AdamW" },
            { "NG0017", "[Network([|Precision = (Precision)42|])][Dense(2, 2)][Softmax] public partial class Net { }", "(Precision)42 is not a defined Precision; use one of Single, Double" },
            { "NG0018", "[Network][[|Lstm(28, 16)|]][Dense(16, 10)][Softmax] public partial class Net { }", "Lstm layer 0 reads a sequence, but the network has no sequence length; add SequenceLength = T to [Network], e.g. [Network(SequenceLength = 28)]" },
            { "NG0019", "[Network([|SequenceLength = 200000|])][Lstm(2, 8)][Dense(8, 3)][Softmax] public partial class Net { }", "SequenceLength = 200000 is not valid: it must be between 1 and 100,000" },
            { "NG0019", "[Network([|Checkpointing = true|])][Dense(4, 2)][Softmax] public partial class Net { }", "Checkpointing = true is not valid: network 'Net' has no recurrent layer whose steps it would recompute" },
            { "NG0019", "[Network([|SequenceLength = -1|])][Rnn(2, 3)][Dense(3, 2)][Softmax] public partial class Net { }", "SequenceLength = -1 is not valid: it must be between 1 and 100,000" },
            { "NG0020", "[Network(SequenceLength = 5)][[|Lstm(8, 32)|]][Gru(32, 16)][Dense(16, 4)][Softmax] public partial class Net { }", "Lstm layer 0 is followed by Gru layer 1, which reads a whole sequence; set ReturnSequences = true on layer 0" },
            { "NG0021", "[Network(SequenceLength = 5)][Dense(4, 8)][Tanh][[|Rnn(8, 16)|]][Dense(16, 2)][Softmax] public partial class Net { }", "Rnn layer 1 cannot follow Dense layer 0: recurrent layers come first, before any Dense layer" },
            { "NG0004", "[Network(SequenceLength = 5)][Gru(3, 16)][Dense([|8|], 2)][Softmax] public partial class Net { }", "Dense layer 1 takes 8 inputs, but the layer before it produces 16 outputs" },
            { "NG0005", "[Network(SequenceLength = 5)][Lstm(3, [|0|])][Dense(1, 2)][Softmax] public partial class Net { }", "Lstm layer 0 has hidden = 0; sizes must be at least 1" },
            { "NG0008", "[Network(SequenceLength = 5)][Lstm(3, 4)][Tanh][[|Relu|]][Dense(4, 2)][Softmax] public partial class Net { }", "Lstm layer 0 already has activation [Tanh]; [Relu] cannot be added (add a layer between them)" },
            { "NG0030", "[Network][[|Conv2D(1, 6, 5)|]][Relu][Flatten][Dense(3456, 10)][Softmax] public partial class Net { }", "Conv2D layer 0 reads a C×H×W image, but network 'Net' does not declare the shape of its input; add [Input(channels, height, width)], e.g. [Input(1, 28, 28)]" },
            { "NG0031", "[Network][Input(1, 28, 28)][Conv2D(1, 6, 5, Padding = 2)][Relu][MaxPool2D(2)][Conv2D(6, 16, 5)][Relu][MaxPool2D(2)][Flatten][Dense([|256|], 120)][Relu][Dense(120, 10)][Softmax] public partial class Net { }", "Flatten layer 4 produces 16×5×5 = 400 values; Dense layer 5 expects 256" },
            { "NG0031", "[Network][Input(1, 28, 28)][Conv2D(1, 6, 5)][Relu][MaxPool2D(2)][Conv2D([|16|], 16, 5)][Flatten][Dense(256, 10)][Softmax] public partial class Net { }", "MaxPool2D layer 1 produces 6×12×12; Conv2D layer 2 expects 16 input channels" },
            { "NG0032", "[Network][Input(1, 4, 4)][Conv2D(1, 2, [|5|])][Flatten][Dense(2, 2)][Softmax] public partial class Net { }", "Conv2D layer 0: its 5×5 window does not fit its 4×4 input" },
            { "NG0032", "[Network][Input(1, 3, 3)][MaxPool2D([|4|])][Flatten][Dense(1, 2)][Softmax] public partial class Net { }", "MaxPool2D layer 0: its 4×4 window does not fit its 3×3 input" },
            { "NG0033", "[Network][Input(1, 7, 7)][MaxPool2D([|2|])][Flatten][Dense(9, 2)][Softmax] public partial class Net { }", "MaxPool2D layer 0: 2×2 windows with stride 2 never read the last 1 row(s) and 1 column(s) of its 7×7 input; change the stride, the padding or the window size" },
            { "NG0033", "[Network][Input(1, 8, 9)][Conv2D(1, 2, [|3|], Stride = 2)][Flatten][Dense(24, 2)][Softmax] public partial class Net { }", "Conv2D layer 0: 3×3 windows with stride 2 never read the last 1 row(s) of its 8×9 input; change the stride, the padding or the window size" },
            { "NG0034", "[Network][Input(1, 8, 8)][Conv2D(1, 2, 3, [|Padding = 3|])][Flatten][Dense(288, 2)][Softmax] public partial class Net { }", "Conv2D layer 0 has Padding = 3; it must be at least 0 and less than the kernel size, 3" },
            { "NG0034", "[Network][Dense(4, 4)][Dropout([|1.0|])][Dense(4, 2)][Softmax] public partial class Net { }", "Dropout layer 1 has probability = 1; it must be at least 0 and less than 1" },
            { "NG0034", "[Network][Input(1, 8, 8)][Conv2D(1, 2, 3, [|Stride = 0|])][Flatten][Dense(72, 2)][Softmax] public partial class Net { }", "Conv2D layer 0 has Stride = 0; it must be at least 1" },
            { "NG0035", "[Network][Input(1, 6, 6)][Conv2D(1, 2, 3)][Relu][[|Dense(32, 2)|]][Softmax] public partial class Net { }", "Dense layer 1 reads a vector, but Conv2D layer 0 produces a 2×4×4 image; add [Flatten] before it" },
            { "NG0035", "[Network][Input(1, 4, 4)][[|Dense(16, 2)|]][Softmax] public partial class Net { }", "Dense layer 0 reads a vector, but the input ([Input]) produces a 1×4×4 image; add [Flatten] before it" },
            { "NG0036", "[Network][Dense(4, 4)][Relu][[|Flatten|]][Dense(4, 2)][Softmax] public partial class Net { }", "[Flatten] (layer 1) has nothing to flatten: Dense layer 0 produces a vector of 4 values; remove it" },
            { "NG0037", "[Network][Dense(16, 16)][Relu][[|Conv2D(1, 2, 3)|]][Flatten][Dense(8, 2)][Softmax] public partial class Net { }", "Conv2D layer 1 reads a C×H×W image, but Dense layer 0 produces a vector of 16 values; image layers come first, after [Input(channels, height, width)]" },
            { "NG0008", "[Network][Input(1, 4, 4)][MaxPool2D(2)][Relu][[|Sigmoid|]][Flatten][Dense(4, 2)][Softmax] public partial class Net { }", "MaxPool2D layer 0 already has activation [Relu]; [Sigmoid] cannot be added (add a layer between them)" },
            { "NG0038", "[Block][Conv2D(4, 8, 3, Stride = 2, Padding = 1)] public class Down { } [Network][Input(4, 8, 8)][Residual([|typeof(Down)|])][Flatten][Dense(128, 2)][Softmax] public partial class Net { }", "Residual layer 0: block 'Down' produces 8×4×4, but its input is 4×8×8; a residual adds them, so they must have one shape (add a Shortcut that changes the input's shape the same way, e.g. a [Conv2D] with kernel 1 and the same Stride)" },
            { "NG0038", "[Block][Dense(4, 4)] public class B { } [Block][Dense(4, 3)] public class S { } [Network][Dense(2, 4)][Residual(typeof(B), [|Shortcut = typeof(S)|])][Dense(4, 2)][Softmax] public partial class Net { }", "Residual layer 1: block 'B' produces 4, but its shortcut 'S' produces 3; a residual adds them, so they must have one shape (make the two blocks produce the same shape)" },
            { "NG0039", "[Block][Dense(4, 4)][[|Residual(typeof(Loop))|]] public class Loop { } [Network][Dense(2, 4)][Residual(typeof(Loop))][Dense(4, 2)][Softmax] public partial class Net { }", "Block 'Loop' contains itself (Loop → Loop); a block cannot be part of itself" },
            { "NG0039", "[Block][[|Residual(typeof(B))|]] public class A { } [Block][Dense(4, 4)][Residual(typeof(A))] public class B { } [Network][Dense(2, 4)][Residual(typeof(A))][Dense(4, 2)][Softmax] public partial class Net { }", "Block 'A' contains itself (A → B → A); a block cannot be part of itself" },
            { "NG0040", "[Network][[|Block|]][Dense(2, 2)][Softmax] public partial class Net { }", "'Net' is marked both [Block] and [Network]: a block is a part that [Residual] uses, not a network of its own; remove one of the two" },
            { "NG0040", "[Block] public class [|Empty|] { } [Network][Dense(2, 4)][Residual(typeof(Empty))][Dense(4, 2)][Softmax] public partial class Net { }", "Block 'Empty' has no layers; list them on it, e.g. [Block][Conv2D(16, 16, 3, Padding = 1)][BatchNorm2D(16)]" },
            { "NG0040", "public class Plain { } [Network][Dense(2, 4)][Residual([|typeof(Plain)|])][Dense(4, 2)][Softmax] public partial class Net { }", "'Plain' is given to [Residual] as its block but is not marked [Block]; mark it [Block] and list its layers on it" },
            { "NG0040", "[Block][Dense(4, 4)][[|Softmax|]] public class B { } [Network][Dense(2, 4)][Residual(typeof(B))][Dense(4, 2)][Softmax] public partial class Net { }", "[Softmax] cannot be used in block 'B': [Input] and output heads belong to the network" },
            { "NG0031", "[Network][Input(1, 6, 6)][Conv2D(1, 4, 3)][BatchNorm2D([|8|])][Flatten][Dense(64, 2)][Softmax] public partial class Net { }", "Conv2D layer 0 produces 4×4×4; BatchNorm2D layer 1 expects 8 channels" },
            { "NG0004", "[Network][Dense(3, 5)][BatchNorm1D([|4|])][Dense(5, 2)][Softmax] public partial class Net { }", "BatchNorm1D layer 1 takes 4 inputs, but the layer before it produces 5 outputs" },
            { "NG0041", "[Network][Input(1, 6, 6)][Conv2D(1, 4, 3)][[|BatchNorm1D(4)|]][Flatten][Dense(64, 2)][Softmax] public partial class Net { }", "BatchNorm1D layer 1 normalizes the features of a vector over the mini-batch, but Conv2D layer 0 produces a 4×4×4 image; use [BatchNorm2D(4)] to normalize its channels (or [Flatten] first)" },
            { "NG0041", "[Network(SequenceLength = 5)][Lstm(3, 4, ReturnSequences = true)][[|BatchNorm1D(4)|]][Dense(4, 2)][Softmax] public partial class Net { }", "BatchNorm1D layer 1 normalizes the features of a vector over the mini-batch, but Lstm layer 0 produces a sequence of 5 steps; use [LayerNorm(4)], which normalizes each step" },
            { "NG0042", "[Network(SequenceLength = 16)][Dense(8, 30)][MultiHeadAttention(30, [|4|])][Dense(30, 3)][Softmax] public partial class Net { }", "MultiHeadAttention layer 1 has dim = 30 and heads = 4; each head takes dim/heads values, so dim must be a multiple of heads (1, 2, 3, 5, 6, 10, 15 or 30)" },
            { "NG0044", "[Network(SequenceLength = 32, Streaming = true)][Embedding(96, 32)][[|MultiHeadAttention(32, 4)|]][MultiHeadAttention(32, 4, Causal = true)][Dense(32, 96)][Softmax] public partial class Net { }", "Network 'Net' asks for Streaming = true, but [MultiHeadAttention(32, 4)] needs steps that have not come yet; make it causal (Causal = true on attention and Conv1D; [LastStep] instead of [GlobalAvgPool1D]), or remove Streaming = true" },
            { "NG0043", "[Network(SequenceLength = 8)][Dense(3, 4)][[|Embedding(9, 4)|]][Dense(4, 9)][Softmax] public partial class Net { }", "Embedding layer 1 reads token ids, which only the network's input holds, but it comes after Dense layer 0; make it the first layer" },
            { "NG0034", "[Network][Dense(3, 5)][BatchNorm1D(5, [|Momentum = 1.5|])][Dense(5, 2)][Softmax] public partial class Net { }", "BatchNorm1D layer 1 has Momentum = 1.5; it must be between 0 and 1" },
            { "NG0034", "[Network][Dense(3, 5)][LayerNorm(5, [|Epsilon = 0|])][Dense(5, 2)][Softmax] public partial class Net { }", "LayerNorm layer 1 has Epsilon = 0; it must be a finite number greater than 0" },
            { "NG0035", "[Network][Input(1, 4, 4)][[|LayerNorm(16)|]][Flatten][Dense(16, 2)][Softmax] public partial class Net { }", "LayerNorm layer 0 reads a vector, but the input ([Input]) produces a 1×4×4 image; add [Flatten] before it" },
            { "NG0031", "[Block][Conv2D(8, 4, 3, Padding = 1)] public class B { } [Network][Input(4, 5, 5)][[|Residual(typeof(B))|]][Flatten][Dense(100, 2)][Softmax] public partial class Net { }", "the input ([Input]) produces 4×5×5; Conv2D layer 0 of block 'B' expects 8 input channels" },
            { "NG0016", "[Network][Dense(2, 2)][Softmax] public partial class Net { public [|Net|]() { } }", "Network 'Net' already declares a parameterless constructor, which NetGen generates; remove or rename it (NetGen generated nothing for 'Net')" },
            { "NG0016", "[Network][Dense(2, 2)][Softmax] public partial class Net { public int [|Predict|](float[] x) => 0; public int [|InputSize|] => 1; }", "Network 'Net' already declares a member named 'InputSize', which NetGen generates; remove or rename it (NetGen generated nothing for 'Net')" },
            { "NG0016", "[Network][Dense(2, 2)][Softmax] public partial class Net { public void [|Predict|](System.ReadOnlySpan<float> x, System.Span<float> y) { } }", "Network 'Net' already declares the method 'Net.Predict(ReadOnlySpan<float>, Span<float>)', which NetGen generates; remove or rename it (NetGen generated nothing for 'Net')" },
            { "NG0022", "// C# 8.0\n[Network][Dense(2, 2)][Softmax] public partial class [|Net|] { }", "Network 'Net' needs C# 9.0 or later for its generated code, but the project compiles as C# 8.0; set <LangVersion> to 9.0 or later (or remove it: the .NET 8+ SDK's default is newer)" },
            { "NG0022", "// C# 7.3\n[Network][Dense(2, 2)][Softmax] public partial class [|Net|] { }", "Network 'Net' needs C# 9.0 or later for its generated code, but the project compiles as C# 7.3; set <LangVersion> to 9.0 or later (or remove it: the .NET 8+ SDK's default is newer)" },
            { "NG0023", "[Network([|Weights = \"models/mnist.safetensors\"|])][Dense(2, 2)][Softmax] public partial class Net { }", "Weights file 'models/mnist.safetensors' cannot be compiled into network 'Net': it is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"models/mnist.safetensors\" /> to the project" },
            { "NG0016", "public class Base { public virtual int InputSize => 1; } [Network][Dense(2, 2)][Softmax] public partial class [|Net|] : Base { }", "Network 'Net' already declares a member named 'InputSize' (it inherits it from 'Base'), which NetGen generates; remove or rename it (NetGen generated nothing for 'Net')" },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Diagnostic_has_its_id_span_and_message(string id, string marked, string message)
        {
            string prefix = "using NetGen;\n";
            // A case may start with "// C# x.y": the consumer's language version (else the latest).
            LanguageVersion version = LanguageVersion.Latest;
            Match versionLine = Regex.Match(marked, "^// C# ([0-9.]+)\n");
            if (versionLine.Success)
            {
                Assert.True(LanguageVersionFacts.TryParse(versionLine.Groups[1].Value, out version));
            }

            (string source, TextSpanMarker[] spans) = Unmark(prefix + marked);
            ImmutableArray<Diagnostic> diagnostics = GeneratorHarness.GeneratorAndAnalyzerDiagnostics(version, source);

            Diagnostic[] matching = diagnostics.Where(d => d.Id == id).ToArray();
            Assert.True(matching.Length > 0, $"{id} not reported; got: {string.Join(", ", diagnostics.Select(d => d.Id))}");
            Diagnostic? diagnostic = matching.SingleOrDefault(d => d.GetMessage(CultureInfo.InvariantCulture) == message);
            Assert.True(diagnostic is not null, "messages: " + string.Join(" | ", matching.Select(d => d.GetMessage(CultureInfo.InvariantCulture))));
            DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(id);
            Assert.Equal(descriptor.DefaultSeverity, diagnostic.Severity);
            Assert.Equal("NetGen", diagnostic.Descriptor.Category);
            Assert.Equal(DiagnosticDescriptors.HelpLink(id), diagnostic.Descriptor.HelpLinkUri);
            Assert.Contains(spans, s => s.Start == diagnostic.Location.SourceSpan.Start && s.Length == diagnostic.Location.SourceSpan.Length);

            // For a declaration with an error only a stub is generated (the public surface, bodies that throw), or nothing,
            // and nothing but NetGen's diagnostics comes from the generator; the stub compiles (checked below).
            GeneratorHarness.Result result = GeneratorHarness.Run(version, source);
            Assert.All(result.GeneratorDiagnostics, d => Assert.StartsWith("NG", d.Id));
            if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            {
                Assert.All(result.Sources, s => Assert.Contains("This stub declares the public members", s.Source, StringComparison.Ordinal));
            }

            Assert.DoesNotContain(result.CompilationDiagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
        }

        [Fact]
        public void Every_diagnostic_has_a_test_case()
        {
            var tested = Cases().Select(row => (string)row[0]).ToHashSet();
            tested.Add(DiagnosticDescriptors.NonConstantArgument.Id); // never reported: RejectedArguments below
            Assert.Equal(
                DiagnosticDescriptors.All.Select(d => d.Id).Where(id => id != DiagnosticDescriptors.InternalError.Id).OrderBy(x => x),
                tested.OrderBy(x => x));
        }

        /// <summary>Arguments the compiler rejects: its error, and nothing from NetGen.</summary>
        public static TheoryData<string, string> RejectedArguments() => new()
        {
            { "[Network][Dense(int.Parse(\"3\"), 2)][Softmax] public partial class Net { }", "CS0182" },
            { "[Network][Dense(2, Size)][Softmax] public partial class Net { static int Size = 2; }", "CS0182" },
            { "[Network][Dense(2, 1.5)][Softmax] public partial class Net { }", "CS1503" },
            { "[Network][Dense(2)][Softmax] public partial class Net { }", "CS7036" },
            { "[Network(Precision = P)][Dense(2, 2)][Softmax] public partial class Net { static Precision P = Precision.Double; }", "CS0182" },
            { "[Network(SequenceLength = int.Parse(\"3\"))][Lstm(2, 2)][Dense(2, 2)][Softmax] public partial class Net { }", "CS0182" },
            { "[Network][Input(1, 4, 4)][Conv2D(1, 2, 3, Stride = S)][Flatten][Dense(8, 2)][Softmax] public partial class Net { static int S = 1; }", "CS0182" },
        };

        /// <summary>
        /// One mistake, one error: an argument the compiler rejects (not a constant, the wrong type, missing) is the compiler's
        /// error alone; NetGen generates the network's stub, so code that calls it adds no error either.
        /// </summary>
        [Theory]
        [MemberData(nameof(RejectedArguments))]
        public void An_argument_the_compiler_rejects_is_its_error_alone(string declaration, string compilerError)
        {
            string user = "public static class Use { public static void Run(Net n) { n.SaveOnnx(\"x.onnx\"); _ = Net.InputSize; } }";
            GeneratorHarness.Result result = GeneratorHarness.Run("using NetGen;\n" + declaration + "\n" + user);
            Assert.Empty(result.GeneratorDiagnostics);
            Diagnostic error = Assert.Single(result.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.Equal(compilerError, error.Id);
            Assert.Contains("This stub declares the public members", Assert.Single(result.Sources).Source, StringComparison.Ordinal);
        }

        [Fact]
        public void Catalog_uses_one_category_and_ids_NG00xx()
        {
            foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
            {
                Assert.Matches("^NG00[0-9]{2}$", descriptor.Id);
                Assert.Equal("NetGen", descriptor.Category);
                Assert.True(descriptor.IsEnabledByDefault);
                Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString(CultureInfo.InvariantCulture)));
            }
        }

        [Fact]
        public void Every_descriptor_links_to_a_docs_page_that_exists_and_the_index_lists_it()
        {
            string root = RepositoryRoot();
            string index = File.ReadAllText(Path.Combine(root, "docs", "diagnostics", "README.md"));
            foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
            {
                Assert.Equal("docs/diagnostics/" + descriptor.Id + ".md", descriptor.HelpLinkUri);
                string page = Path.Combine(root, descriptor.HelpLinkUri.Replace('/', Path.DirectorySeparatorChar));
                Assert.True(File.Exists(page), "missing " + descriptor.HelpLinkUri);
                string text = File.ReadAllText(page);
                Assert.StartsWith("# " + descriptor.Id, text);
                Assert.Contains(descriptor.Id + ".md", index);
            }
        }

        [Fact]
        public void Release_tracking_file_and_catalog_agree()
        {
            string root = RepositoryRoot();
            string[] rows = File.ReadAllLines(Path.Combine(root, "generator", "NetGen.Generator", "AnalyzerReleases.Unshipped.md"))
                .Concat(File.ReadAllLines(Path.Combine(root, "generator", "NetGen.Generator", "AnalyzerReleases.Shipped.md")))
                .Where(l => Regex.IsMatch(l, "^NG[0-9]{4} "))
                .ToArray();
            var tracked = rows.Select(r => r.Split('|').Select(c => c.Trim()).ToArray()).ToDictionary(c => c[0]);
            Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(x => x), tracked.Keys.OrderBy(x => x));
            foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
            {
                string[] row = tracked[descriptor.Id];
                Assert.Equal(descriptor.Category, row[1]);
                Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
            }
        }

        internal static string RepositoryRoot()
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NetGen.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
        }

        internal readonly record struct TextSpanMarker(int Start, int Length);

        /// <summary>Removes every [| |] pair and returns the spans they enclosed.</summary>
        internal static (string Source, TextSpanMarker[] Spans) Unmark(string marked)
        {
            var spans = new List<TextSpanMarker>();
            var builder = new System.Text.StringBuilder();
            int i = 0;
            int start = -1;
            while (i < marked.Length)
            {
                if (string.CompareOrdinal(marked, i, "[|", 0, 2) == 0)
                {
                    start = builder.Length;
                    i += 2;
                }
                else if (string.CompareOrdinal(marked, i, "|]", 0, 2) == 0)
                {
                    spans.Add(new TextSpanMarker(start, builder.Length - start));
                    i += 2;
                }
                else
                {
                    builder.Append(marked[i++]);
                }
            }

            return (builder.ToString(), spans.ToArray());
        }
    }
}
