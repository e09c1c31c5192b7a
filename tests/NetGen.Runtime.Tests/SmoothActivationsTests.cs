using System;
using NetGen.Runtime;
using Xunit;

namespace NetGen.Runtime.Tests
{
    /// <summary>
    /// The error function behind [Gelu] (against CPython's math.erf and math.erfc, which are accurate to an ulp or two),
    /// and the derivatives of GELU and SiLU against central differences of the functions.
    /// </summary>
    public class SmoothActivationsTests
    {
        // x, erf(x), erfc(x): printed by CPython 3 (math.erf, math.erfc) with repr.
        public static TheoryData<double, double, double> Reference() => new()
        {
            { 0.0, 0.0, 1.0 },
            { 1e-08, 1.1283791670955126e-08, 0.9999999887162083 },
            { 0.1, 0.1124629160182849, 0.8875370839817152 },
            { 0.5, 0.5204998778130465, 0.4795001221869535 },
            { 1.0, 0.8427007929497149, 0.15729920705028513 },
            { 1.5, 0.9661051464753108, 0.033894853524689274 },
            { 2.0, 0.9953222650189527, 0.004677734981047265 },
            { 2.4999, 0.9995928300996666, 0.0004071699003334514 },
            { 2.5, 0.999593047982555, 0.0004069520174449589 },
            { 3.0, 0.9999779095030014, 2.2090496998585438e-05 },
            { 4.0, 0.9999999845827421, 1.541725790028002e-08 },
            { 5.5, 0.9999999999999927, 7.357847917974398e-15 },
            { 6.5, 1.0, 3.8421483271206475e-20 },
            { -0.3, -0.3286267594591274, 1.3286267594591274 },
            { -2.7, -0.9998656672600594, 1.9998656672600594 },
            { -4.5, -0.9999999998033839, 1.999999999803384 },
        };

        [Theory]
        [MemberData(nameof(Reference))]
        public void Erf_matches_the_reference_to_1e_14_relative_and_erfc_to_1e_11(double x, double erf, double erfc)
        {
            AssertRelative(erf, SmoothActivations.Erf(x), 1e-14, $"erf({x:R})");
            AssertRelative(erfc, SmoothActivations.Erfc(x), 1e-11, $"erfc({x:R})"); // 1 − erf just below 2.5 loses digits to cancellation
        }

        [Fact]
        public void Erf_keeps_nan_and_the_limits()
        {
            Assert.True(double.IsNaN(SmoothActivations.Erf(double.NaN)));
            Assert.True(double.IsNaN(SmoothActivations.Erfc(double.NaN)));
            Assert.Equal(1.0, SmoothActivations.Erf(double.PositiveInfinity));
            Assert.Equal(-1.0, SmoothActivations.Erf(double.NegativeInfinity));
            Assert.Equal(0.0, SmoothActivations.Erfc(double.PositiveInfinity));
            Assert.Equal(2.0, SmoothActivations.Erfc(double.NegativeInfinity));
            Assert.True(double.IsNaN(SmoothActivations.Gelu(double.NaN)));
            Assert.True(float.IsNaN(SmoothActivations.Silu(float.NaN)));
        }

        [Theory]
        [InlineData(-6.0)]
        [InlineData(-2.6)]
        [InlineData(-0.7)]
        [InlineData(0.0)]
        [InlineData(0.3)]
        [InlineData(1.9)]
        [InlineData(4.0)]
        public void The_derivatives_match_central_differences(double z)
        {
            const double h = 1e-5;
            double gelu = (SmoothActivations.Gelu(z + h) - SmoothActivations.Gelu(z - h)) / (2 * h);
            double silu = (SmoothActivations.Silu(z + h) - SmoothActivations.Silu(z - h)) / (2 * h);
            Assert.True(Math.Abs(gelu - SmoothActivations.GeluBackward(1.0, z)) < 1e-9, $"GELU′({z}): {SmoothActivations.GeluBackward(1.0, z):R} vs {gelu:R}");
            Assert.True(Math.Abs(silu - SmoothActivations.SiluBackward(1.0, z)) < 1e-9, $"SiLU′({z}): {SmoothActivations.SiluBackward(1.0, z):R} vs {silu:R}");
            Assert.Equal(3 * SmoothActivations.GeluBackward(1.0, z), SmoothActivations.GeluBackward(3.0, z), 14);
        }

        [Fact]
        public void Gelu_is_z_times_the_normal_cdf_and_silu_is_z_times_the_logistic()
        {
            Assert.Equal(0.8413447460685429 * 1.0, SmoothActivations.Gelu(1.0), 15); // Φ(1), CPython: 0.5 * math.erfc(-1 / math.sqrt(2))
            Assert.Equal(-2.0 * 0.02275013194817922, SmoothActivations.Gelu(-2.0), 14); // Φ(−2)
            Assert.Equal(2.0 / (1 + Math.Exp(-2.0)), SmoothActivations.Silu(2.0), 15);
            Assert.Equal((float)SmoothActivations.Gelu(0.75), SmoothActivations.Gelu(0.75f));
        }

        private static void AssertRelative(double expected, double actual, double tolerance, string what)
        {
            double error = expected == 0 ? Math.Abs(actual) : Math.Abs(actual - expected) / Math.Abs(expected);
            Assert.True(error <= tolerance, $"{what}: {actual:R}, expected {expected:R} (relative error {error:E2})");
        }
    }
}
