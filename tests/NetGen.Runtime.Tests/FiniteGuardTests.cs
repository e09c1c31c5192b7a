using System;
using NetGen.Runtime;
using Xunit;

namespace NetGen.Runtime.Tests
{
    /// <summary>The vectorized finiteness scan behind Train's argument checks: every length, every position, every kind.</summary>
    public class FiniteGuardTests
    {
        [Fact]
        public void AllFinite_finds_one_non_finite_value_at_any_position_of_any_length()
        {
            float[] specials = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC0_0001)) };
            for (int length = 0; length <= 300; length++)
            {
                var floats = new float[length];
                var doubles = new double[length];
                for (int i = 0; i < length; i++)
                {
                    // Finite extremes everywhere else: the largest, the smallest subnormal, −0, negatives.
                    floats[i] = (i % 4) switch { 0 => float.MaxValue, 1 => -float.Epsilon, 2 => -0f, _ => -float.MaxValue };
                    doubles[i] = (i % 4) switch { 0 => double.MaxValue, 1 => -double.Epsilon, 2 => -0.0, _ => -double.MaxValue };
                }

                Assert.True(Guard.AllFinite(floats));
                Assert.True(Guard.AllFinite(doubles));
                for (int at = 0; at < length; at++)
                {
                    float keep = floats[at];
                    double keepDouble = doubles[at];
                    float special = specials[(at + length) % specials.Length];
                    floats[at] = special;
                    doubles[at] = special;
                    Assert.False(Guard.AllFinite(floats), $"float length {length}, {special} at {at}");
                    Assert.False(Guard.AllFinite(doubles), $"double length {length}, {special} at {at}");
                    floats[at] = keep;
                    doubles[at] = keepDouble;
                }
            }
        }

        [Fact]
        public void Finite_names_the_first_non_finite_value_its_example_and_element()
        {
            var values = new float[12];
            values[7] = float.NegativeInfinity;
            values[9] = float.NaN;
            var error = Assert.Throws<ArgumentException>(() => Guard.Finite(values, 3, "inputs"));
            Assert.Equal("inputs", error.ParamName);
            Assert.StartsWith("Expected finite numbers but inputs[7] (example 2, element 1) is -∞; nothing was changed.", error.Message);
        }
    }
}
