namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// The backward pass of attention, over a mini-batch: δo from the output projection for all rows, each example's heads
    /// (δv, the softmax's Jacobian, δq and δk) into δqkv, δx from the input projection; then, with every δ taken from the
    /// weights before any update, the four tensors' gradients. δqkv, the rows of δp and δo live in the delta buffer's part
    /// after the outputs' δ (the layer's own, mirroring what the forward pass stored there).
    /// </summary>
    internal sealed partial class AttentionLayer
    {
        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            EmitAttendBackward(w, t, kernels);
            w.Line();
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line("/// <summary>");
            w.Line($"/// Layer {I} (attention) backward for a mini-batch: δo = δ{I}·W_out{I}, each example's heads into δqkv" + (Previous is null ? string.Empty : $", δ{Previous.Index} = δqkv·W_in{I} (⊙ f′)") + ", with the weights before any update;");
            w.Line($"/// then W_out{I} += α·Σ δ{I}ᵀ·o, b_out{I} += α·Σ δ{I}, W_in{I} += α·Σ δqkvᵀ·x, b_in{I} += α·Σ δqkv.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} y, ref {T} d{dxParameter}, int count)"))
            {
                EmitStoredRefs(w, T, "y");
                w.Line($"ref {T} dqkv = ref Unsafe.Add(ref d, (nuint)count * {OutputWidth});");
                w.Line($"ref {T} dprobabilities = ref Unsafe.Add(ref dqkv, (nuint)count * {QkvWidth});");
                w.Line($"ref {T} dout = ref Unsafe.Add(ref dprobabilities, (nuint)count * {ProbabilityWidth});");
                w.Line($"// δo[r, :] = Σ_o δ{I}[r, o]·W_out{I}[o, :]");
                w.Line($"ref {T} w = ref Unsafe.Add(ref p, {Wout});");
                RowProduct.EmitInputDeltas(w, t, kernels, D, D, "d", "dout", "rows");
                using (w.Block("for (nuint e = 0; e < (nuint)count; e++)"))
                {
                    w.Line($"Layer{I}AttendBackward(ref Unsafe.Add(ref qkv, e * {QkvWidth}), ref Unsafe.Add(ref probabilities, e * {ProbabilityWidth}), ref Unsafe.Add(ref dout, e * {OutputWidth}), ref Unsafe.Add(ref dprobabilities, e * {ProbabilityWidth}), ref Unsafe.Add(ref dqkv, e * {QkvWidth}));");
                }

                if (Previous is not null)
                {
                    w.Line($"// δ{Previous.Index}[r, :] = Σ_o δqkv[r, o]·W_in{I}[o, :]");
                    w.Line($"w = ref Unsafe.Add(ref p, {Win});");
                    RowProduct.EmitInputDeltas(w, t, kernels, D, D3, "dqkv", "dx", "rows", "k");
                    EmitSourceDerivative(w, kernels, 0, "dx", "x", "rows");
                }

                w.Line();
                w.Line($"// W_out{I} += α·Σ_r δ{I}[r, :]ᵀ·o[r, :], b_out{I} += α·Σ_r δ{I}[r, :]");
                w.Line($"ref {T} twOut = ref Unsafe.Add(ref target, {Wout});");
                RowProduct.EmitWeightGradient(w, kernels, D, D, "mix", "d", "rows", "twOut");
                w.Line($"{kernels.SumRows(D)}(ref d, rows, ref Unsafe.Add(ref target, {Bout}), alpha);");
                w.Line($"// W_in{I} += α·Σ_r δqkv[r, :]ᵀ·x[r, :], b_in{I} += α·Σ_r δqkv[r, :]");
                w.Line($"ref {T} twIn = ref Unsafe.Add(ref target, {Win});");
                RowProduct.EmitWeightGradient(w, kernels, D, D3, "x", "dqkv", "rows", "twIn");
                w.Line($"{kernels.SumRows(D3)}(ref dqkv, rows, ref Unsafe.Add(ref target, {Bin}), alpha);");
            }
        }

        /// <summary>Layer{l}AttendBackward(ref qkv, ref probabilities, ref dout, ref dprobabilities, ref dqkv): one example's heads, δo to δqkv.</summary>
        private void EmitAttendBackward(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dot = kernels.Dot(Dh);
            string axpy = kernels.Axpy(Dh);
            w.Line($"/// <summary>Layer {I}: one example's heads backward: δv_j += p[i, j]·δo_i, δp[i, j] = δo_i·v_j, δs = p ⊙ (δp − Σ_k p·δp) per row, δq_i += δs[i, j]·k_j/√{Dh}, δk_j += δs[i, j]·q_i/√{Dh}.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}AttendBackward(ref {T} qkv, ref {T} probabilities, ref {T} dout, ref {T} dprobabilities, ref {T} dqkv)"))
            {
                w.Line($"MemoryMarshal.CreateSpan(ref dqkv, {QkvWidth}).Clear();");
                using (w.Block($"for (nuint h = 0; h < {H}; h++)"))
                using (w.Block($"for (nuint i = 0; i < {Tn}; i++)"))
                {
                    w.Line($"ref {T} doi = ref Unsafe.Add(ref dout, (i * {D}) + (h * {Dh}));");
                    w.Line($"ref {T} row = ref Unsafe.Add(ref probabilities, ((h * {Tn}) + i) * {Tn});");
                    w.Line($"ref {T} drow = ref Unsafe.Add(ref dprobabilities, ((h * {Tn}) + i) * {Tn});");
                    w.Line(Causal ? "nuint steps = i + 1; // causal: p[i, j] = 0 after i" : $"nuint steps = {Tn};");
                    w.Line($"{T} weighted = {t.Zero}; // Σ_k p[i, k]·δp[i, k]");
                    using (w.Block("for (nuint j = 0; j < steps; j++)"))
                    {
                        w.Line($"nuint vj = (j * {D3}) + {2 * D} + (h * {Dh});");
                        w.Line($"{T} dp = {dot}(ref doi, ref Unsafe.Add(ref qkv, vj));");
                        w.Line("Unsafe.Add(ref drow, j) = dp;");
                        w.Line("weighted += Unsafe.Add(ref row, j) * dp;");
                        w.Line($"{axpy}(ref Unsafe.Add(ref dqkv, vj), Unsafe.Add(ref row, j), ref doi);");
                    }

                    w.Line($"ref {T} qi = ref Unsafe.Add(ref qkv, (i * {D3}) + (h * {Dh}));");
                    w.Line($"ref {T} dqi = ref Unsafe.Add(ref dqkv, (i * {D3}) + (h * {Dh}));");
                    using (w.Block("for (nuint j = 0; j < steps; j++)"))
                    {
                        w.Line($"nuint kj = (j * {D3}) + {D} + (h * {Dh});");
                        w.Line($"{T} ds = Unsafe.Add(ref row, j) * (Unsafe.Add(ref drow, j) - weighted) * {Scale(t)};");
                        w.Line($"{axpy}(ref dqi, ds, ref Unsafe.Add(ref qkv, kj));");
                        w.Line($"{axpy}(ref Unsafe.Add(ref dqkv, kj), ds, ref qi);");
                    }
                }
            }
        }
    }
}
