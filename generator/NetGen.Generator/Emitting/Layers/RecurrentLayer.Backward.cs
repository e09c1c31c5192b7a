using System;
using System.Collections.Generic;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Backpropagation through time: for each example, the segments of K steps from the last to the first (with
    /// checkpointing, each segment's records recomputed from its checkpoint first); in a segment, the steps backwards
    /// (δh_t from the layer above and from step t+1, the cell's gate deltas, δh_{t−1} = W_hhᵀ·δg_t), then the segment's
    /// input deltas and its share of the parameter gradient, added to the layer's gradient for the batch. Only when every
    /// example is done is target += α·gradient: every delta was taken with the weights before the step.
    /// </summary>
    internal abstract partial class RecurrentLayer
    {
        public override void EmitBackwardBatch(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line("/// <summary>");
            w.Line($"/// Layer {I} backward for count examples (outputs and step records at y, their deltas at d): backpropagation through time");
            w.Line($"/// for every example{(Previous is null ? string.Empty : " and its input deltas into dx")}, with the layer's gradient summed in s; then target += α·gradient.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}BackwardBatch(ref {T} p, ref {T} target, {T} alpha, ref {T} x, ref {T} y, ref {T} d{dxParameter}, ref {T} s, int count)"))
            {
                w.Line("nuint m = (nuint)count;");
                w.Line($"ref {T} st = ref Unsafe.Add(ref y, m * {OutputWidth});");
                w.Line($"ref {T} dst = ref Unsafe.Add(ref d, m * {OutputWidth});");
                w.Line($"MemoryMarshal.CreateSpan(ref s, {ParameterCount}).Clear();");
                using (w.Block($"if (count < {Lockstep})"))
                {
                    using (w.Block("for (nuint n = 0; n < m; n++)"))
                    {
                        string dx = Previous is null ? string.Empty : $"ref Unsafe.Add(ref dx, n * {InputWidth}), ";
                        w.Line($"Layer{I}Through(ref p, ref Unsafe.Add(ref x, n * {InputWidth}), ref Unsafe.Add(ref st, n * {InternalWidth}), ref Unsafe.Add(ref d, n * {OutputWidth}), ref Unsafe.Add(ref dst, n * {InternalWidth}), {dx}ref s);");
                    }
                }
                using (w.Block("else"))
                {
                    if (Checkpointing)
                    {
                        w.Line($"Layer{I}Transpose(ref p, ref Unsafe.Add(ref s, {ParameterCount})); // for the segments recomputed in lockstep");
                    }

                    w.Line($"// In lockstep, groups of {Group} examples: step t of a group's examples at once.");
                    using (w.Block($"for (nuint n = 0; n < m; n += {Group})"))
                    {
                        string dx = Previous is null ? string.Empty : $"ref Unsafe.Add(ref dx, n * {InputWidth}), ";
                        w.Line($"Layer{I}ThroughGroup(ref p, ref Unsafe.Add(ref x, n * {InputWidth}), ref Unsafe.Add(ref st, n * {InternalWidth}), ref Unsafe.Add(ref d, n * {OutputWidth}), ref Unsafe.Add(ref dst, n * {InternalWidth}), {dx}ref s, m - n < {Group} ? m - n : {Group});");
                    }
                }

                w.Line();
                w.Line("// Every example's deltas are known: now the step (or the gradient). W_ih's part of s is transposed (inputs × G·H).");
                using (w.Block($"for (nuint o = 0; o < {GH}; o++)"))
                {
                    w.Line($"ref {T} row = ref Unsafe.Add(ref target, {WI} + (o * {Inputs}));");
                    using (w.Block($"for (nuint i = 0; i < {Inputs}; i++)"))
                    {
                        w.Line($"Unsafe.Add(ref row, i) += alpha * Unsafe.Add(ref s, (i * {GH}) + o);");
                    }
                }

                w.Line($"{kernels.Axpy(ParameterCount - (GH * Inputs))}(ref Unsafe.Add(ref target, {WH}), alpha, ref Unsafe.Add(ref s, {GH * Inputs}));");
            }

            w.Line();
            EmitThrough(w, t, kernels);
            w.Line();
            EmitThroughGroup(w, t, kernels);
            w.Line();
            w.Line($"/// <summary>The cell of layer {I} backwards for one example: " + CellBackwardComment + "</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}CellBack(ref {T} previous, ref {T} current, ref {T} dg, ref {T} work)"))
            {
                EmitCellBackward(w, t, kernels);
            }
        }

        /// <summary>Examples per lockstep group of the backward pass (the rows of the widest Gemm kernel).</summary>
        private const int Group = 8;

        /// <summary>Values of a step's gate deltas the rank update of W_hh reads: G·H, or up to the last hidden segment's.</summary>
        private int DeltaWidth
        {
            get
            {
                int width = GH;
                foreach ((int _, int rows, int offset) in HiddenSegments)
                {
                    width = Math.Max(width, offset + rows);
                }

                return width;
            }
        }

        /// <summary>Offset in the backward scratch of a lockstep group's recomputed segment records (checkpointing), after the gradient and the transposed weights.</summary>
        private int GroupRecordsOffset => ParameterCount + (Checkpointing ? TransposedWidth : 0);

        /// <summary>Offset in the backward scratch of the packed rows of a group's segment (h_{t−1}, then δg_t) for the rank update of W_hh.</summary>
        private int PackOffset => GroupRecordsOffset + (Checkpointing ? Group * (K + 1) * StepWidth : 0);

        /// <summary>Rows a group's segment packs: at most Group × K.</summary>
        private int PackRows => Group * K;

        public override void EmitUpdate(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $", ref {T} dx";
            w.Line($"/// <summary>Layer {I} backward fused with SGD for one example: the mini-batch backward pass with the parameters as its target.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Update(ref {T} p, ref {T} x, ref {T} y, ref {T} d{dxParameter}, ref {T} s, {T} rate)"))
            {
                w.Line($"Layer{I}BackwardBatch(ref p, ref p, -rate, ref x, ref y, ref d{(Previous is null ? string.Empty : ", ref dx")}, ref s, 1);");
            }
        }

        /// <summary>Backpropagation through time for one example, segment by segment, adding its gradient to grad.</summary>
        private void EmitThrough(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            string dxParameter = Previous is null ? string.Empty : $"ref {T} dx, ";
            w.Line($"/// <summary>");
            w.Line($"/// Backpropagation through time in layer {I} for one example (inputs x, step records st, output deltas dy): over segments of {K} steps,");
            w.Line($"/// last first, {(Checkpointing ? "each recomputed from its checkpoint after the gradient in s, " : string.Empty)}the steps backwards with the gate deltas of step t in record t − t0 + 1 of");
            w.Line($"/// dst and δh running in its work area; then the segment's {(Previous is null ? string.Empty : "input deltas and its ")}share of the gradient, added to grad.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}Through(ref {T} p, ref {T} x, ref {T} st, ref {T} dy, ref {T} dst, {dxParameter}ref {T} grad)"))
            {
                w.Line($"ref {T} wh = ref Unsafe.Add(ref p, {WH});");
                w.Line($"ref {T} work = ref Unsafe.Add(ref dst, {WorkOffset});");
                w.Line($"MemoryMarshal.CreateSpan(ref work, {GH}).Clear();");
                if (!ReturnSequences)
                {
                    w.Line($"MemoryMarshal.CreateReadOnlySpan(ref dy, {H}).CopyTo(MemoryMarshal.CreateSpan(ref work, {H})); // δh_T from the layer above");
                }

                using (w.Block($"for (nuint segment = {Segments}; segment-- > 0;)"))
                {
                    w.Line($"nuint t0 = segment * {K};");
                    w.Line($"nuint t1 = t0 + {K} < {Steps} ? t0 + {K} : {Steps};");
                    if (Checkpointing)
                    {
                        w.Line($"// Recompute the segment's records from its checkpoint, exactly as the forward pass computed them.");
                        w.Line($"ref {T} records = ref Unsafe.Add(ref grad, {ParameterCount});");
                        w.Line($"ref {T} gh = ref Unsafe.Add(ref st, {WorkOffset});");
                        w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref st, segment * {StepWidth}), {StepWidth}).CopyTo(MemoryMarshal.CreateSpan(ref records, {StepWidth}));");
                        using (w.Block("for (nuint t = t0; t < t1; t++)"))
                        {
                            w.Line($"ref {T} before = ref Unsafe.Add(ref records, (t - t0) * {StepWidth});");
                            w.Line($"Layer{I}Step(ref p, ref Unsafe.Add(ref x, t * {Inputs}), ref before, ref Unsafe.Add(ref before, {StepWidth}), ref gh, t == 0);");
                        }
                    }
                    else
                    {
                        w.Line($"ref {T} records = ref Unsafe.Add(ref st, t0 * {StepWidth});");
                    }

                    using (w.Block("for (nuint t = t1; t-- > t0;)"))
                    {
                        if (ReturnSequences)
                        {
                            w.Line($"{kernels.Axpy(H)}(ref work, {t.One}, ref Unsafe.Add(ref dy, t * {H})); // + δh_t from the layer above");
                        }

                        w.Line($"ref {T} previous = ref Unsafe.Add(ref records, (t - t0) * {StepWidth});");
                        w.Line($"ref {T} current = ref Unsafe.Add(ref previous, {StepWidth});");
                        w.Line($"ref {T} dg = ref Unsafe.Add(ref dst, (t - t0 + 1) * {StepWidth});");
                        w.Line($"Layer{I}CellBack(ref previous, ref current, ref dg, ref work);");
                        using (w.Block("if (t > 0)"))
                        {
                            w.Line("// δh_{t−1} = " + HiddenDeltaEquation);
                            EmitHiddenDelta(w, t, kernels);
                        }
                    }

                    w.Line();
                    if (Previous is not null)
                    {
                        EmitInputDeltas(w, t, kernels);
                    }

                    EmitAccumulate(w, t, kernels);
                }
            }
        }

        /// <summary>δh_{t−1} into the work area from the gate deltas dg of step t (and what the cell left in the work area).</summary>
        private void EmitHiddenDelta(CodeWriter w, Numeric t, Kernels kernels)
        {
            bool first = true;
            foreach ((int row, int rows, int offset) in HiddenSegments)
            {
                w.Line($"{kernels.Gemm(1, H)}(ref Unsafe.Add(ref wh, {row * H}), {H}, ref Unsafe.Add(ref dg, {offset}), 1, 0, {rows}, ref work, {H}, {t.One}, accumulate: {(first ? "false" : "true")});");
                first = false;
            }

            EmitDirectPath(w, t, kernels);
        }

        /// <summary>Whether δh_{t−1} takes more than W_hhᵀ·δg_t (<see cref="EmitDirectPath"/> writes something).</summary>
        protected virtual bool HasDirectPath => false;

        /// <summary>What δh_{t−1} takes besides W_hhᵀ·δg_t, from what the cell left in the work area (nothing by default).</summary>
        protected virtual void EmitDirectPath(CodeWriter w, Numeric t, Kernels kernels)
        {
        }

        /// <summary>δx_t = W_ihᵀ·δg_t for the segment's steps, into the input deltas (8 steps at a time), weights before any update.</summary>
        private void EmitInputDeltas(CodeWriter w, Numeric t, Kernels kernels)
        {
            w.Line($"// The segment's input deltas: δx_t = W_ihᵀ·δg_t.");
            w.Line($"ref {t.Type} wi = ref Unsafe.Add(ref p, {WI});");
            w.Line("nuint s8 = t0;");
            using (w.Block("for (; s8 + 8 <= t1; s8 += 8)"))
            {
                w.Line($"{kernels.Gemm(8, Inputs)}(ref wi, {Inputs}, ref Unsafe.Add(ref dst, (s8 - t0 + 1) * {StepWidth}), 1, {StepWidth}, {GH}, ref Unsafe.Add(ref dx, s8 * {Inputs}), {Inputs}, {t.One}, accumulate: false);");
            }

            using (w.Block("for (; s8 < t1; s8++)"))
            {
                w.Line($"{kernels.Gemm(1, Inputs)}(ref wi, {Inputs}, ref Unsafe.Add(ref dst, (s8 - t0 + 1) * {StepWidth}), 1, 0, {GH}, ref Unsafe.Add(ref dx, s8 * {Inputs}), {Inputs}, {t.One}, accumulate: false);");
            }
        }

        /// <summary>The segment's share of the gradient into grad: rank-(t1 − t0) updates of W_ih and W_hh, and the bias sums.</summary>
        private void EmitAccumulate(CodeWriter w, Numeric t, Kernels kernels)
        {
            EmitInputWeightGradient(w, t, kernels);
            w.Line($"// ∂W_hh += Σ_t δg_t·h_{{t−1}}ᵀ over the segment's steps (h_{{−1}} = 0 adds nothing), 8 rows at a time.");
            w.Line("nuint from = t0 == 0 ? 1 : t0;");
            EmitRankUpdate(w, kernels, $"ref Unsafe.Add(ref grad, {GH * Inputs})", $"Unsafe.Add(ref records, ((from - t0) * {StepWidth}) + {CellWidth})", H, StepWidth, $"Unsafe.Add(ref dst, (from - t0 + 1) * {StepWidth})", StepWidth, "t1 - from");
            EmitBiasGradient(w, t, kernels);
        }

        /// <summary>∂b_ih and ∂b_hh += the segment's gate deltas.</summary>
        private void EmitBiasGradient(CodeWriter w, Numeric t, Kernels kernels)
        {
            int bi = GH * (Inputs + H);
            int bh = bi + GH;
            using (w.Block("for (nuint t = t0; t < t1; t++)"))
            {
                w.Line($"ref {t.Type} dg = ref Unsafe.Add(ref dst, (t - t0 + 1) * {StepWidth});");
                w.Line($"{kernels.Axpy(GH)}(ref Unsafe.Add(ref grad, {bi}), {t.One}, ref dg);");
                foreach ((int row, int rows, int offset) in HiddenSegments)
                {
                    w.Line($"{kernels.Axpy(rows)}(ref Unsafe.Add(ref grad, {bh + row}), {t.One}, ref Unsafe.Add(ref dg, {offset}));");
                }
            }
        }

        /// <summary>∂W_ih += Σ_t δg_t·x_tᵀ over the segment's steps of one example.</summary>
        private void EmitInputWeightGradient(CodeWriter w, Numeric t, Kernels kernels)
        {
            string T = t.Type;
            w.Line($"// ∂W_ih += Σ_t δg_t·x_tᵀ, kept transposed (inputs × G·H): one row per input, G·H long; zero inputs add nothing.");
            using (w.Block("for (nuint t = t0; t < t1; t++)"))
            {
                w.Line($"ref {T} xt = ref Unsafe.Add(ref x, t * {Inputs});");
                w.Line($"ref {T} dgt = ref Unsafe.Add(ref dst, (t - t0 + 1) * {StepWidth});");
                using (w.Block($"for (nuint i = 0; i < {Inputs}; i++)"))
                {
                    w.Line($"{T} xi = Unsafe.Add(ref xt, i);");
                    using (w.Block($"if (xi != {t.Zero})"))
                    {
                        w.Line($"{kernels.Axpy(GH)}(ref Unsafe.Add(ref grad, i * {GH}), xi, ref dgt);");
                    }
                }
            }
        }

        /// <summary>
        /// W_hh[o, :] += Σ_r δ[r, o]·v[r, :] over rows rows (v of width n, stride vs; δ with stride ds), for each hidden segment
        /// of W_hh's rows (first row, rows, offset of its δ), 8 rows at a time; the rows count is an expression.
        /// </summary>
        private void EmitRankUpdate(CodeWriter w, Kernels kernels, string target, string v, int n, int vs, string deltas, int ds, string rows)
        {
            foreach ((int row, int count, int offset) in HiddenSegments)
            {
                int rows8 = count / 8 * 8;
                if (rows8 > 0)
                {
                    using (w.Block($"for (nuint o = 0; o < {rows8}; o += 8)"))
                    {
                        w.Line($"{kernels.Gemm(8, n)}(ref {v}, {vs}, ref Unsafe.Add(ref {deltas}, {offset} + o), {ds}, 1, {rows}, ref Unsafe.Add({target}, ({row} + o) * {n}), {n}, 1, accumulate: true);");
                    }
                }

                if (count > rows8)
                {
                    using (w.Block($"for (nuint o = {rows8}; o < {count}; o++)"))
                    {
                        w.Line($"{kernels.Gemm(1, n)}(ref {v}, {vs}, ref Unsafe.Add(ref {deltas}, {offset} + o), {ds}, 0, {rows}, ref Unsafe.Add({target}, ({row} + o) * {n}), {n}, 1, accumulate: true);");
                    }
                }
            }
        }
    }
}
