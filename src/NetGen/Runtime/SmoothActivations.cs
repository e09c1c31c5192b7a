using System;
using System.ComponentModel;

namespace NetGen.Runtime
{
    /// <summary>
    /// What the generated code of [Gelu] and [Silu] calls: the functions and their derivatives times δ, computed in double
    /// (float arguments are widened, the result rounded once), and the error function they need, which .NET lacks.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class SmoothActivations
    {
        private const double SqrtHalf = 0.70710678118654752440;
        private const double TwoOverSqrtPi = 1.12837916709551257390;
        private const double OneOverSqrtPi = 0.56418958354775628695;
        private const double OneOverSqrtTwoPi = 0.39894228040143267794;

        /// <summary>Below it erf is summed as a series of positive terms, above it erfc is a continued fraction.</summary>
        private const double SeriesLimit = 2.5;

        /// <summary>GELU(z) = z·Φ(z) = z·erfc(−z/√2)/2 (the exact form, <c>nn.GELU()</c>).</summary>
        public static double Gelu(double z) => z * 0.5 * Erfc(-z * SqrtHalf);

        /// <inheritdoc cref="Gelu(double)"/>
        public static float Gelu(float z) => (float)Gelu((double)z);

        /// <summary>δ·GELU′(z) = δ·(Φ(z) + z·φ(z)).</summary>
        public static double GeluBackward(double delta, double z) =>
            delta * ((0.5 * Erfc(-z * SqrtHalf)) + (z * OneOverSqrtTwoPi * Math.Exp(-0.5 * z * z)));

        /// <inheritdoc cref="GeluBackward(double, double)"/>
        public static float GeluBackward(float delta, float z) => (float)GeluBackward((double)delta, (double)z);

        /// <summary>SiLU(z) = z·σ(z) = z/(1 + e^−z) (<c>nn.SiLU()</c>).</summary>
        public static double Silu(double z) => z / (1.0 + Math.Exp(-z));

        /// <inheritdoc cref="Silu(double)"/>
        public static float Silu(float z) => (float)Silu((double)z);

        /// <summary>δ·SiLU′(z) = δ·σ(z)·(1 + z·(1 − σ(z))).</summary>
        public static double SiluBackward(double delta, double z)
        {
            double s = 1.0 / (1.0 + Math.Exp(-z));
            return delta * s * (1.0 + (z * (1.0 - s)));
        }

        /// <inheritdoc cref="SiluBackward(double, double)"/>
        public static float SiluBackward(float delta, float z) => (float)SiluBackward((double)delta, (double)z);

        /// <summary>
        /// The error function erf(x) = (2/√π)∫₀ˣ e^−t² dt, to about 1e-15 relative: for |x| &lt; 2.5 the series
        /// (2/√π)·e^−x²·Σ 2ⁿx²ⁿ⁺¹/(2n+1)!!, whose terms are all of one sign (no cancellation), else 1 − erfc(|x|).
        /// </summary>
        public static double Erf(double x)
        {
            if (double.IsNaN(x))
            {
                return x;
            }

            double ax = Math.Abs(x);
            if (ax < SeriesLimit)
            {
                return ErfSeries(x);
            }

            double value = ax >= 6 ? 1.0 : 1.0 - ErfcFraction(ax); // erfc(6) ≈ 2e-17 is below half an ulp of 1
            return x < 0 ? -value : value;
        }

        /// <summary>
        /// The complementary error function erfc(x) = 1 − erf(x), accurate where erf is close to ±1: for x ≥ 2.5 the
        /// continued fraction (e^−x²/√π)/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), for x ≤ −2.5 two minus it at −x.
        /// </summary>
        public static double Erfc(double x)
        {
            if (double.IsNaN(x))
            {
                return x;
            }

            if (x >= SeriesLimit)
            {
                return ErfcFraction(x);
            }

            return x <= -SeriesLimit ? 2.0 - ErfcFraction(-x) : 1.0 - ErfSeries(x);
        }

        private static double ErfSeries(double x)
        {
            double x2 = 2.0 * x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
            {
                term *= x2 / ((2 * n) + 1);
                sum += term;
            }

            return TwoOverSqrtPi * Math.Exp(-x * x) * sum;
        }

        /// <summary>erfc(x) for x ≥ 2.5 by the modified Lentz method; 0 beyond where e^−x² underflows (and at +∞).</summary>
        private static double ErfcFraction(double x)
        {
            if (x > 27)
            {
                return 0.0;
            }

            const double Tiny = 1e-300;
            double f = x, c = x, d = 0;
            for (int n = 1; n < 500; n++)
            {
                double a = 0.5 * n;
                d = x + (a * d);
                d = Math.Abs(d) < Tiny ? Tiny : d;
                c = x + (a / c);
                c = Math.Abs(c) < Tiny ? Tiny : c;
                d = 1.0 / d;
                double delta = c * d;
                f *= delta;
                if (Math.Abs(delta - 1.0) < 1e-16)
                {
                    break;
                }
            }

            return OneOverSqrtPi * Math.Exp(-x * x) / f;
        }
    }
}
