namespace NetGen.Generator.Emitting.Heads
{
    /// <summary>
    /// Regression: the outputs as they are, mean squared error on float targets averaged over the outputs
    /// (PyTorch's MSELoss with mean reduction): ℓ = (1/K) Σⱼ (yⱼ − tⱼ)², ∂ℓ/∂y = 2(y − t)/K.
    /// </summary>
    internal sealed class IdentityHead : Head
    {
        public IdentityHead(int outputs, Numeric t)
            : base(outputs, t)
        {
        }

        public override string Description => $"identity over {K} outputs, mean squared error on float targets (regression)";

        public override string PredictDescription => $"the {K} outputs";

        public override string DeltaEquation => $"2(y − t) / {K}";

        public override string TorchPredict(string outputs) => outputs;

        public override bool IntegerLabels => false;

        public override string[] Equations => new[]
        {
            $"y = output of the last layer   ({K} outputs)",
            $"ℓ(y, t) = (1/{K}) Σⱼ (yⱼ − tⱼ)²   (mean squared error)",
            $"∂ℓ/∂y = 2(y − t) / {K}",
        };

        public override void EmitPredict(CodeWriter w, string z, string output) =>
            w.Line($"MemoryMarshal.CreateReadOnlySpan(ref {z}, {K}).CopyTo(MemoryMarshal.CreateSpan(ref {output}, {K}));");

        public override string Loss(string z, string target) => $"SquaredError(ref {z}, {target})";

        public override string LossAndDelta(string z, string target, string scale, string d) => $"SquaredErrorDelta(ref {z}, {target}, {scale}, ref {d})";

        public override string? Onnx(string graph, string x) => null;

        public override void EmitMembers(CodeWriter w)
        {
            string t = T.Type;
            w.Line("/// <summary>ℓ = (1/K) Σⱼ (yⱼ − tⱼ)².</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static {t} SquaredError(ref {t} y, ref {t} target)"))
            {
                w.Line($"{t} sum = {T.Zero};");
                using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
                {
                    w.Line($"{t} e = Unsafe.Add(ref y, j) - Unsafe.Add(ref target, j);");
                    w.Line("sum += e * e;");
                }

                w.Line($"return sum / {K};");
            }

            w.Line();
            w.Line("/// <summary>Loss and delta in one pass: returns ℓ(y, t) and writes d = scale·2(y − t)/K.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static {t} SquaredErrorDelta(ref {t} y, ref {t} target, {t} scale, ref {t} d)"))
            {
                w.Line($"{t} sum = {T.Zero};");
                w.Line($"{t} factor = {T.Literal(2)} * scale / {K};");
                using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
                {
                    w.Line($"{t} e = Unsafe.Add(ref y, j) - Unsafe.Add(ref target, j);");
                    w.Line("sum += e * e;");
                    w.Line("Unsafe.Add(ref d, j) = factor * e;");
                }

                w.Line($"return sum / {K};");
            }
        }
    }
}
