namespace NetGen.Generator.Emitting.Heads
{
    /// <summary>
    /// Softmax output with cross-entropy loss on integer labels. Only the true-class term of the loss is
    /// computed, through a stable log-sum-exp: ℓ = log Σⱼ e^(zⱼ − m) + m − z_y with m = maxⱼ zⱼ, which stays
    /// finite for logits of any magnitude. The gradient is fused: ∂ℓ/∂z = p − onehot(y).
    /// </summary>
    internal sealed class SoftmaxHead
    {
        private readonly int _k;
        private readonly Numeric _t;

        public SoftmaxHead(int classes, Numeric t)
        {
            _k = classes;
            _t = t;
        }

        public string[] Equations => new[]
        {
            $"p = softmax(z), pⱼ = e^(zⱼ − m) / Σₖ e^(zₖ − m), m = maxₖ zₖ   (z = logits, {_k} classes)",
            "ℓ(z, y) = log Σⱼ e^(zⱼ − m) + m − z_y   (true-class term only, stable log-sum-exp)",
            "∂ℓ/∂z = p − onehot(y)   (fused softmax + cross-entropy gradient)",
        };

        public void EmitMembers(CodeWriter w)
        {
            string t = _t.Type;
            string m = _t.Math;

            w.Line("/// <summary>p = softmax(z) over the logits, with the maximum subtracted before exponentiating.</summary>");
            using (w.Block($"private static void Softmax(ref {t} z, ref {t} p)"))
            {
                EmitMax(w);
                w.Line($"{t} sum = {_t.Zero};");
                using (w.Block($"for (nuint j = 0; j < {_k}; j++)"))
                {
                    w.Line($"{t} e = {m}.Exp(Unsafe.Add(ref z, j) - max);");
                    w.Line("Unsafe.Add(ref p, j) = e;");
                    w.Line("sum += e;");
                }

                w.Line($"{t} inverse = {_t.One} / sum;");
                using (w.Block($"for (nuint j = 0; j < {_k}; j++)"))
                {
                    w.Line("Unsafe.Add(ref p, j) *= inverse;");
                }
            }

            w.Line();
            w.Line("/// <summary>ℓ = log Σⱼ e^(zⱼ − m) + m − z_y: the cross-entropy of softmax(z) against label y, true-class term only.</summary>");
            using (w.Block($"private static {t} CrossEntropy(ref {t} z, int label)"))
            {
                EmitMax(w);
                w.Line($"{t} sum = {_t.Zero};");
                using (w.Block($"for (nuint j = 0; j < {_k}; j++)"))
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
            using (w.Block($"private static {t} CrossEntropyDelta(ref {t} z, int label, {t} scale, ref {t} d)"))
            {
                EmitMax(w);
                w.Line($"{t} sum = {_t.Zero};");
                using (w.Block($"for (nuint j = 0; j < {_k}; j++)"))
                {
                    w.Line($"{t} e = {m}.Exp(Unsafe.Add(ref z, j) - max);");
                    w.Line("Unsafe.Add(ref d, j) = e;");
                    w.Line("sum += e;");
                }

                w.Line($"{t} factor = scale / sum;");
                using (w.Block($"for (nuint j = 0; j < {_k}; j++)"))
                {
                    w.Line("Unsafe.Add(ref d, j) *= factor;");
                }

                w.Line("Unsafe.Add(ref d, (nuint)label) -= scale;");
                w.Line($"return {m}.Log(sum) + max - Unsafe.Add(ref z, (nuint)label);");
            }

            w.Line();
            w.Line("/// <summary>The index of the largest logit (the first one on ties): softmax is monotonic, so no exponentials are needed.</summary>");
            using (w.Block($"private static int ArgMax(ref {t} z)"))
            {
                w.Line("int best = 0;");
                w.Line($"{t} max = z;");
                using (w.Block($"for (int j = 1; j < {_k}; j++)"))
                {
                    w.Line($"{t} v = Unsafe.Add(ref z, j);");
                    using (w.Block("if (v > max)"))
                    {
                        w.Line("max = v;");
                        w.Line("best = j;");
                    }
                }

                w.Line("return best;");
            }
        }

        private void EmitMax(CodeWriter w)
        {
            w.Line($"{_t.Type} max = z;");
            using (w.Block($"for (nuint j = 1; j < {_k}; j++)"))
            {
                w.Line($"max = {_t.Math}.Max(max, Unsafe.Add(ref z, j));");
            }
        }
    }
}
