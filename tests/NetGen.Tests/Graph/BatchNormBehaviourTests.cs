using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NetGen.IO;
using Xunit;

namespace NetGen.Tests.Graph
{
    /// <summary>
    /// Batch normalization's modes and state: Predict, PredictBatch, Classify and Loss use the running statistics; Train and
    /// Gradient the mini-batch's; Train commits the statistics once per call, over the whole mini-batch whatever its size or
    /// the threads, and only when its step is taken; Gradient changes no state; a BatchNorm1D mini-batch of one example is
    /// refused before anything changes; the buffers and counters go through the model file and InitializeParameters.
    /// </summary>
    public class BatchNormBehaviourTests
    {
        [Fact]
        public void Evaluation_uses_the_running_statistics_and_Loss_is_the_loss_of_Predict()
        {
            var net = new TinyResNet();
            net.InitializeParameters(3);
            double[] x = TestData.Doubles(4 * TinyResNet.InputSize, 5, 1.5);
            var before = new double[TinyResNet.OutputSize];
            net.Predict(x.AsSpan(0, TinyResNet.InputSize), before);

            net.Layer1RunningMean.Fill(0.3);
            net.Layer1RunningVariance.Fill(2.0);
            var after = new double[TinyResNet.OutputSize];
            net.Predict(x.AsSpan(0, TinyResNet.InputSize), after);
            Assert.NotEqual(before, after);

            var batch = new double[4 * TinyResNet.OutputSize];
            net.PredictBatch(x, batch);
            Assert.Equal(after, batch.Take(TinyResNet.OutputSize));
            for (int label = 0; label < TinyResNet.OutputSize; label++)
            {
                Assert.Equal(-Math.Log(after[label]), net.Loss(x.AsSpan(0, TinyResNet.InputSize), label), 12);
            }

            Assert.Equal(Array.IndexOf(after, after.Max()), net.Classify(x.AsSpan(0, TinyResNet.InputSize)));
        }

        [Fact]
        public void Gradient_uses_the_batch_statistics_and_changes_no_state()
        {
            var net = new TinyResNet();
            net.InitializeParameters(3);
            net.Buffers.Fill(0.7);
            double[] x = TestData.Doubles(5 * TinyResNet.InputSize, 7, 1.5);
            int[] y = TestData.Labels(5, 3, 9);
            double[] parameters = net.Parameters.ToArray();
            var g1 = new double[TinyResNet.ParameterCount];
            double loss = net.Gradient(x, y, g1);

            Assert.Equal(parameters, net.Parameters.ToArray());
            Assert.All(net.Buffers.ToArray(), v => Assert.Equal(0.7, v));
            Assert.All(net.Counters.ToArray(), v => Assert.Equal(0L, v));
            Assert.Equal(0, net.StepCount);

            // The running statistics do not enter training mode: other ones give the same gradient.
            net.Buffers.Fill(-4);
            var g2 = new double[TinyResNet.ParameterCount];
            Assert.Equal(loss, net.Gradient(x, y, g2));
            Assert.Equal(g1, g2);
        }

        [Fact]
        public void Train_commits_the_statistics_of_the_whole_batch_once_per_call()
        {
            // InputNorm normalizes the input itself (3 channels of 4×4), so the batch's statistics are those of x.
            const int batch = 300; // more than a chunk of the mini-batch kernels: one statistic all the same
            var net = new InputNorm();
            net.InitializeParameters(3);
            double[] x = TestData.Doubles(batch * InputNorm.InputSize, 11, 2.0);
            int[] y = TestData.Labels(batch, 3, 13);
            net.Train(x, y, 0.01);
            Assert.Equal(1L, net.Layer0BatchesTracked[0]);
            for (int c = 0; c < 3; c++)
            {
                double[] values = Enumerable.Range(0, batch).SelectMany(n => x.Skip((n * 48) + (c * 16)).Take(16)).ToArray();
                double mean = values.Average();
                double unbiased = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
                Assert.Equal((0.3 * mean) + (0.7 * 0), net.Layer0RunningMean[c], 12);
                Assert.Equal((0.3 * unbiased) + (0.7 * 1), net.Layer0RunningVariance[c], 12);
            }

            net.Train(x, y, 0.01);
            Assert.Equal(2L, net.Layer0BatchesTracked[0]);
        }

        /// <summary>
        /// The layers that treat examples apart run a mini-batch in parts (one per 16 examples, at most 8), on up to
        /// TrainingThreads threads at once: 37 examples are 2 parts, 100 are 6 (of 16 or 17), 260 are 8. Every thread
        /// count gives the same bits, buffers and counters included.
        /// </summary>
        [Theory]
        [InlineData(37, 2)]
        [InlineData(100, 3)]
        [InlineData(100, 6)]
        [InlineData(260, 2)]
        [InlineData(260, 5)]
        public void Training_is_bit_identical_for_every_number_of_threads(int batch, int threads)
        {
            double[] x = TestData.Doubles(batch * TinyResNetAdamW.InputSize, 15, 1.5);
            int[] y = TestData.Labels(batch, 3, 17);
            var one = new TinyResNetAdamW();
            var more = new TinyResNetAdamW { TrainingThreads = threads };
            one.InitializeParameters(4);
            more.InitializeParameters(4);
            for (int step = 0; step < 3; step++)
            {
                Assert.Equal(one.Train(x, y, 0.01), more.Train(x, y, 0.01));
            }

            Assert.Equal(one.Parameters.ToArray(), more.Parameters.ToArray());
            Assert.Equal(one.Buffers.ToArray(), more.Buffers.ToArray());
            Assert.Equal(one.Counters.ToArray(), more.Counters.ToArray());

            double[] g1 = new double[TinyResNetAdamW.ParameterCount], g2 = new double[TinyResNetAdamW.ParameterCount];
            Assert.Equal(one.Gradient(x, y, g1), more.Gradient(x, y, g2));
            Assert.Equal(g1, g2);
        }

        [Fact]
        public void A_float_resnet_trains_bit_identically_on_two_threads()
        {
            const int batch = 64;
            float[] x = TestData.Floats(batch * TinyResNetFloat.InputSize, 21, 1.5f);
            int[] y = TestData.Labels(batch, 3, 23);
            var one = new TinyResNetFloat();
            var two = new TinyResNetFloat { TrainingThreads = 2 };
            one.InitializeParameters(5);
            two.InitializeParameters(5);
            for (int step = 0; step < 4; step++)
            {
                Assert.Equal(one.Train(x, y, 0.05f), two.Train(x, y, 0.05f));
            }

            Assert.Equal(one.Parameters.ToArray(), two.Parameters.ToArray());
            Assert.Equal(one.Buffers.ToArray(), two.Buffers.ToArray());
        }

        [Fact]
        public void A_step_that_fails_changes_no_statistics()
        {
            var net = new Norms1D();
            net.InitializeParameters(3);
            double[] x = TestData.Doubles(4 * Norms1D.InputSize, 19, 1.0);
            double[] huge = Enumerable.Repeat(1e300, 4 * Norms1D.OutputSize).ToArray();
            double[] buffers = net.Buffers.ToArray();
            double[] parameters = net.Parameters.ToArray();
            Assert.Throws<NonFiniteException>(() => net.Train(x, huge, 0.01));
            Assert.Equal(buffers, net.Buffers.ToArray());
            Assert.Equal(parameters, net.Parameters.ToArray());
            Assert.Equal(0L, net.Counters[0]);
        }

        [Fact]
        public void BatchNorm1D_refuses_a_training_batch_of_one_and_changes_nothing()
        {
            var net = new Norms1D();
            net.InitializeParameters(3);
            double[] x = TestData.Doubles(Norms1D.InputSize, 21, 1.0);
            double[] t = TestData.Doubles(Norms1D.OutputSize, 23, 1.0);
            double[] parameters = net.Parameters.ToArray();
            var e = Assert.Throws<ArgumentException>(() => net.Train(x, t, 0.01));
            Assert.Contains("BatchNorm1D layer 1", e.Message, StringComparison.Ordinal);
            Assert.Contains("at least 2 examples", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => net.Gradient(x, t, new double[Norms1D.ParameterCount]));
            Assert.Equal(parameters, net.Parameters.ToArray());
            Assert.Equal(0L, net.Counters[0]);
            Assert.Equal(0, net.StepCount);

            // Evaluation of one example is fine.
            var y = new double[Norms1D.OutputSize];
            net.Predict(x, y);
            Assert.All(y, v => Assert.True(double.IsFinite(v)));
        }

        [Fact]
        public void Buffers_and_counters_go_through_the_model_file_and_InitializeParameters_resets_them()
        {
            var net = new TinyResNet();
            net.InitializeParameters(3);
            double[] x = TestData.Doubles(6 * TinyResNet.InputSize, 25, 1.5);
            int[] y = TestData.Labels(6, 3, 27);
            net.Train(x, y, 0.05);
            net.Train(x, y, 0.05);
            Assert.All(net.Counters.ToArray(), c => Assert.Equal(2L, c));

            string path = Path.Combine(Path.GetTempPath(), "netgen-bn-" + Guid.NewGuid().ToString("N") + ".safetensors");
            try
            {
                net.Save(path);
                SafeTensorsFile file = SafeTensors.Load(path);
                SafeTensorInfo count = file.GetTensor("1.num_batches_tracked");
                Assert.Equal(DType.I64, count.DType);
                Assert.Equal(0, count.Shape.Length);
                Assert.Equal(2L, file.ReadCount("3.body.1.num_batches_tracked"));

                var loaded = new TinyResNet();
                loaded.Load(path);
                Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());
                Assert.Equal(net.Buffers.ToArray(), loaded.Buffers.ToArray());
                Assert.Equal(net.Counters.ToArray(), loaded.Counters.ToArray());

                loaded.InitializeParameters(3);
                Assert.All(loaded.Counters.ToArray(), c => Assert.Equal(0L, c));
                Assert.Equal(new TinyResNet().Buffers.ToArray(), loaded.Buffers.ToArray());
                Assert.Equal(0.0, loaded.Layer1RunningMean[0]);
                Assert.Equal(1.0, loaded.Layer1RunningVariance[0]);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Predict_runs_concurrently_with_batch_normalization()
        {
            var net = new TinyResNet();
            net.InitializeParameters(3);
            net.Buffers.Fill(0.5);
            double[] x = TestData.Doubles(TinyResNet.InputSize, 29, 1.5);
            var expected = new double[TinyResNet.OutputSize];
            net.Predict(x, expected);
            Parallel.For(0, 200, _ =>
            {
                var y = new double[TinyResNet.OutputSize];
                net.Predict(x, y);
                Assert.Equal(expected, y);
            });
        }
    }
}
