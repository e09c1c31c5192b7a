using System.Globalization;

namespace NetGen.Generator.Emitting
{
    /// <summary>Writes the float exp, sigmoid and tanh kernels that <see cref="Kernels"/> registered.</summary>
    internal sealed class TranscendentalWriter : KernelWriter
    {
        /// <summary>The widths the float transcendentals are written for (0 = scalar).</summary>
        private static readonly int[] s_transcendentalWidths = { 512, 256, 128, 0 };

        public TranscendentalWriter(Numeric t)
            : base(t)
        {
        }

        internal void EmitTranscendentals(CodeWriter w)
        {
            foreach (int bits in s_transcendentalWidths)
            {
                string v = bits == 0 ? "float" : $"Vector{bits}<float>";
                string c(double value) => bits == 0 ? FloatLiteral(value) : $"Vector{bits}.Create({FloatLiteral(value)})";
                w.Line($"/// <summary>e^x for {(bits == 0 ? "a float" : "each lane")}: x clamped to [−87, 88], x = k·ln 2 + r, e^r by Cephes' expf polynomial, times 2^k; NaN stays NaN.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                using (w.Block($"internal static {v} ExpF({v} x)"))
                {
                    // a·b + c fused, one rounding: the same in every lane and in the scalar tail (software-fused where no FMA unit is).
                    string fma(string a, string b, string addend) => bits == 0 ? $"MathF.FusedMultiplyAdd({a}, {b}, {addend})" : $"Vector{bits}.FusedMultiplyAdd({a}, {b}, {addend})";
                    if (bits == 0)
                    {
                        w.Line("float y = MathF.Min(MathF.Max(x, -87f), 88f);");
                        w.Line($"float k = MathF.Floor({fma("y", "1.44269504f", "0.5f")});");
                    }
                    else
                    {
                        w.Line($"{v} y = Vector{bits}.Min(Vector{bits}.Max(x, {c(-87)}), {c(88)});");
                        w.Line($"{v} k = Vector{bits}.Floor({fma("y", c(1.44269504), c(0.5))});");
                    }

                    w.Line($"{v} r = {fma("k", c(2.12194440e-4), fma("k", c(-0.693359375), "y"))};");
                    w.Line($"{v} p = {c(1.9875691500e-4)};");
                    foreach (double coefficient in new[] { 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1 })
                    {
                        w.Line($"p = {fma("p", "r", c(coefficient))};");
                    }

                    w.Line($"p = {fma("p", "r * r", "r")} + {c(1)};");
                    if (bits == 0)
                    {
                        w.Line("float e = p * BitConverter.Int32BitsToSingle(((int)k + 127) << 23);");
                        w.Line("return float.IsNaN(x) ? x : e;");
                    }
                    else
                    {
                        w.Line($"{v} e = p * Vector{bits}.ShiftLeft(Vector{bits}.ConvertToInt32(k) + Vector{bits}.Create(127), 23).AsSingle();");
                        w.Line($"return Vector{bits}.ConditionalSelect(Vector{bits}.Equals(x, x), e, x);");
                    }
                }

                w.Line();
                w.Line("/// <summary>σ(x) = 1/(1 + e^−x) with <see cref=\"ExpF(float)\"/>.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                w.Line($"internal static {v} SigmoidF({v} x) => {c(1)} / ({c(1)} + ExpF(-x));");
                w.Line();
                w.Line("/// <summary>tanh(x) = 1 − 2/(e^2x + 1) with <see cref=\"ExpF(float)\"/>: saturates to ±1, absolute error about 1e-7.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                w.Line($"internal static {v} TanhF({v} x) => {c(1)} - ({c(2)} / (ExpF(x + x) + {c(1)}));");
                w.Line();
            }
        }

        private static string FloatLiteral(double value)
        {
            string text = ((float)value).ToString("R", CultureInfo.InvariantCulture);
            if (text.IndexOfAny(new[] { '.', 'E' }) < 0)
            {
                text += ".0";
            }

            return text + "f";
        }
    }
}
