using System;
using System.IO;
using System.Text;
using NetGen;
using Xunit;

namespace NetGen.Tests
{
    // y = w·x + b with float targets: a finite loss whose gradient overflows (x near float's largest value).
    [Network]
    [Dense(2, 1)][Identity]
    public partial class LinearFit { }

    [Network(Optimizer = Optimizer.Adam)]
    [Dense(2, 1)][Identity]
    public partial class LinearFitAdam { }

    /// <summary>
    /// Non-finite numbers are never silent: Train and Gradient reject NaN and ±∞ in their arguments before any change, a
    /// step whose loss or gradient is not finite throws <see cref="NonFiniteException"/> and changes nothing, Predict
    /// propagates NaN, and the hyperparameter setters reject values out of range.
    /// </summary>
    public class NonFiniteTests
    {
        private const int Inputs = 784;

        [Theory]
        [InlineData(float.NaN, "NaN")]
        [InlineData(float.PositiveInfinity, "∞")]
        [InlineData(float.NegativeInfinity, "-∞")]
        public void Train_rejects_a_non_finite_input_naming_the_example_and_changes_nothing(float bad, string spelled)
        {
            foreach (int batch in new[] { 1, 8, 40, 300 })
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    var net = new MnistNet { TrainingThreads = threads };
                    float[] x = Images(batch, 1);
                    int example = batch - 1;
                    x[(example * Inputs) + 300] = bad;
                    float[] before = net.Parameters.ToArray();
                    var error = Assert.Throws<ArgumentException>(() => net.Train(x, TestData.Labels(batch, 10, 2), 0.1f));
                    Assert.Equal("inputs", error.ParamName);
                    Assert.Contains($"example {example}", error.Message);
                    Assert.Contains(spelled, error.Message);
                    Assert.Equal(before, net.Parameters.ToArray());
                    Assert.Equal(0, net.StepCount);
                }
            }

            var single = new MnistNet();
            float[] one = Images(1, 3);
            one[5] = bad;
            float[] parameters = single.Parameters.ToArray();
            Assert.Equal("input", Assert.Throws<ArgumentException>(() => single.Train(one, 3, 0.1f)).ParamName);
            Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => single.Gradient(one, new[] { 3 }, new float[MnistNet.ParameterCount])).ParamName);
            Assert.Equal(parameters, single.Parameters.ToArray());
        }

        [Fact]
        public void Train_and_Gradient_reject_a_non_finite_target()
        {
            var net = new LinearFit();
            float[] x = { 1, 2, 3, 4, 5, 6 };
            float[] before = net.Parameters.ToArray();
            var error = Assert.Throws<ArgumentException>(() => net.Train(x, new[] { 1f, float.NaN, 2f }, 0.1f));
            Assert.Equal("targets", error.ParamName);
            Assert.Contains("example 1", error.Message);
            Assert.Equal("targets", Assert.Throws<ArgumentException>(() => net.Gradient(x, new[] { 1f, 2f, float.PositiveInfinity }, new float[LinearFit.ParameterCount])).ParamName);
            Assert.Equal(before, net.Parameters.ToArray());
        }

        [Theory]
        [InlineData(float.NaN)]
        [InlineData(float.PositiveInfinity)]
        [InlineData(-0.1f)]
        public void Train_rejects_a_learning_rate_that_is_not_a_finite_non_negative_number(float rate)
        {
            var net = new MnistNet();
            float[] before = net.Parameters.ToArray();
            Assert.Equal("learningRate", Assert.ThrowsAny<ArgumentException>(() => net.Train(Images(4, 1), new[] { 1, 2, 3, 4 }, rate)).ParamName);
            Assert.Equal("learningRate", Assert.ThrowsAny<ArgumentException>(() => net.Train(Images(1, 1), 1, rate)).ParamName);
            var adam = new MnistAdam();
            Assert.Equal("learningRate", Assert.ThrowsAny<ArgumentException>(() => adam.Train(Images(4, 1), new[] { 1, 2, 3, 4 }, rate)).ParamName);
            Assert.Equal(before, net.Parameters.ToArray());
            Assert.Equal(0, net.StepCount);
        }

        [Fact]
        public void A_step_whose_loss_is_not_finite_throws_and_changes_nothing_on_every_path()
        {
            // An example of finite inputs near float's largest value overflows the first layer (±∞), then the second (NaN).
            foreach ((int batch, int threads, float decay) in new[] { (1, 1, 0f), (8, 1, 0f), (8, 1, 0.01f), (32, 2, 0f), (300, 1, 0f) })
            {
                var net = new MnistNet { TrainingThreads = threads, WeightDecay = decay };
                float[] x = Images(batch, 4);
                x.AsSpan((batch - 1) * Inputs, Inputs).Fill(3e38f);
                float[] before = net.Parameters.ToArray();
                var error = Assert.Throws<NonFiniteException>(() => net.Train(x, TestData.Labels(batch, 10, 5), 0.1f));
                Assert.Contains("loss", error.Message);
                Assert.Equal(before, net.Parameters.ToArray());
                Assert.Equal(0, net.StepCount);
            }

            var single = new MnistNet();
            float[] one = Images(1, 6);
            one.AsSpan().Fill(3e38f);
            float[] parameters = single.Parameters.ToArray();
            Assert.Throws<NonFiniteException>(() => single.Train(one, 7, 0.1f));
            Assert.Throws<NonFiniteException>(() => single.Gradient(one, new[] { 7 }, new float[MnistNet.ParameterCount]));
            Assert.Equal(parameters, single.Parameters.ToArray());
        }

        [Fact]
        public void A_failed_step_leaves_the_optimizer_state_as_it_was()
        {
            // Two Adam nets take the same finite steps; one also attempts a step whose loss is NaN in between.
            var plain = new MnistAdam();
            var interrupted = new MnistAdam();
            float[] x = Images(8, 7);
            int[] y = TestData.Labels(8, 10, 8);
            float[] overflowing = Images(8, 9);
            overflowing.AsSpan(0, Inputs).Fill(3e38f);
            plain.Train(x, y, 0.001f);
            interrupted.Train(x, y, 0.001f);
            Assert.Throws<NonFiniteException>(() => interrupted.Train(overflowing, y, 0.001f));
            plain.Train(x, y, 0.001f);
            interrupted.Train(x, y, 0.001f);
            Assert.Equal(plain.StepCount, interrupted.StepCount);
            Assert.Equal(plain.Parameters.ToArray(), interrupted.Parameters.ToArray());
        }

        [Fact]
        public void A_finite_loss_with_a_non_finite_gradient_throws_before_the_step()
        {
            // w = 0, b = 1, x = (3e38, 1), t = 0: y = 1 and the loss is 1, but ∂ℓ/∂w₀ = 2·3e38 overflows.
            float[] x = { 3e38f, 1 };
            float[] t = { 0 };
            var adam = new LinearFitAdam();
            adam.Parameters.Clear();
            adam.Layer0Bias[0] = 1;
            float[] before = adam.Parameters.ToArray();
            var error = Assert.Throws<NonFiniteException>(() => adam.Train(x, t, 0.1f));
            Assert.Contains("gradient", error.Message);
            Assert.Equal(before, adam.Parameters.ToArray());
            Assert.Equal(0, adam.StepCount);

            var decayed = new LinearFit { WeightDecay = 0.01f };
            decayed.Parameters.Clear();
            decayed.Layer0Bias[0] = 1;
            Assert.Throws<NonFiniteException>(() => decayed.Train(x, t, 0.1f));
            Assert.Equal(before, decayed.Parameters.ToArray());
            Assert.Throws<NonFiniteException>(() => decayed.Gradient(x, t, new float[LinearFit.ParameterCount]));
        }

        [Fact]
        public void Predict_returns_NaN_for_a_NaN_input_and_Classify_returns_minus_one()
        {
            var net = new MnistNet();
            float[] x = Images(37, 10);
            x[(36 * Inputs) + 200] = float.NaN; // the last example: a block of 32 is taken apart first, then the rest
            x[(3 * Inputs) + 200] = float.NaN;  // and one inside the block
            var output = new float[10];
            net.Predict(x.AsSpan(36 * Inputs, Inputs), output);
            Assert.All(output, v => Assert.True(float.IsNaN(v)));
            var outputs = new float[37 * 10];
            net.PredictBatch(x, outputs);
            for (int n = 0; n < 37; n++)
            {
                bool poisoned = n is 3 or 36;
                Assert.All(outputs.AsSpan(n * 10, 10).ToArray(), v => Assert.Equal(poisoned, float.IsNaN(v)));
            }

            Assert.Equal(-1, net.Classify(x.AsSpan(36 * Inputs, Inputs)));
            Assert.InRange(net.Classify(x.AsSpan(0, Inputs)), 0, 9);

            // Double precision, every activation, widths with scalar tails.
            foreach (IDoubleNet d in new IDoubleNet[] { new Relu5x7x3(), new EveryActivation(), new Deep4() })
            {
                int inputs = d.Parameters.Length > 0 ? InputsOf(d) : 0;
                double[] xd = TestData.Doubles(inputs, 11);
                xd[inputs - 1] = double.NaN;
                var od = new double[d is Relu5x7x3 ? 3 : d is EveryActivation ? 3 : 2];
                d.Predict(xd, od);
                Assert.All(od, v => Assert.True(double.IsNaN(v)));
                Assert.Equal(-1, d.Classify(xd));
            }
        }

        [Fact]
        public void The_ReLU_kernels_propagate_NaN_and_map_negative_zero_to_positive_zero_in_vector_and_scalar_paths()
        {
            // y = ReLU(y + b) with b = −0: −0 + −0 = −0 reaches ReLU. 64 floats are whole vectors; 7 doubles are one
            // Vector256 and a scalar tail of 3 (or a tail only where vectors are not accelerated).
            float[] y = new float[64];
            float[] b = new float[64];
            Array.Fill(b, -0f);
            y[0] = -0f; y[1] = float.NaN; y[2] = -1; y[3] = 2; y[63] = float.NaN; y[62] = -0f;
            Invoke(typeof(MnistNet), "ReluBias64", y, b);
            Assert.Equal(0, BitConverter.SingleToInt32Bits(y[0]));
            Assert.True(float.IsNaN(y[1]));
            Assert.Equal((0f, 2f), (y[2], y[3]));
            Assert.Equal(0, BitConverter.SingleToInt32Bits(y[62]));
            Assert.True(float.IsNaN(y[63]));

            Array.Fill(y, -0f);
            y[5] = float.NaN;
            y[40] = 3;
            Invoke(typeof(MnistNet), "ReluBiasBroadcast32", y, -0f);
            Assert.True(float.IsNaN(y[5]));
            Assert.Equal(3f, y[40]);
            Assert.Equal(0, BitConverter.SingleToInt32Bits(y[31]));

            double[] yd = { -0.0, double.NaN, -1, 2, -0.0, double.NaN, -3 };
            double[] bd = { -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0 };
            Invoke(typeof(Relu5x7x3), "ReluBias7", yd, bd);
            Assert.Equal(0, BitConverter.DoubleToInt64Bits(yd[0]));
            Assert.True(double.IsNaN(yd[1]));
            Assert.Equal((0.0, 2.0), (yd[2], yd[3]));
            Assert.Equal(0, BitConverter.DoubleToInt64Bits(yd[4]));
            Assert.True(double.IsNaN(yd[5]));
            Assert.Equal(0.0, yd[6]);

            static void Invoke<T>(Type network, string kernel, T[] values, object bias)
            {
                var method = network.GetNestedType("Kernels", System.Reflection.BindingFlags.NonPublic)?.GetMethod(kernel, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
                    ?? throw new InvalidOperationException(kernel + " not found");
                // The kernels take refs to the first elements: pin, and pass the refs through a delegate of the same shape.
                if (bias is T[] array)
                {
                    var call = method.CreateDelegate<RefRef<T>>();
                    call(ref values[0], ref array[0]);
                }
                else
                {
                    var call = method.CreateDelegate<RefValue<T>>();
                    call(ref values[0], (T)bias);
                }
            }
        }

        private delegate void RefRef<T>(ref T y, ref T b);

        private delegate void RefValue<T>(ref T y, T b);

        [Fact]
        public void Hyperparameter_setters_reject_values_out_of_range()
        {
            var momentum = new OptMomentum();
            foreach (double bad in new[] { double.NaN, -0.1, 1.0, double.PositiveInfinity })
            {
                Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => momentum.Momentum = bad).ParamName);
            }

            foreach (double bad in new[] { double.NaN, -1e-9, double.PositiveInfinity })
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => momentum.WeightDecay = bad);
                Assert.Throws<ArgumentOutOfRangeException>(() => new OptAdamW().WeightDecay = bad);
                Assert.Throws<ArgumentOutOfRangeException>(() => new MnistNet().WeightDecay = (float)bad);
            }

            momentum.Momentum = 0;
            momentum.Momentum = 0.999;
            momentum.WeightDecay = 0;
            momentum.WeightDecay = 5;
            Assert.Equal(0.999, momentum.Momentum);

            var adam = new OptAdam();
            foreach (double bad in new[] { double.NaN, -0.1, 1.0, double.NegativeInfinity })
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => adam.Beta1 = bad);
                Assert.Throws<ArgumentOutOfRangeException>(() => adam.Beta2 = bad);
            }

            foreach (double bad in new[] { double.NaN, 0, -1e-8, double.PositiveInfinity })
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => adam.Epsilon = bad);
            }

            adam.Beta1 = 0;
            adam.Beta2 = 0.9999;
            adam.Epsilon = 1e-12;
            Assert.Equal((0.0, 0.9999, 1e-12), (adam.Beta1, adam.Beta2, adam.Epsilon));
        }

        [Fact]
        public void Load_rejects_an_unexpected_tensor_from_the_header_before_reading_its_data()
        {
            // The header declares 0.weight as 100,000 × 784 (313 MB); the stream ends after the header and fails any
            // further read: the shape must be rejected from the header alone.
            string header = "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[100000,784],\"data_offsets\":[0,313600000]},"
                + "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[128],\"data_offsets\":[313600000,313600512]}}";
            byte[] json = Encoding.UTF8.GetBytes(header);
            var bytes = new byte[8 + json.Length];
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (ulong)json.Length);
            json.CopyTo(bytes, 8);
            var net = new MnistNet();
            float[] before = net.Parameters.ToArray();
            var error = Assert.Throws<InvalidDataException>(() => net.Load(new HeaderOnlyStream(bytes)));
            Assert.Contains("0.weight", error.Message);
            Assert.Contains("[128, 784]", error.Message);
            Assert.Equal(before, net.Parameters.ToArray());
        }

        private static int InputsOf(IDoubleNet net) => net switch
        {
            Relu5x7x3 => 5,
            EveryActivation => 17,
            Deep4 => 3,
            _ => throw new ArgumentOutOfRangeException(nameof(net)),
        };

        private static float[] Images(int count, int seed)
        {
            float[] x = TestData.Floats(count * Inputs, seed);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = Math.Abs(x[i]);
            }

            return x;
        }

        /// <summary>A non-seekable stream that gives its bytes, then fails any read past them.</summary>
        private sealed class HeaderOnlyStream : Stream
        {
            private readonly byte[] _bytes;
            private int _position;

            public HeaderOnlyStream(byte[] bytes) => _bytes = bytes;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (_position >= _bytes.Length)
                {
                    throw new InvalidOperationException("read past the header");
                }

                int n = Math.Min(count, _bytes.Length - _position);
                Array.Copy(_bytes, _position, buffer, offset, n);
                _position += n;
                return n;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
