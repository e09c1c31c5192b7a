using System;

namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// Streaming a causal convolution: step t's window reads the inputs of steps t − (k − 1)·d … t, so the layer keeps the
    /// last (k − 1)·d inputs in a ring buffer (state[0] the slot of the oldest, then the ring, zeros after ResetState: the
    /// zero steps before the sequence). Each step reads its taps from the ring, computes one row, and overwrites the oldest
    /// input with the new one; the work per step does not depend on the dilation.
    /// </summary>
    internal sealed partial class Conv1DLayer
    {
        public override bool Streams => _m.Streaming != Model.StreamRole.Never;

        public override int StreamState => History > 0 ? (History * Cin) + 1 : 0;

        public override int StreamScratch => K == 1 ? Cout : Kc + Cout;

        public override void EmitStreamStep(CodeWriter w, Numeric t, string input, string output, string state, string scratch)
        {
            if (!Streams)
            {
                throw new InvalidOperationException("A convolution that is not causal reads steps after t: a network with it has no Step.");
            }

            string T = t.Type;
            if (K == 1)
            {
                w.Line($"// Layer {I}: one tap, so this step's input is its window: one row of the product");
                w.Line($"Layer{I}ForwardRows(ref p, ref {input}, ref {scratch}, 0, 1);");
                w.Line($"ref {T} {output} = ref {scratch};");
                return;
            }

            w.Line($"// Layer {I}: the window of this step, its taps from the ring of the last {History} inputs and the new input, then one row of the product");
            w.Line($"ref {T} window{I} = ref {scratch};");
            w.Line($"ref {T} slots{I} = ref {state};");
            w.Line($"ref {T} ring{I} = ref Unsafe.Add(ref slots{I}, 1);");
            w.Line($"nuint oldest{I} = global::NetGen.Runtime.Guard.RingSlot(slots{I}, {History}, \"Conv1D layer {I}\");");
            using (w.Block($"for (nuint k = 0; k < {K - 1}; k++)"))
            {
                w.Line($"nuint slot = oldest{I} + (k * {D});");
                w.Line($"ref {T} at = ref Unsafe.Add(ref ring{I}, (slot < {History} ? slot : slot - {History}) * {Cin});");
                using (w.Block($"for (nuint c = 0; c < {Cin}; c++)"))
                {
                    w.Line($"Unsafe.Add(ref window{I}, (c * {K}) + k) = Unsafe.Add(ref at, c);");
                }
            }

            using (w.Block($"for (nuint c = 0; c < {Cin}; c++)"))
            {
                w.Line($"Unsafe.Add(ref window{I}, (c * {K}) + {K - 1}) = Unsafe.Add(ref {input}, c);");
            }

            w.Line($"MemoryMarshal.CreateReadOnlySpan(ref {input}, {Cin}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref ring{I}, oldest{I} * {Cin}), {Cin})); // the new input over the oldest");
            w.Line($"slots{I} = oldest{I} + 1 < {History} ? ({T})(oldest{I} + 1) : {t.Zero};");
            w.Line($"Layer{I}ForwardRows(ref p, ref window{I}, ref Unsafe.Add(ref window{I}, {Kc}), 0, 1);");
            w.Line($"ref {T} {output} = ref Unsafe.Add(ref window{I}, {Kc});");
        }
    }
}
