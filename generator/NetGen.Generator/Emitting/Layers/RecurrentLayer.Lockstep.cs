namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Backpropagation through time for a group of examples in lockstep: the same recursion as Layer{l}Through, with step t
    /// of every example of the group at once, so that δh_{t−1} = W_hhᵀ·δg_t reads W_hh once per step for the group instead
    /// of once per example. Each segment's share of W_hh's gradient is one rank update over the group's packed rows
    /// (h_{t−1}, δg_t), so the gradient is read and written once per segment for the group.
    /// </summary>
    /// <remarks>
    /// With checkpointing the group's segments are recomputed by the same lockstep steps as the forward pass, from the kept
    /// records: the records, and so the gradients, are bit-identical to the full mode's, which runs this same code.
    /// </remarks>
    internal abstract partial class RecurrentLayer
    {
        private void EmitThroughGroup(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $"ref {T} dx0, ";
            w.Line("/// <summary>");
            w.Line($"/// Backpropagation through time in layer {I} for count ≤ {Group} examples in lockstep (example n's inputs at x0 + n·{InputWidth}, its");
            w.Line($"/// stored values at st0 + n·{InternalWidth}, its output deltas at dy0 + n·{OutputWidth}): the segments of {K} steps, last first;");
            w.Line($"/// in a segment, step t of every example, then δh_{{t−1}} for all of them in one pass over W_hh; then each example's");
            w.Line($"/// {(Previous is null ? string.Empty : "input deltas and ")}W_ih and bias gradients, and W_hh's gradient as one rank update over the group's packed rows.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}ThroughGroup(ref {T} p, ref {T} x0, ref {T} st0, ref {T} dy0, ref {T} dst0, {dxParameter}ref {T} grad, nuint count)"))
            {
                w.Line($"ref {T} wh = ref Unsafe.Add(ref p, {WH});");
                w.Line($"ref {T} pack = ref Unsafe.Add(ref grad, {PackOffset}); // h_{{t−1}} rows of {H}");
                w.Line($"ref {T} packed = ref Unsafe.Add(ref pack, {PackRows * H}); // δg_t rows of {DeltaWidth}");
                using (w.Block("for (nuint n = 0; n < count; n++)"))
                {
                    w.Line($"ref {T} work = ref Unsafe.Add(ref dst0, (n * {InternalWidth}) + {WorkOffset});");
                    w.Line($"MemoryMarshal.CreateSpan(ref work, {GH}).Clear();");
                    if (!ReturnSequences)
                    {
                        w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref dy0, n * {OutputWidth}), {H}).CopyTo(MemoryMarshal.CreateSpan(ref work, {H})); // δh_T from the layer above");
                    }
                }

                using (w.Block($"for (nuint segment = {Segments}; segment-- > 0;)"))
                {
                    w.Line($"nuint t0 = segment * {K};");
                    w.Line($"nuint t1 = t0 + {K} < {Steps} ? t0 + {K} : {Steps};");
                    if (Checkpointing)
                    {
                        w.Line("// Recompute the group's records of the segment from its checkpoints, by the forward pass's own lockstep steps.");
                        w.Line($"ref {T} records0 = ref Unsafe.Add(ref grad, {GroupRecordsOffset});");
                        w.Line($"nuint rs = {(K + 1) * StepWidth};");
                        using (w.Block("for (nuint n = 0; n < count; n++)"))
                        {
                            w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref st0, (n * {InternalWidth}) + (segment * {StepWidth})), {StepWidth}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref records0, n * rs), {StepWidth}));");
                        }

                        using (w.Block("for (nuint t = t0; t < t1; t++)"))
                        {
                            w.Line($"ref {T} before = ref Unsafe.Add(ref records0, (t - t0) * {StepWidth});");
                            w.Line($"Layer{I}Steps(ref p, ref Unsafe.Add(ref grad, {ParameterCount}), ref Unsafe.Add(ref x0, t * {Inputs}), ref before, ref Unsafe.Add(ref before, {StepWidth}), rs, ref Unsafe.Add(ref st0, {WorkOffset}), count, t == 0);");
                        }
                    }
                    else
                    {
                        w.Line($"ref {T} records0 = ref Unsafe.Add(ref st0, t0 * {StepWidth});");
                        w.Line($"nuint rs = {InternalWidth};");
                    }

                    using (w.Block("for (nuint t = t1; t-- > t0;)"))
                    {
                        using (w.Block("for (nuint n = 0; n < count; n++)"))
                        {
                            w.Line($"ref {T} work = ref Unsafe.Add(ref dst0, (n * {InternalWidth}) + {WorkOffset});");
                            if (ReturnSequences)
                            {
                                w.Line($"{kernels.Axpy(H)}(ref work, {t.One}, ref Unsafe.Add(ref dy0, (n * {OutputWidth}) + (t * {H}))); // + δh_t from the layer above");
                            }

                            w.Line($"ref {T} previous = ref Unsafe.Add(ref records0, (n * rs) + ((t - t0) * {StepWidth}));");
                            w.Line($"Layer{I}CellBack(ref previous, ref Unsafe.Add(ref previous, {StepWidth}), ref Unsafe.Add(ref dst0, (n * {InternalWidth}) + ((t - t0 + 1) * {StepWidth})), ref work);");
                        }

                        using (w.Block("if (t > 0)"))
                        {
                            w.Line($"// δh_{{t−1}} = {HiddenDeltaEquation}, for the group in one pass over W_hh.");
                            w.Line($"ref {T} dg0 = ref Unsafe.Add(ref dst0, (t - t0 + 1) * {StepWidth});");
                            bool first = true;
                            foreach ((int row, int rows, int offset) in HiddenSegments)
                            {
                                w.Line($"{kernels.GemmMany(H)}(ref Unsafe.Add(ref wh, {row * H}), {H}, ref Unsafe.Add(ref dg0, {offset}), 1, {InternalWidth}, {rows}, ref Unsafe.Add(ref dst0, {WorkOffset}), {InternalWidth}, {t.One}, accumulate: {(first ? "false" : "true")}, count);");
                                first = false;
                            }

                            if (HasDirectPath)
                            {
                                using (w.Block("for (nuint n = 0; n < count; n++)"))
                                {
                                    w.Line($"ref {T} work = ref Unsafe.Add(ref dst0, (n * {InternalWidth}) + {WorkOffset});");
                                    EmitDirectPath(w, t, kernels);
                                }
                            }
                        }
                    }

                    w.Line();
                    w.Line("nuint packedRows = 0;");
                    using (w.Block("for (nuint n = 0; n < count; n++)"))
                    {
                        w.Line($"ref {T} x = ref Unsafe.Add(ref x0, n * {InputWidth});");
                        w.Line($"ref {T} dst = ref Unsafe.Add(ref dst0, n * {InternalWidth});");
                        w.Line($"ref {T} records = ref Unsafe.Add(ref records0, n * rs);");
                        if (Previous is not null)
                        {
                            w.Line($"ref {T} dx = ref Unsafe.Add(ref dx0, n * {InputWidth});");
                            EmitInputDeltas(w, t, kernels);
                        }

                        EmitInputWeightGradient(w, t, kernels);
                        EmitBiasGradient(w, t, kernels);
                        w.Line("// This example's rows for W_hh's gradient: h_{t−1} and δg_t for the segment's steps after the first step of all.");
                        using (w.Block("for (nuint t = t0 == 0 ? 1 : t0; t < t1; t++, packedRows++)"))
                        {
                            w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref records, ((t - t0) * {StepWidth}) + {CellWidth}), {H}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref pack, packedRows * {H}), {H}));");
                            w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref dst, (t - t0 + 1) * {StepWidth}), {DeltaWidth}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref packed, packedRows * {DeltaWidth}), {DeltaWidth}));");
                        }
                    }

                    w.Line($"// ∂W_hh += Σ δg_t·h_{{t−1}}ᵀ over the group's packed rows, 8 rows of W_hh at a time.");
                    EmitRankUpdate(w, kernels, $"ref Unsafe.Add(ref grad, {GH * Inputs})", "pack", H, H, "packed", DeltaWidth, "packedRows");
                }
            }
        }
    }
}
