using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emitting.Activations;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// The sum a residual ends with, a = f(B(x) + S(x)), S the identity without a shortcut: two values in, their sum out, an
    /// activation after it computed in the same pass. Its backward pass hands δ to both paths unchanged (∂(u + v)/∂u = 1);
    /// the value x both paths read gets the sum of their deltas, as every value read twice does.
    /// </summary>
    internal sealed class AddLayer : ParameterFreeLayer
    {
        /// <summary>The twin's module: y = body(x) + shortcut(x), the identity without a shortcut.</summary>
        private const string ResidualClass =
            "class Residual(torch.nn.Module):              # y = body(x) + shortcut(x); the identity without a shortcut\n" +
            "    def __init__(self, body, shortcut=None):\n" +
            "        super().__init__()\n" +
            "        self.body = body\n" +
            "        if shortcut is not None:\n" +
            "            self.shortcut = shortcut\n" +
            "    def forward(self, x):\n" +
            "        return self.body(x) + (self.shortcut(x) if hasattr(self, \"shortcut\") else x)";

        private readonly AddModel _m;

        public AddLayer(LayerContext context, AddModel model)
            : base(context)
        {
            _m = model;
            Activation = context.Activation;
            ActivationModule = context.ActivationModule;
            Rows = context.Node.Rows;
        }

        public Activation Activation { get; }

        private string? ActivationModule { get; }

        /// <summary>Rows per example: 1, or T on a sequence.</summary>
        public int Rows { get; }

        public override int Inputs => (int)_m.Shape.Values;

        public override int Outputs => (int)_m.Shape.Values;

        public override int InputWidth => Rows * Inputs;

        public override int OutputRows => Rows;

        private string Paths => $"block {_m.Body}" + (_m.Shortcut is null ? string.Empty : $", shortcut {_m.Shortcut}");

        protected override string TorchConstructor => "Residual";

        public override IEnumerable<TorchModule> TorchModules
        {
            get
            {
                yield return new TorchModule(Module, "Residual")
                {
                    Children = _m.Shortcut is null ? new[] { "body" } : new[] { "body", "shortcut" },
                    Helpers = new[] { ResidualClass },
                };
                if (ActivationModule is not null)
                {
                    yield return new TorchModule(ActivationModule, Activation.TorchModule);
                }
            }
        }

        public override string Modules => $"Residual({Paths})" + (Activation is Identity ? string.Empty : ", " + Activation.Name);

        public override string TopologyToken => "residual";

        public override string Summary => $"Residual ({Paths}) + {Activation.Name,-10} → {_m.Shape}, no parameters";

        public override long ForwardFlops => OutputWidth;

        public override long BackwardFlops => 0;

        private string SourceName(int i) => Sources[i] is { } source ? source.OutputName : "x";

        public override IEnumerable<string> ForwardEquations => new[]
        {
            $"a{I} = {Activation.Name}({SourceName(0)} + {SourceName(1)})   (residual: {Paths}{(_m.Shortcut is null ? ", shortcut the identity" : string.Empty)})",
        };

        public override IEnumerable<string> BackwardEquations =>
            Sources.Where(s => s is not null).Select(s => $"δ{s!.Index} += δ{I}   (both paths of the residual get its δ)");

        public override string? OutputDerivativeEquation => Activation is Identity ? null : Activation.DerivativeEquation;

        public override bool HasOutputDerivative => Activation is not Identity;

        public override void EmitOutputDerivative(CodeWriter w, Kernels kernels, string delta, string outputs, string? count = null) =>
            Activation.EmitDerivative(w, kernels, Index, delta, outputs, Outputs, count);

        public override int StreamScratch => Outputs;

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch) =>
            throw new InvalidOperationException("A residual reads two values.");

        /// <summary>One step of the sum: this step's row of each path, added, then the activation.</summary>
        public override void EmitStreamStep(CodeWriter w, Numeric t, IReadOnlyList<string> inputs, string output, string state, string scratch)
        {
            w.Line($"// Layer {I}: the residual's sum at this step");
            w.Line($"Layer{I}{(Rows > 1 ? "ForwardRow" : "Forward")}(ref p, ref {inputs[0]}, ref {inputs[1]}, ref {scratch});");
            w.Line($"ref {t.Type} {output} = ref {scratch};");
        }

        public override void EmitOnnx(CodeWriter w, string module, IReadOnlyList<string> sources)
        {
            w.Line($"x = g.Node(\"Add\", new[] {{ {sources[0]}, {sources[1]} }});");
            string? activation = Activation.Onnx("g", "x");
            if (activation is not null)
            {
                w.Line($"x = {activation};");
            }
        }

        public override void EmitOnnx(CodeWriter w, string module) =>
            throw new InvalidOperationException("A residual reads two values.");

        public override void EmitForward(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line($"/// <summary>Layer {I} (residual) forward for one example: {Escape(ForwardEquations.First())}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Forward(ref {t.Type} p, ref {t.Type} u, ref {t.Type} v, ref {t.Type} a)"))
            {
                w.Line($"{kernels.SumActivation(Activation, OutputWidth)}(ref u, ref v, ref a);");
            }

            if (Rows > 1)
            {
                w.Line();
                w.Line($"/// <summary>Layer {I} (residual) forward for one step of a stream: one row of each path.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                using (w.Block($"private static void Layer{I}ForwardRow(ref {t.Type} p, ref {t.Type} u, ref {t.Type} v, ref {t.Type} a)"))
                {
                    w.Line($"{kernels.SumActivation(Activation, Outputs)}(ref u, ref v, ref a);");
                }
            }
        }

        public override void EmitForwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line($"/// <summary>Layer {I} (residual) forward for a mini-batch: row n of y is {Activation.Name} of row n of u plus row n of v.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ForwardBatch(ref {t.Type} p, ref {t.Type} u, ref {t.Type} v, ref {t.Type} y, int count, ref {t.Type} s)"))
            {
                using (w.Block("for (nuint n = 0; n < (nuint)count; n++)"))
                {
                    w.Line($"nuint k = n * {OutputWidth};");
                    w.Line($"{kernels.SumActivation(Activation, OutputWidth)}(ref Unsafe.Add(ref u, k), ref Unsafe.Add(ref v, k), ref Unsafe.Add(ref y, k));");
                }
            }
        }

        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            var parameters = new List<string>();
            for (int i = 0; i < Sources.Count; i++)
            {
                if (Sources[i] is not null)
                {
                    parameters.Add($"ref {T} dx{i}");
                }
            }

            w.Line($"/// <summary>Layer {I} (residual) backward: δ of each path's value is δ{I} (⊙ that path's f′).</summary>");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x0, ref {T} x1, ref {T} d{string.Concat(parameters.Select(q => ", " + q))}, int count)"))
            {
                string rows = Rows > 1 ? $"(nuint)count * {Rows}" : "(nuint)count";
                for (int i = 0; i < Sources.Count; i++)
                {
                    if (Sources[i] is not null)
                    {
                        w.Line(Copy("d", "dx" + i, $"count * {OutputWidth}"));
                        EmitSourceDerivative(w, kernels, i, "dx" + i, "x" + i, rows);
                    }
                }
            }
        }
    }
}
