using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace NetGen.Onnx.Tests
{
    /// <summary>
    /// onnx's own checker (onnx.checker.check_model with full_check=True, then strict shape inference) accepts every
    /// exported model, and onnx's parser reads back what NetGen meant to write: IR version, opset, the named input and
    /// output with their element type and [N, width] shapes, the operators, the attributes, the parameters.
    /// </summary>
    public sealed class OnnxCheckerTests : IClassFixture<OnnxCheckerTests.CheckedModels>
    {
        private readonly CheckedModels _models;

        public OnnxCheckerTests(CheckedModels models) => _models = models;

        [Theory]
        [MemberData(nameof(OnnxCase.Names), MemberType = typeof(OnnxCase))]
        public void Passes_the_full_check_with_the_declared_signature(string name)
        {
            OnnxCase c = OnnxCase.All[name];
            JsonElement model = _models.Model(name);
            int elementType = c.IsDouble ? 11 : 1;
            Assert.Equal(8, model.GetProperty("ir_version").GetInt32());
            Assert.Equal(17, model.GetProperty("opsets").GetProperty(string.Empty).GetInt32());
            Assert.Equal("NetGen", model.GetProperty("producer").GetString());
            Assert.Equal(name, model.GetProperty("metadata").GetProperty("netgen.network").GetString());
            AssertValue(model.GetProperty("inputs"), "input", elementType, c.InputSize);
            AssertValue(model.GetProperty("outputs"), "output", elementType, c.OutputSize);
            JsonElement inferred = Assert.Single(model.GetProperty("inferred_outputs").EnumerateArray());
            Assert.Equal("[\"N\"," + c.OutputSize + "]", inferred.GetRawText().Replace(" ", string.Empty));

            var operators = model.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("op").GetString()).ToHashSet();
            foreach (string op in c.Operators)
            {
                Assert.Contains(op, operators);
            }

            double sum = 0;
            foreach (JsonElement tensor in model.GetProperty("initializers").EnumerateArray())
            {
                int type = tensor.GetProperty("type").GetInt32();
                if (tensor.GetProperty("name").GetString()!.StartsWith("const_", StringComparison.Ordinal))
                {
                    Assert.Equal(7, type);   // INT64 shapes
                    continue;
                }

                if (tensor.GetProperty("name").GetString()!.StartsWith("scalar_", StringComparison.Ordinal))
                {
                    Assert.Equal(elementType, type);   // the constants of GELU's graph
                    continue;
                }

                if (tensor.GetProperty("name").GetString()!.StartsWith("causal_mask_", StringComparison.Ordinal))
                {
                    Assert.Equal(elementType, type);   // attention's mask: 0 and −∞, its sum not finite
                    Assert.Equal(JsonValueKind.Null, tensor.GetProperty("sum").ValueKind);
                    continue;
                }

                Assert.Equal(elementType, type);
                sum += tensor.GetProperty("sum").GetDouble();
            }

            Assert.Equal(c.ParameterSum, sum, 1e-6 * Math.Max(1, Math.Abs(c.ParameterSum)));
        }

        [Fact]
        public void Dense_layers_are_Gemm_with_PyTorch_names_and_shapes()
        {
            JsonElement model = _models.Model(nameof(ReluLeakySoftmax));
            JsonElement[] nodes = model.GetProperty("nodes").EnumerateArray().ToArray();
            Assert.Equal(new[] { "Gemm", "Relu", "Gemm", "LeakyRelu", "Gemm", "Softmax" }, nodes.Select(n => n.GetProperty("op").GetString()));
            Assert.Equal("input", nodes[0].GetProperty("inputs")[0].GetString());
            Assert.Equal("0.weight", nodes[0].GetProperty("inputs")[1].GetString());
            Assert.Equal("0.bias", nodes[0].GetProperty("inputs")[2].GetString());
            Assert.Equal(1, nodes[0].GetProperty("attributes").GetProperty("transB").GetInt32());
            Assert.Equal("2.weight", nodes[2].GetProperty("inputs")[1].GetString());
            Assert.Equal(0.01f, nodes[3].GetProperty("attributes").GetProperty("alpha").GetSingle());
            Assert.Equal(-1, nodes[5].GetProperty("attributes").GetProperty("axis").GetInt32());
            Assert.Equal("output", nodes[5].GetProperty("outputs")[0].GetString());
            JsonElement weight = model.GetProperty("initializers").EnumerateArray().First(t => t.GetProperty("name").GetString() == "0.weight");
            Assert.Equal("[8,6]", weight.GetProperty("dims").GetRawText().Replace(" ", string.Empty));
        }

        [Fact]
        public void LeakyRelu_keeps_the_declared_slope()
        {
            JsonElement node = _models.Model(nameof(LeakyRegression)).GetProperty("nodes").EnumerateArray().First(n => n.GetProperty("op").GetString() == "LeakyRelu");
            Assert.Equal(0.2f, node.GetProperty("attributes").GetProperty("alpha").GetSingle());
        }

        [Fact]
        public void Recurrent_layers_have_ONNX_shapes_and_attributes()
        {
            JsonElement model = _models.Model(nameof(StackedKinds));
            JsonElement[] nodes = model.GetProperty("nodes").EnumerateArray().ToArray();
            JsonElement gru = nodes.First(n => n.GetProperty("op").GetString() == "GRU");
            Assert.Equal(1, gru.GetProperty("attributes").GetProperty("linear_before_reset").GetInt32());
            Assert.Equal(3, gru.GetProperty("attributes").GetProperty("hidden_size").GetInt32());
            JsonElement lstm = nodes.First(n => n.GetProperty("op").GetString() == "LSTM");
            Assert.Equal(5, lstm.GetProperty("attributes").GetProperty("hidden_size").GetInt32());
            Assert.False(lstm.GetProperty("attributes").TryGetProperty("linear_before_reset", out _));
            JsonElement transpose = nodes.First(n => n.GetProperty("op").GetString() == "Transpose");
            Assert.Equal("[1,0,2]", transpose.GetProperty("attributes").GetProperty("perm").GetRawText().Replace(" ", string.Empty));

            var dims = model.GetProperty("initializers").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("dims").GetRawText().Replace(" ", string.Empty));
            Assert.Equal("[1,9,2]", dims["0.W"]);    // GRU(2, 3): 3 gates × 3
            Assert.Equal("[1,9,3]", dims["0.R"]);
            Assert.Equal("[1,18]", dims["0.B"]);
            Assert.Equal("[1,4,3]", dims["1.W"]);    // RNN(3, 4)
            Assert.Equal("[1,20,4]", dims["2.W"]);   // LSTM(4, 5): 4 gates × 5
            Assert.Equal("[1,40]", dims["2.B"]);
        }

        private static void AssertValue(JsonElement values, string name, int elementType, int width)
        {
            JsonElement value = Assert.Single(values.EnumerateArray());
            Assert.Equal(name, value.GetProperty("name").GetString());
            Assert.Equal(elementType, value.GetProperty("type").GetInt32());
            Assert.Equal("[\"N\"," + width + "]", value.GetProperty("dims").GetRawText().Replace(" ", string.Empty));
        }

        /// <summary>Every case exported into one folder and checked by one Python run.</summary>
        public sealed class CheckedModels : IDisposable
        {
            private readonly string _directory = Path.Combine(Path.GetTempPath(), "netgen-onnx-check-" + Guid.NewGuid().ToString("N"));
            private readonly Dictionary<string, JsonElement> _models;

            public CheckedModels()
            {
                Directory.CreateDirectory(_directory);
                foreach (OnnxCase c in OnnxCase.All.Values)
                {
                    c.Save(Path.Combine(_directory, c.Name + ".onnx"));
                }

                using JsonDocument document = JsonDocument.Parse(OnnxPython.Run("check", _directory));
                _models = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
            }

            public JsonElement Model(string name)
            {
                Assert.True(_models.ContainsKey(name), $"onnx_check.py did not report {name}");
                return _models[name];
            }

            public void Dispose() => Directory.Delete(_directory, recursive: true);
        }
    }
}
