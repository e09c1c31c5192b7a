using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// A token embedding, always the first layer: the input is T token ids (as exact values of the network's type, checked
    /// at every public entry point), step t's output row id_t of the V × dim table E. The backward pass adds δ[t] to row id_t
    /// of E's gradient (a sparse scatter; rows of tokens absent from the batch get 0, as <c>nn.Embedding</c>'s dense
    /// gradient has it). Streaming looks up one token per step.
    /// </summary>
    internal sealed class EmbeddingLayer : Layer
    {
        /// <summary>The twin's module: nn.Embedding, fed ids that arrive as floating-point values.</summary>
        private const string TokenClass =
            "class TokenEmbedding(torch.nn.Embedding):\n" +
            "    \"\"\"nn.Embedding over token ids that arrive as floating-point values ([N, T] or [N, T, 1]).\"\"\"\n" +
            "    def forward(self, x):\n" +
            "        return super().forward(x.reshape(x.shape[0], -1).long())";

        private readonly EmbeddingModel _m;

        public EmbeddingLayer(LayerContext context, EmbeddingModel model)
            : base(context)
        {
            _m = model;
        }

        private int V => _m.Vocabulary;

        private int D => _m.Dim;

        private int Tn => _m.Steps;

        public override int Inputs => 1;

        public override int Outputs => D;

        public override int InputWidth => Tn;

        public override int OutputRows => Tn;

        public override int ParameterCount => V * D;

        public override bool SupportsUpdate => false;

        public override int BatchScratch(Kernels kernels) => 0;

        public override int StreamScratch => 0;

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch) =>
            w.Line($"ref {t.Type} {output} = ref Unsafe.Add(ref p, {E} + (Row{I}({input}, 0) * {D})); // Layer {I}: the token's row of E{I}");

        public override string Modules => $"Embedding({V}, {D})";

        public override IEnumerable<TorchModule> TorchModules => new[] { new TorchModule(Module, $"TokenEmbedding({V}, {D})") { Helpers = new[] { TokenClass } } };

        public override string TopologyToken => "emb" + V.ToString(CultureInfo.InvariantCulture) + "x" + D.ToString(CultureInfo.InvariantCulture);

        public override string Summary => $"Embedding({V}, {D}) → {Tn} steps × {D}, {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters";

        public override string Layout => "E (vocabulary × dim, row-major: row i is token i's vector)";

        public override long ForwardFlops => 0;

        public override long BackwardFlops => OutputWidth;

        public override IEnumerable<string> ForwardEquations => new[] { $"a{I}[t] = E{I}[x_t],  row x_t of E{I} ∈ ℝ^{V}×{D}, x_t ∈ [0, {V}) the token at step t" };

        public override IEnumerable<string> BackwardEquations => Array.Empty<string>();

        public override string GradientEquation => "∂L/∂E_l[v] = Σ_batch Σ_{t: x_t = v} δ_l[t]   (an embedding: only the rows of the tokens seen)";

        public override IEnumerable<string> InitializationNotes => new[] { $"E{I} ~ N(0, 1), as nn.Embedding's" };

        public override IReadOnlyList<ParameterTensor> Tensors => new[]
        {
            new ParameterTensor("weight", new[] { V, D }, E, V * D, $"Layer{I}Embedding", $"E{I}, the embedding of layer {I}: {V} tokens × {D}, row-major (row i is token i's vector)."),
        };

        private string E => "E" + I;

        public override void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of E{I} ({V}×{D}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {E} = {ParameterOffset};");
            w.Line($"/// <summary>Offset of a{I} ({Tn} steps × {D}) in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
            w.Line($"// Layer {I}: E{I} ~ N(0, 1), as nn.Embedding's.");
            w.Line($"global::NetGen.Runtime.Initializers.Normal(Layer{I}Embedding, 1.0, ref state);");
        }

        // Token ids as int64, then Gather of their rows: [N·T, 1] → [N·T, 1, dim] → rows of dim.
        public override void EmitOnnx(CodeWriter w, string module)
        {
            ParameterTensor table = Tensors[0];
            w.Line($"x = g.Node(\"Cast\", new[] {{ x }}, global::NetGen.IO.OnnxAttribute.Int(\"to\", 7));");
            w.Line($"x = g.Node(\"Gather\", new[] {{ g.Initializer(\"{module}.{table.Name}\", {ShapeLiteral(table)}, {table.View}), x }}, global::NetGen.IO.OnnxAttribute.Int(\"axis\", 0));");
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {D}) }});");
        }

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>The row of E{I} of a token id held as a {T}: the id times {D}. The entry points checked every id; this checks again, so no path reads outside E{I}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static nuint Row{I}({T} token, int position)"))
            {
                w.Line("int id = (int)token;");
                using (w.Block($"if ((uint)id >= {V}u || id != token)"))
                {
                    w.Line($"global::NetGen.Runtime.Guard.ThrowToken(token, {V}, position, \"input\");");
                }

                w.Line("return (nuint)id;");
            }

            w.Line();
            w.Line($"/// <summary>Layer {I} (Embedding) forward for one example: a{I}[t] = E{I}[x_t] for each of the {Tn} steps.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            using (w.Block($"for (int t = 0; t < {Tn}; t++)"))
            {
                w.Line($"nuint row = Row{I}(Unsafe.Add(ref x, t), t);");
                w.Line(Copy($"Unsafe.Add(ref p, {E} + (row * {D}))", $"Unsafe.Add(ref a, (nuint)t * {D})", D.ToString(CultureInfo.InvariantCulture)));
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels) => EmitForwardBatchPerExample(w, t, "Embedding");

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I} (Embedding) backward: E{I}[x_t] += α·δ{I}[t] for every step of every example (the first layer: no δ of its input).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} d, int count)"))
            using (w.Block($"for (int r = 0; r < count * {Tn}; r++)"))
            {
                w.Line($"nuint row = Row{I}(Unsafe.Add(ref x, r), r % {Tn});");
                w.Line($"{kernels.Axpy(D)}(ref Unsafe.Add(ref target, {E} + (row * {D})), alpha, ref Unsafe.Add(ref d, (nuint)r * {D}));");
            }
        }
    }
}
