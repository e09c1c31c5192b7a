namespace NetGen.Generator.Emitting.Heads
{
    /// <summary>
    /// Softmax output with cross-entropy loss on integer labels. Only the true-class term of the loss is
    /// computed, through a stable log-sum-exp: ℓ = log Σⱼ e^(zⱼ − m) + m − z_y with m = maxⱼ zⱼ, which stays
    /// finite for logits of any magnitude. The gradient is fused: ∂ℓ/∂z = p − onehot(y).
    /// </summary>
    internal sealed class SoftmaxHead : Head
    {
        public SoftmaxHead(int classes, Numeric t)
            : base(classes, t)
        {
        }

        public override string Description => $"softmax over {K} classes, cross-entropy loss on integer labels";

        public override string PredictDescription => $"{K} softmax probabilities, summing to 1";

        public override string DeltaEquation => "p − onehot(y)";

        public override string TorchPredict(string outputs) => $"torch.softmax({outputs}, dim=-1)";

        public override bool IntegerLabels => true;

        public override bool CanClassify => true;

        public override void EmitPredict(CodeWriter w, string z, string output) => w.Line($"Softmax(ref {z}, ref {output});");

        public override string Loss(string z, string target) => $"CrossEntropy(ref {z}, {target})";

        public override string LossAndDelta(string z, string target, string scale, string d) => $"CrossEntropyDelta(ref {z}, {target}, {scale}, ref {d})";

        public override string[] Equations => new[]
        {
            $"p = softmax(z), pⱼ = e^(zⱼ − m) / Σₖ e^(zₖ − m), m = maxₖ zₖ   (z = logits, {K} classes)",
            "ℓ(z, y) = log Σⱼ e^(zⱼ − m) + m − z_y   (true-class term only, stable log-sum-exp)",
            "∂ℓ/∂z = p − onehot(y)   (fused softmax + cross-entropy gradient)",
        };

        // Over the last axis: each row of K outputs (each step's, for a network that returns sequences).
        public override string? Onnx(string graph, string x) => $"{graph}.Node(\"Softmax\", new[] {{ {x} }}, global::NetGen.IO.OnnxAttribute.Int(\"axis\", -1))";

        public override void EmitMembers(CodeWriter w)
        {
            string t = T.Type;
            string m = T.Math;

            w.Line("/// <summary>p = softmax(z) over the logits, with the maximum subtracted before exponentiating.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Softmax(ref {t} z, ref {t} p)"))
            {
                EmitMax(w);
                w.Line($"{t} sum = {T.Zero};");
                using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
                {
                    w.Line($"{t} e = {m}.Exp(Unsafe.Add(ref z, j) - max);");
                    w.Line("Unsafe.Add(ref p, j) = e;");
                    w.Line("sum += e;");
                }

                w.Line($"{t} inverse = {T.One} / sum;");
                using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
                {
                    w.Line("Unsafe.Add(ref p, j) *= inverse;");
                }
            }

            w.Line();
            w.Line("/// <summary>ℓ = log Σⱼ e^(zⱼ − m) + m − z_y: the cross-entropy of softmax(z) against label y, true-class term only.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static {t} CrossEntropy(ref {t} z, int label)"))
            {
                EmitMax(w);
                w.Line($"{t} sum = {T.Zero};");
                using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
                {
                    w.Line($"sum += {m}.Exp(Unsafe.Add(ref z, j) - max);");
                }

                w.Line($"return {m}.Log(sum) + max - Unsafe.Add(ref z, (nuint)label);");
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Loss and output delta in one pass: returns ℓ(z, y) and writes d = scale·(p − onehot(y)),");
            w.Line("/// the gradient of scale·ℓ with respect to the logits (scale = 1/batch for the mean loss).");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static {t} CrossEntropyDelta(ref {t} z, int label, {t} scale, ref {t} d)"))
            {
                EmitMax(w);
                w.Line($"{t} sum = {T.Zero};");
                using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
                {
                    w.Line($"{t} e = {m}.Exp(Unsafe.Add(ref z, j) - max);");
                    w.Line("Unsafe.Add(ref d, j) = e;");
                    w.Line("sum += e;");
                }

                w.Line($"{t} factor = scale / sum;");
                using (w.Block($"for (nuint j = 0; j < {K}; j++)"))
                {
                    w.Line("Unsafe.Add(ref d, j) *= factor;");
                }

                w.Line("Unsafe.Add(ref d, (nuint)label) -= scale;");
                w.Line($"return {m}.Log(sum) + max - Unsafe.Add(ref z, (nuint)label);");
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The index of the largest logit (the first one on ties): softmax is monotonic, so no exponentials are needed.");
            w.Line("/// -1 when a logit is NaN: no class is more probable than another then (a NaN input makes every logit NaN).");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static int ArgMax(ref {t} z)"))
            {
                w.Line("int best = 0;");
                w.Line($"{t} max = z;");
                using (w.Block($"if ({t}.IsNaN(max))"))
                {
                    w.Line("return -1;");
                }

                w.Line();
                using (w.Block($"for (int j = 1; j < {K}; j++)"))
                {
                    w.Line($"{t} v = Unsafe.Add(ref z, j);");
                    using (w.Block("if (v > max)"))
                    {
                        w.Line("max = v;");
                        w.Line("best = j;");
                    }
                    using (w.Block($"else if ({t}.IsNaN(v))"))
                    {
                        w.Line("return -1;");
                    }
                }

                w.Line("return best;");
            }
        }

        private void EmitMax(CodeWriter w)
        {
            w.Line($"{T.Type} max = z;");
            using (w.Block($"for (nuint j = 1; j < {K}; j++)"))
            {
                w.Line($"max = {T.Math}.Max(max, Unsafe.Add(ref z, j));");
            }
        }
    }
}
