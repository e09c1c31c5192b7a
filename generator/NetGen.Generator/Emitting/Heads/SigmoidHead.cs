namespace NetGen.Generator.Emitting.Heads
{
    /// <summary>
    /// Independent sigmoid outputs (multi-label) with binary cross-entropy on float targets t ∈ [0, 1], computed from
    /// the logits in the stable log-sigmoid form ℓⱼ = max(zⱼ, 0) − zⱼtⱼ + log(1 + e^−|zⱼ|), averaged over the outputs
    /// (PyTorch's BCEWithLogitsLoss with mean reduction). The gradient is fused: ∂ℓ/∂zⱼ = (σ(zⱼ) − tⱼ) / K.
    /// </summary>
    internal sealed class SigmoidHead : Head
    {
        public SigmoidHead(int outputs, Numeric t)
            : base(outputs, t)
        {
        }

        public override string Description => $"sigmoid over {K} independent outputs, binary cross-entropy on float targets";

        public override string PredictDescription => $"{K} independent probabilities σ(z)";

        public override string DeltaEquation => $"(σ(z) − t) / {K}";

        public override string TorchPredict(string outputs) => $"torch.sigmoid({outputs})";

        public override bool IntegerLabels => false;

        public override string[] Equations => new[]
        {
            $"p = σ(z) = 1 / (1 + e^−z)   (z = logits, {K} independent outputs)",
            $"ℓ(z, t) = (1/{K}) Σⱼ max(zⱼ, 0) − zⱼ·tⱼ + log(1 + e^−|zⱼ|)   (binary cross-entropy, stable log-sigmoid form)",
            $"∂ℓ/∂z = (σ(z) − t) / {K}   (fused sigmoid + cross-entropy gradient)",
        };

        public override void EmitPredict(CodeWriter w, string z, string output)
        {
            using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
            {
                w.Line($"Unsafe.Add(ref {output}, j) = {T.One} / ({T.One} + {T.Math}.Exp(-Unsafe.Add(ref {z}, j)));");
            }
        }

        public override string Loss(string z, string target) => $"BinaryCrossEntropy(ref {z}, {target})";

        public override string LossAndDelta(string z, string target, string scale, string d) => $"BinaryCrossEntropyDelta(ref {z}, {target}, {scale}, ref {d})";

        public override string? Onnx(string graph, string x) => $"{graph}.Node(\"Sigmoid\", new[] {{ {x} }})";

        public override void EmitMembers(CodeWriter w)
        {
            string t = T.Type;
            w.Line("/// <summary>ℓ = (1/K) Σⱼ max(zⱼ, 0) − zⱼtⱼ + log(1 + e^−|zⱼ|): binary cross-entropy from logits, finite for any z.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static {t} BinaryCrossEntropy(ref {t} z, ref {t} target)"))
            {
                w.Line($"{t} sum = {T.Zero};");
                using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
                {
                    w.Line($"{t} zj = Unsafe.Add(ref z, j);");
                    w.Line($"sum += {T.Math}.Max(zj, {T.Zero}) - (zj * Unsafe.Add(ref target, j)) + {T.Math}.Log({T.One} + {T.Math}.Exp(-{T.Math}.Abs(zj)));");
                }

                w.Line($"return sum / {K};");
            }

            w.Line();
            w.Line("/// <summary>Loss and delta in one pass: returns ℓ(z, t) and writes d = scale·(σ(z) − t)/K.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static {t} BinaryCrossEntropyDelta(ref {t} z, ref {t} target, {t} scale, ref {t} d)"))
            {
                w.Line($"{t} sum = {T.Zero};");
                w.Line($"{t} factor = scale / {K};");
                using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
                {
                    w.Line($"{t} zj = Unsafe.Add(ref z, j);");
                    w.Line($"{t} tj = Unsafe.Add(ref target, j);");
                    w.Line($"{t} e = {T.Math}.Exp(-{T.Math}.Abs(zj));");
                    w.Line($"sum += {T.Math}.Max(zj, {T.Zero}) - (zj * tj) + {T.Math}.Log({T.One} + e);");
                    w.Line($"{t} p = zj >= {T.Zero} ? {T.One} / ({T.One} + e) : e / ({T.One} + e); // σ(z) without overflow");
                    w.Line("Unsafe.Add(ref d, j) = factor * (p - tj);");
                }

                w.Line($"return sum / {K};");
            }
        }
    }
}
