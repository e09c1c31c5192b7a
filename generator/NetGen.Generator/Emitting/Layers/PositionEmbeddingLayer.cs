using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// A learned position embedding: a = x + P, P the T × dim table (row t added to step t of every example). The backward
    /// pass hands δ on unchanged and adds Σ over the examples of δ to P's gradient.
    /// </summary>
    internal sealed class PositionEmbeddingLayer : Layer
    {
        /// <summary>The twin's module: PyTorch has no learned table added to a sequence (nn.Embedding is looked up by index).</summary>
        private const string PositionClass =
            "class PositionEmbedding(torch.nn.Module):\n" +
            "    \"\"\"A learned table of T x dim values added to every example ([N, T, dim]).\"\"\"\n" +
            "    def __init__(self, steps, dim):\n" +
            "        super().__init__()\n" +
            "        self.weight = torch.nn.Parameter(torch.zeros(steps, dim))\n" +
            "    def forward(self, x):\n" +
            "        return x + self.weight";

        private readonly PositionEmbeddingModel _m;

        public PositionEmbeddingLayer(LayerContext context, PositionEmbeddingModel model)
            : base(context)
        {
            _m = model;
        }

        private int D => _m.Dim;

        private int Tn => _m.Steps;

        public override int Inputs => D;

        public override int Outputs => D;

        public override int InputWidth => Tn * D;

        public override int OutputRows => Tn;

        public override int ParameterCount => Tn * D;

        public override bool SupportsUpdate => false;

        public override int BatchScratch(Kernels kernels) => 0;

        /// <summary>The stream's position: the steps so far.</summary>
        public override int StreamState => 1;

        public override bool BoundsStream => true;

        public override int StreamScratch => D;

        public override void EmitStreamCheck(CodeWriter w, Numeric t, string state) =>
            w.Line($"global::NetGen.Runtime.Guard.StreamPosition({state}, {Tn}, \"PositionEmbedding layer {I}\");");

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            w.Line($"// Layer {I}: this step's input plus row t of P{I}, t the steps so far");
            w.Line($"ref {t.Type} position{I} = ref {state};");
            w.Line($"ref {t.Type} {output} = ref {scratch};");
            w.Line($"Layer{I}AddRow(ref {input}, ref Unsafe.Add(ref p, {P} + ((nuint)position{I} * {D})), ref {output});");
            w.Line($"position{I} += {t.One};");
        }

        public override string Modules => $"PositionEmbedding({Tn}, {D})";

        public override IEnumerable<TorchModule> TorchModules => new[] { new TorchModule(Module, $"PositionEmbedding({Tn}, {D})") { Helpers = new[] { PositionClass } } };

        public override string TopologyToken => "pos" + Tn.ToString(CultureInfo.InvariantCulture);

        public override string Summary => $"PositionEmbedding({D}) → {Tn} steps × {D}, {ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters";

        public override string Layout => "P (steps × dim, row-major)";

        public override long ForwardFlops => OutputWidth;

        public override long BackwardFlops => OutputWidth;

        public override IEnumerable<string> ForwardEquations => new[] { $"a{I}[t] = {InputName}[t] + P{I}[t],  P{I} ∈ ℝ^{Tn}×{D} learned" };

        public override IEnumerable<string> BackwardEquations => Previous is null
            ? Array.Empty<string>()
            : new[] { $"δ{Previous.Index} = δ{I}" + (Previous.OutputDerivativeEquation is { } derivative ? $" ⊙ f′({Previous.OutputName}),  {derivative}" : string.Empty) };

        public override string GradientEquation => "∂L/∂P_l = Σ_batch δ_l   (a position embedding)";

        public override IReadOnlyList<ParameterTensor> Tensors => new[]
        {
            new ParameterTensor("weight", new[] { Tn, D }, P, Tn * D, $"Layer{I}Positions", $"P{I}, the positions of layer {I}: {Tn} steps × {D}, row-major."),
        };

        private string P => "P" + I;

        public override void EmitConstants(CodeWriter w)
        {
            w.Line($"/// <summary>Offset of P{I} ({Tn}×{D}) in <see cref=\"Parameters\"/>.</summary>");
            w.Line($"private const int {P} = {ParameterOffset};");
            w.Line($"/// <summary>Offset of a{I} ({Tn} steps × {D}) in an activation (or delta) buffer.</summary>");
            w.Line($"private const int {A} = {ActivationOffset};");
        }

        public override void EmitInitialization(CodeWriter w)
        {
            w.Line($"// Layer {I}: P{I} ~ N(0, 0.02²), as GPT-2's positions.");
            w.Line($"global::NetGen.Runtime.Initializers.Normal(Layer{I}Positions, 0.02, ref state);");
        }

        // The rows of an example seen as [N, T, dim], the table added (broadcast over N), rows again.
        public override void EmitOnnx(CodeWriter w, string module)
        {
            ParameterTensor table = Tensors[0];
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {Tn}, {D}) }});");
            w.Line($"x = g.Node(\"Add\", new[] {{ x, g.Initializer(\"{module}.{table.Name}\", {ShapeLiteral(table)}, {table.View}) }});");
            w.Line($"x = g.Node(\"Reshape\", new[] {{ x, g.Int64s(-1, {D}) }});");
        }

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"/// <summary>Layer {I}, streaming: y = x + the row of P{I} at the step's position.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Line($"private static void Layer{I}AddRow(ref {T} x, ref {T} row, ref {T} y) => {kernels.SumActivation(Identity.Instance, D)}(ref x, ref row, ref y);");
            w.Line();
            w.Line($"/// <summary>Layer {I} (PositionEmbedding) forward for one example: a{I} = x + P{I}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {T} p, ref {T} x, ref {T} a)"))
            {
                w.Line($"{kernels.SumActivation(Identity.Instance, OutputWidth)}(ref x, ref Unsafe.Add(ref p, {P}), ref a);");
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels) => EmitForwardBatchPerExample(w, t, "PositionEmbedding");

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} (PositionEmbedding) backward: " + (Previous is null ? string.Empty : $"δ{Previous.Index} = δ{I} (⊙ f′), then ") + $"P{I} += α·Σ_n δ{I}[n].</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} d{dxParameter}, int count)"))
            {
                if (Previous is not null)
                {
                    w.Line($"MemoryMarshal.CreateReadOnlySpan(ref d, count * {OutputWidth}).CopyTo(MemoryMarshal.CreateSpan(ref dx, count * {OutputWidth}));");
                    EmitSourceDerivative(w, kernels, 0, "dx", "x", $"(nuint)count * {Tn}");
                }

                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"{kernels.Axpy(OutputWidth)}(ref Unsafe.Add(ref target, {P}), alpha, ref Unsafe.Add(ref d, n * {OutputWidth}));");
                }
            }
        }
    }
}
