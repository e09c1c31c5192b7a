using System;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Streaming causal attention with a key/value cache: the state is the number of steps so far, then k and v of each of
    /// them (T × 2·dim, zeros after ResetState). A step projects its input to q, k and v, appends k and v to the cache, and
    /// attends from q over the cached steps (itself included), as Predict's row i attends over j ≤ i, with the same
    /// kernels: O(t·dim) per step instead of recomputing the prefix. A stream holds at most T steps (the positions the
    /// network was declared with); the next Step throws until ResetState.
    /// </summary>
    internal sealed partial class AttentionLayer
    {
        public override bool Streams => Causal;

        public override bool BoundsStream => true;

        public override int StreamState => Causal ? 1 + (Tn * 2 * D) : 0;

        /// <summary>This step's q·k·v, its row of scores over the steps, the heads' mix o, the output.</summary>
        public override int StreamScratch => D3 + Tn + D + D;

        public override void EmitStreamCheck(CodeWriter w, Numeric t, string state) =>
            w.Line($"global::NetGen.Runtime.Guard.StreamPosition({state}, {Tn}, \"MultiHeadAttention layer {I}\");");

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            if (!Causal)
            {
                throw new InvalidOperationException("Attention without the causal mask reads the steps to come: a network with it has no Step.");
            }

            string T = t.Type;
            w.Line($"// Layer {I}: q, k, v of this step; k and v appended to the cache; each head attends over the steps so far.");
            w.Line($"ref {T} count{I} = ref {state};");
            w.Line($"nuint at{I} = (nuint)count{I}; // checked by StreamPosition above");
            w.Line($"ref {T} cache{I} = ref Unsafe.Add(ref count{I}, 1);");
            w.Line($"ref {T} qkv{I} = ref {scratch};");
            w.Line($"ref {T} row{I} = ref Unsafe.Add(ref qkv{I}, {D3});");
            w.Line($"ref {T} mix{I} = ref Unsafe.Add(ref row{I}, {Tn});");
            w.Line($"ref {T} {output} = ref Unsafe.Add(ref mix{I}, {D});");
            w.Line($"Layer{I}InProjectionRows(ref p, ref {input}, ref qkv{I}, 0, 1);");
            w.Line($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref qkv{I}, {D}), {2 * D}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref cache{I}, at{I} * {2 * D}), {2 * D}));");
            w.Line($"Layer{I}AttendStep(ref qkv{I}, ref cache{I}, ref row{I}, ref mix{I}, at{I} + 1);");
            w.Line($"count{I} = ({T})(at{I} + 1);");
            w.Line($"Layer{I}OutProjectionRows(ref p, ref mix{I}, ref {output}, 0, 1);");
        }

        /// <summary>Layer{l}AttendStep: one step's heads over the cached k and v of the steps so far (Attend's row, the same arithmetic).</summary>
        private void EmitAttendStep(CodeWriter w, Numeric t, Kernels kernels)
        {
            if (!Causal)
            {
                return;
            }

            string T = t.Type;
            w.Line();
            w.Line($"/// <summary>Layer {I}, streaming: for each of the {H} heads, p[j] = softmax_j(q·k_j/√{Dh}) over the cached steps j &lt; steps and o = Σ_j p[j]·v_j.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void Layer{I}AttendStep(ref {T} qkv, ref {T} cache, ref {T} row, ref {T} mix, nuint steps)"))
            using (w.Block($"for (nuint h = 0; h < {H}; h++)"))
            {
                w.Line($"ref {T} q = ref Unsafe.Add(ref qkv, h * {Dh});");
                EmitHeadRow(w, t, kernels, "q", j => $"Unsafe.Add(ref cache, ({j} * {2 * D}) + (h * {Dh}))", j => $"Unsafe.Add(ref cache, ({j} * {2 * D}) + {D} + (h * {Dh}))", $"Unsafe.Add(ref mix, h * {Dh})", storeProbabilities: false);
            }
        }
    }
}
