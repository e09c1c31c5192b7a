using System;
using NetGen.Runtime;
using Xunit;

namespace NetGen.Tests.Graph
{
    /// <summary>GELU alone: 45 = 2·16 + 8 + 4 + 1 outputs, so every vector width and the scalar tail each compute some.</summary>
    [Network]
    [Dense(45, 45)][Gelu]
    [Dense(45, 45)][Identity]
    public partial class GeluProbe { }

    /// <summary>SiLU alone, the same widths.</summary>
    [Network]
    [Dense(45, 45)][Silu]
    [Dense(45, 45)][Identity]
    public partial class SiluProbe { }

    /// <summary>
    /// The float GELU and SiLU kernels (vectorized, on the float exp) against the runtime's double functions, with both
    /// Dense layers set to the identity so the activation sees the input as given and the output is f of it. Forward:
    /// to 4e-7 relative, plus 6e-8·z² where e^(−z²/2) has to round z² (and 1e-30 absolute where float underflows);
    /// backward (through the squared error of the identity head, ∂ℓ/∂b₀ᵢ = (2/K)·f(xᵢ)·f′(xᵢ)) f′ to 2e-6 plus twice that,
    /// plus 5e-7 absolute where f′'s two terms cancel (GELU′ and SiLU′ cross zero near −0.75 and −1.28). One input repeated in all 45 positions gives 45 identical results: the lanes
    /// of every width and the scalar tail compute the same bits.
    /// </summary>
    public class SmoothActivationFloatTests
    {
        private const int N = 45;

        public static TheoryData<string> Functions => new() { "gelu", "silu" };

        [Theory]
        [MemberData(nameof(Functions))]
        public void Float_outputs_match_the_double_function(string function)
        {
            var values = new float[N];
            var output = new float[N];
            var gradient = new float[N * N + N + N * N + N];
            var targets = new float[N];
            for (int start = 0; start < Probe.Inputs.Length; start += N)
            {
                Array.Clear(values);
                Probe.Inputs.AsSpan(start, Math.Min(N, Probe.Inputs.Length - start)).CopyTo(values);
                Probe.Run(function, values, output, targets, gradient);
                for (int i = 0; i < N; i++)
                {
                    double z = values[i];
                    double want = Probe.Forward(function, z);

                    // e^(−z²/2) in float: z²/2 rounded costs up to 6e-8·z²/2 relative, the far tail's only loss.
                    double relative = 4e-7 + (6e-8 * z * z);
                    Assert.True(
                        Math.Abs(output[i] - want) <= (relative * Math.Abs(want)) + 1e-30,
                        $"{function}({z:R}) = {output[i]:R}, want {want:R}");

                    // ∂ℓ/∂b₀ᵢ = (2/K)·(yᵢ − 0)·f′(zᵢ) with yᵢ the float output: the derivative kernel alone.
                    double derivative = Probe.Derivative(function, z);
                    double wantGradient = 2.0 / N * output[i] * derivative;
                    double got = gradient[(N * N) + i];
                    Assert.True(
                        Math.Abs(got - wantGradient) <= (2.0 / N * Math.Abs(output[i]) * (((2e-6 + (2 * relative)) * Math.Abs(derivative)) + 5e-7)) + 1e-30,
                        $"{function}′({z:R}): gradient {got:R}, want {wantGradient:R}");
                }
            }
        }

        [Theory]
        [MemberData(nameof(Functions))]
        public void Every_vector_width_and_the_scalar_tail_agree_bit_for_bit(string function)
        {
            var values = new float[N];
            var output = new float[N];
            var gradient = new float[N * N + N + N * N + N];
            var targets = new float[N];
            foreach (float z in Probe.Inputs)
            {
                Array.Fill(values, z);
                Probe.Run(function, values, output, targets, gradient);
                for (int i = 1; i < N; i++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(output[0]), BitConverter.SingleToInt32Bits(output[i]));
                    Assert.Equal(BitConverter.SingleToInt32Bits(gradient[N * N]), BitConverter.SingleToInt32Bits(gradient[(N * N) + i]));
                }
            }
        }

        [Theory]
        [MemberData(nameof(Functions))]
        public void NaN_in_is_NaN_out_in_every_lane(string function)
        {
            var values = new float[N];
            var output = new float[N];
            Array.Fill(values, float.NaN);
            Probe.Predict(function, values, output);
            Assert.All(output, o => Assert.True(float.IsNaN(o)));
        }

        private static class Probe
        {
            /// <summary>From −30 to 30 in uneven steps, and the points where the approximations change form.</summary>
            public static readonly float[] Inputs = MakeInputs();

            public static double Forward(string function, double z) =>
                function == "gelu" ? SmoothActivations.Gelu(z) : SmoothActivations.Silu(z);

            public static double Derivative(string function, double z) =>
                function == "gelu" ? SmoothActivations.GeluBackward(1.0, z) : SmoothActivations.SiluBackward(1.0, z);

            public static void Predict(string function, float[] values, float[] output)
            {
                if (function == "gelu")
                {
                    var net = Identity(new GeluProbe());
                    net.Predict(values, output);
                }
                else
                {
                    var net = Identity(new SiluProbe());
                    net.Predict(values, output);
                }
            }

            public static void Run(string function, float[] values, float[] output, float[] targets, float[] gradient)
            {
                if (function == "gelu")
                {
                    var net = Identity(new GeluProbe());
                    net.Predict(values, output);
                    net.Gradient(values, targets, gradient);
                }
                else
                {
                    var net = Identity(new SiluProbe());
                    net.Predict(values, output);
                    net.Gradient(values, targets, gradient);
                }
            }

            /// <summary>Both weight matrices the identity, both biases zero.</summary>
            private static TNet Identity<TNet>(TNet net)
                where TNet : class, INetwork<TNet, float>
            {
                Span<float> p = net.Parameters;
                p.Clear();
                for (int layer = 0; layer < 2; layer++)
                {
                    Span<float> weight = p.Slice(layer * (N * N + N), N * N);
                    for (int i = 0; i < N; i++)
                    {
                        weight[(i * N) + i] = 1f;
                    }
                }

                return net;
            }

            private static float[] MakeInputs()
            {
                var list = new System.Collections.Generic.List<float>();
                for (float z = -30f; z <= 30f; z += 0.0937f)
                {
                    list.Add(z);
                }

                list.AddRange(new[] { 0f, -0f, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 3.5355339f, -3.5355339f, 12.5f, -12.5f, -0.7517916f });
                return list.ToArray();
            }
        }
    }
}
