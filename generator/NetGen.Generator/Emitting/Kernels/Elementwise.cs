using System;

namespace NetGen.Generator.Emitting
{
    // Elementwise row updates: y += α·x (Axpy), the backward row AccumulateRow, the fused SGD row UpdateRow,
    // the generic one-pass loop they are written with (EmitElementwise), and the shared MultiplyAdd helper.
    internal sealed partial class Kernels
    {
        /// <summary>y += α·x; signature (ref T y, T alpha, ref T x).</summary>
        public string Axpy(int n) => Request(Kind.Axpy, n);

        /// <summary>g += δ·x and dx += δ·w in one pass; signature (ref T g, ref T x, ref T w, ref T dx, T delta).</summary>
        public string AccumulateRow(int n) => Request(Kind.AccumulateRow, n);

        /// <summary>dx += δ·w (old w), then w −= step·x, in one pass; signature (ref T w, ref T x, ref T dx, T delta, T step).</summary>
        public string UpdateRow(int n) => Request(Kind.UpdateRow, n);

        private void EmitMultiplyAdd(CodeWriter w)
        {
            foreach (int bits in s_widths)
            {
                string v = $"Vector{bits}<{_t.Type}>";
                w.Line($"/// <summary>a·b + c: one fused instruction where the CPU has FMA (.NET 9+), else a multiply and an add (never a slow software FMA).</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                using (w.Block($"internal static {v} MultiplyAdd({v} a, {v} b, {v} c)"))
                {
                    w.Line("#if NET9_0_OR_GREATER");
                    w.Line($"return Vector{bits}.MultiplyAddEstimate(a, b, c);");
                    w.Line("#else");
                    w.Line("return (a * b) + c;");
                    w.Line("#endif");
                }

                w.Line();
            }
        }

        private void EmitElementwise(
            CodeWriter w,
            int n,
            string summary,
            string signature,
            string[] broadcasts,
            Func<VectorSpec, string, string[]> body,
            bool vectorize = true)
        {
            w.Line(summary);
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"internal static void {signature}"))
            {
                ForEachVectorPath(w, vectorize ? n : 0, (v, bits, lanes, vectors) =>
                {
                    int unrolled = vectors / 4 * 4;
                    w.Line($"// {n} = {Describe(n, lanes, unrolled, vectors)}");
                    foreach (string name in broadcasts)
                    {
                        w.Line($"Vector{bits}<{_t.Type}> {VectorSpec.BroadcastName(name)} = Vector{bits}.Create({name});");
                    }

                    if (unrolled > 0)
                    {
                        using (w.Block($"for (nuint i = 0; i < {unrolled * lanes}; i += {4 * lanes})"))
                        {
                            for (int k = 0; k < 4; k++)
                            {
                                EmitBody(w, body(v, Offset("i", k * lanes)));
                            }
                        }
                    }

                    for (int k = unrolled; k < vectors; k++)
                    {
                        EmitBody(w, body(v, Lit(k * lanes)));
                    }

                    var scalar = new VectorSpec(0, 1, _t);
                    EmitScalarTail(w, vectors * lanes, n, i => body(scalar, i));
                    w.Line("return;");
                });

                var s = new VectorSpec(0, 1, _t);
                EmitScalarTail(w, 0, n, i => body(s, i));
            }
        }
    }
}
