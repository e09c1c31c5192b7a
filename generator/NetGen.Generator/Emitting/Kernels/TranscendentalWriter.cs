using System.Globalization;

namespace NetGen.Generator.Emitting
{
    /// <summary>Writes the float exp, sigmoid, tanh, GELU and SiLU kernels that <see cref="Kernels"/> registered.</summary>
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

        /// <summary>
        /// Φ (through erfc), GELU and SiLU with their δ·f′ on <c>ExpF</c>, for one width (0 = scalar). erfc(x) for x ≥ 0 is
        /// the Chebyshev fit t·e^(−x² + P(t)), t = 1/(1 + x/2), P of degree 9 (Numerical Recipes' erfcc), relative error below
        /// 1.2e-7 everywhere, so Φ(z) = erfc(−z/√2)/2 stays accurate in the far negative tail where 1 + erf(z/√2) cancels.
        /// </summary>
        internal void EmitSmoothActivations(CodeWriter w)
        {
            foreach (int bits in s_transcendentalWidths)
            {
                EmitSmooth(w, bits);
            }
        }

        private static void EmitSmooth(CodeWriter w, int bits)
        {
            string v = bits == 0 ? "float" : $"Vector{bits}<float>";
            string c(double value) => bits == 0 ? FloatLiteral(value) : $"Vector{bits}.Create({FloatLiteral(value)})";
            string fma(string a, string b, string addend) => bits == 0 ? $"MathF.FusedMultiplyAdd({a}, {b}, {addend})" : $"Vector{bits}.FusedMultiplyAdd({a}, {b}, {addend})";
            w.Line("/// <summary>");
            w.Line("/// erfc(a/√2)/2 = Φ(−a) for a ≥ 0 (or NaN): t·e^(−a²/2 + P(t))/2, t = 1/(1 + a/(2√2)); −a²/2 + P is one fused");
            w.Line("/// multiply-add, so its rounding (not that of a/√2, which e^−x² would magnify) is the tail's only loss.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static {v} HalfErfcScaledF({v} a)"))
            {
                w.Line($"{v} t = {c(1)} / ({c(1)} + ({c(0.35355339059327376)} * a));");
                w.Line($"{v} p = {c(0.17087277)};");
                foreach (double coefficient in new[] { -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223 })
                {
                    w.Line($"p = {fma("p", "t", c(coefficient))};");
                }

                w.Line($"return {c(0.5)} * t * ExpF({fma($"{c(-0.5)} * a", "a", "p")});");
            }

            w.Line();
            w.Line("/// <summary>Φ(z), the standard normal distribution function: Φ(−|z|), reflected for z ≥ 0.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"private static {v} PhiF({v} z)"))
            {
                w.Line($"{v} e = HalfErfcScaledF({(bits == 0 ? "MathF.Abs(z)" : $"Vector{bits}.Abs(z)")});");
                w.Line(bits == 0
                    ? "return z < 0f ? e : 1f - e;"
                    : $"return Vector{bits}.ConditionalSelect(Vector{bits}.LessThan(z, {v}.Zero), e, {c(1)} - e);");
            }

            w.Line();
            w.Line("/// <summary>GELU(z) = z·Φ(z), the exact form.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Line($"internal static {v} GeluF({v} z) => z * PhiF(z);");
            w.Line();
            w.Line("/// <summary>δ·GELU′(z) = δ·(Φ(z) + z·φ(z)), φ(z) = e^(−z²/2)/√(2π).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Line($"internal static {v} GeluBackwardF({v} d, {v} z) => d * (PhiF(z) + (z * {c(0.398942280401432678)} * ExpF({c(-0.5)} * z * z)));");
            w.Line();
            w.Line("/// <summary>SiLU(z) = z·σ(z).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Line($"internal static {v} SiluF({v} z) => z * SigmoidF(z);");
            w.Line();
            w.Line("/// <summary>δ·SiLU′(z) = δ·σ(z)·(1 + z·(1 − σ(z))).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"internal static {v} SiluBackwardF({v} d, {v} z)"))
            {
                w.Line($"{v} s = SigmoidF(z);");
                w.Line($"return d * s * ({c(1)} + (z * ({c(1)} - s)));");
            }

            w.Line();
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
