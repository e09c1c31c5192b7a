using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NetGen.Data;
using NetGen.Training;
using Xunit;

namespace NetGen.Tests.Training
{
    public sealed class TrainerTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "netgen-trainer-" + Guid.NewGuid().ToString("N"));

        public TrainerTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private static TrainerOptions Options(int epochs) => new()
        {
            Epochs = epochs,
            BatchSize = 16,
            Seed = 7,
            LearningRate = LearningRateSchedule.StepDecay(0.01, 40, 0.7),
        };

        [Fact]
        public void FitLearnsAndReturnsTheHistory()
        {
            var net = new BlobAdam();
            net.InitializeParameters(3);
            TrainingResult result = Trainer.Fit(net, BlobData.Create(600, 1), Options(5), BlobData.Create(300, 2));
            Assert.Equal(StopReason.Completed, result.Reason);
            Assert.Equal(new[] { 1, 2, 3, 4, 5 }, result.History.Select(h => h.Epoch));
            Assert.True(result.Last!.ValidationAccuracy > 0.95, $"validation accuracy {result.Last.ValidationAccuracy}");
            Assert.True(result.History[4].TrainLoss < result.History[0].TrainLoss);
            Assert.True(result.History.All(h => h.SamplesPerSecond > 0 && h.Seconds > 0));
            Assert.Equal(38 * 5, net.StepCount);

            Evaluation evaluation = Evaluation.Run(net, BlobData.Create(300, 2));
            Assert.Equal(result.Last.ValidationLoss, evaluation.Loss);
            Assert.Equal(300, evaluation.Confusion!.Total);
        }

        [Fact]
        public void AValidationSplitIsTakenFromTheTrainingSetWhenNoSetIsGiven()
        {
            var data = BlobData.Create(500, 1);
            TrainingResult result = Trainer.Fit(new BlobAdam(), data, Options(2) with { ValidationSplit = 0.2 });
            Assert.True(result.History.All(h => !double.IsNaN(h.ValidationLoss)));
            Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(new BlobAdam(), data, Options(2) with { ValidationSplit = 1 }));
        }

        [Fact]
        public void ARunIsReproducible()
        {
            var a = new BlobMomentum();
            var b = new BlobMomentum();
            Trainer.Fit(a, BlobData.Create(400, 1), Options(3));
            Trainer.Fit(b, BlobData.Create(400, 1), Options(3));
            Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(50)]
        public void AResumedRunEndsBitIdenticalToAnUninterruptedOne(int patience)
        {
            TrainerOptions options = Options(6) with { ValidationSplit = 0.25, Patience = patience };
            var whole = new BlobAdam();
            whole.InitializeParameters(5);
            TrainingResult uninterrupted = Trainer.Fit(whole, BlobData.Create(500, 1), options);

            string checkpoint = Path.Combine(_dir, "run.ckpt");
            var first = new BlobAdam();
            first.InitializeParameters(5);
            TrainingResult stopped = Trainer.Fit(first, BlobData.Create(500, 1), options with { Epochs = 3, CheckpointPath = checkpoint });
            Assert.Equal(3, stopped.History.Count);

            // A new process: a fresh network (other parameters) and the data loaded again.
            var resumed = new BlobAdam();
            resumed.InitializeParameters(99);
            TrainingResult rest = Trainer.Fit(resumed, BlobData.Create(500, 1), options with { ResumeFrom = checkpoint, CheckpointPath = checkpoint });

            Assert.Equal(uninterrupted.Reason, rest.Reason);
            Assert.True(whole.Parameters.SequenceEqual(resumed.Parameters), "parameters differ");
            Assert.True(whole.OptimizerState.SequenceEqual(resumed.OptimizerState), "Adam's moments differ");
            Assert.Equal(whole.StepCount, resumed.StepCount);
            Assert.Equal(uninterrupted.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.LearningRate)), rest.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.LearningRate)));
        }

        [Fact]
        public void A_resumed_run_of_a_network_with_batch_normalization_ends_bit_identical_running_statistics_included()
        {
            TrainerOptions options = Options(5) with { ValidationSplit = 0.25, Patience = 50 };
            var whole = new BlobNorm();
            whole.InitializeParameters(5);
            TrainingResult uninterrupted = Trainer.Fit(whole, BlobData.Create(500, 1), options);
            Assert.Equal(StopReason.Completed, uninterrupted.Reason);
            Assert.True(uninterrupted.Last!.ValidationAccuracy > 0.9, $"validation accuracy {uninterrupted.Last.ValidationAccuracy}");

            string checkpoint = Path.Combine(_dir, "norm.ckpt");
            var first = new BlobNorm();
            first.InitializeParameters(5);
            Trainer.Fit(first, BlobData.Create(500, 1), options with { Epochs = 2, CheckpointPath = checkpoint });
            Assert.True(SafeTensorsHas(checkpoint, "buffers", "counters", "best_parameters", "best_buffers", "best_counters"));

            var resumed = new BlobNorm();
            resumed.InitializeParameters(99);
            resumed.Buffers.Fill(3);
            resumed.Counters.Fill(77);
            TrainingResult rest = Trainer.Fit(resumed, BlobData.Create(500, 1), options with { ResumeFrom = checkpoint });

            Assert.True(whole.Parameters.SequenceEqual(resumed.Parameters), "parameters differ");
            Assert.True(whole.Buffers.SequenceEqual(resumed.Buffers), "running statistics differ");
            Assert.True(whole.Counters.SequenceEqual(resumed.Counters), "num_batches_tracked differ");
            Assert.Equal(uninterrupted.History.Select(h => (h.TrainLoss, h.ValidationLoss)), rest.History.Select(h => (h.TrainLoss, h.ValidationLoss)));
        }

        [Fact]
        public void Early_stopping_restores_the_running_statistics_of_the_best_epoch_with_its_parameters()
        {
            // Random labels: the validation loss gets worse, so the best epoch is an early one and it is restored at the end.
            TrainerOptions options = Options(8) with { Patience = 3 };
            var net = new BlobNorm();
            net.InitializeParameters(3);
            TrainingResult result = Trainer.Fit(net, BlobData.Create(400, 1, randomLabels: true), options, BlobData.Create(200, 2, randomLabels: true));
            Assert.True(result.BestEpoch < result.History.Count, "the run kept improving: nothing to restore");
            Assert.Equal(result.History[result.BestEpoch - 1].ValidationLoss, Evaluation.Run(net, BlobData.Create(200, 2, randomLabels: true)).Loss);
        }

        private static bool SafeTensorsHas(string path, params string[] names)
        {
            NetGen.IO.SafeTensorsFile file = NetGen.IO.SafeTensors.Load(path);
            return names.All(file.Contains);
        }

        [Fact]
        public void ResumingWithAnotherTrainingSetOrSeedIsAnError()
        {
            string checkpoint = Path.Combine(_dir, "run.ckpt");
            var data = BlobData.Create(200, 1);
            Trainer.Fit(new BlobAdam(), data, Options(2) with { CheckpointPath = checkpoint });

            // The same instance, now shuffled by training: not the set the run started from.
            var e = Assert.Throws<InvalidDataException>(() => Trainer.Fit(new BlobAdam(), data, Options(4) with { ResumeFrom = checkpoint }));
            Assert.Contains("netgen.train_fingerprint", e.Message, StringComparison.Ordinal);
            Assert.Contains(checkpoint, e.Message, StringComparison.Ordinal);

            e = Assert.Throws<InvalidDataException>(() => Trainer.Fit(new BlobAdam(), BlobData.Create(200, 1), Options(4) with { Seed = 8, ResumeFrom = checkpoint }));
            Assert.Contains("netgen.seed: expected '8' but found '7'", e.Message, StringComparison.Ordinal);

            e = Assert.Throws<InvalidDataException>(() => Trainer.Fit(new BlobMomentum(), BlobData.Create(200, 1), Options(4) with { ResumeFrom = checkpoint }));
            Assert.Contains("netgen.network: expected 'NetGen.Tests.Training.BlobMomentum' but found 'NetGen.Tests.Training.BlobAdam'", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ResumingAnotherNetworksCheckpointIsAnError()
        {
            string checkpoint = Path.Combine(_dir, "run.ckpt");
            Trainer.Fit(new BlobAdam(), BlobData.Create(200, 1), Options(2) with { CheckpointPath = checkpoint });

            // A class of the same name and parameter count in another namespace: another network.
            var e = Assert.Throws<InvalidDataException>(() => Trainer.Fit(new Lookalikes.BlobAdam(), BlobData.Create(200, 1), Options(4) with { ResumeFrom = checkpoint }));
            Assert.Contains("netgen.network: expected 'NetGen.Tests.Training.Lookalikes.BlobAdam' but found 'NetGen.Tests.Training.BlobAdam'", e.Message, StringComparison.Ordinal);

            // The same class whose declaration changed between the runs (here: the checkpoint's summary edited as if its
            // activation had been ReLU): the summary's first differing line is named, nothing is resumed.
            byte[] bytes = File.ReadAllBytes(checkpoint);
            int at = IndexOf(bytes, ", tanh"u8);
            Assert.True(at > 0 && at < 8 + BitConverter.ToInt64(bytes, 0), "the summary is in the header");
            ", ReLU"u8.CopyTo(bytes.AsSpan(at));
            File.WriteAllBytes(checkpoint, bytes);
            var net = new BlobAdam();
            float[] before = net.Parameters.ToArray();
            e = Assert.Throws<InvalidDataException>(() => Trainer.Fit(net, BlobData.Create(200, 1), Options(4) with { ResumeFrom = checkpoint }));
            Assert.Contains("netgen.summary: the checkpoint was written by another topology or optimizer; line ", e.Message, StringComparison.Ordinal);
            Assert.Contains("Linear(2, 16), tanh", e.Message, StringComparison.Ordinal);
            Assert.Contains("Linear(2, 16), ReLU", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, net.Parameters.ToArray());
        }

        private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> text) => bytes.AsSpan().IndexOf(text);

        [Fact]
        public void A_checkpoint_whose_step_count_is_absurd_is_an_error_naming_it()
        {
            string checkpoint = Path.Combine(_dir, "run.ckpt");
            Trainer.Fit(new BlobAdam(), BlobData.Create(200, 1), Options(2) with { CheckpointPath = checkpoint });
            NetGen.IO.SafeTensorsFile file = NetGen.IO.SafeTensors.Load(checkpoint);
            var metadata = new Dictionary<string, string>(file.Metadata) { ["netgen.step_count"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var tensors = file.Tensors.Select(t =>
            {
                var values = new float[t.ElementCount];
                file.CopyTo(t.Name, values);
                return NetGen.IO.TensorEntry.Create(t.Name, t.Shape, values);
            }).ToList();
            NetGen.IO.SafeTensors.Save(checkpoint, tensors, metadata);

            var net = new BlobAdam();
            float[] before = net.Parameters.ToArray();
            var e = Assert.Throws<InvalidDataException>(() => Trainer.Fit(net, BlobData.Create(200, 1), Options(4) with { ResumeFrom = checkpoint }));
            Assert.Contains("netgen.step_count: expected at most 2^53 = 9007199254740992 steps but found 9223372036854775807", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, net.Parameters.ToArray());
        }

        [Fact]
        public void TheModelFileStaysThePlainStateDict()
        {
            string checkpoint = Path.Combine(_dir, "run.ckpt");
            var net = new BlobAdam();
            Trainer.Fit(net, BlobData.Create(200, 1), Options(1) with { CheckpointPath = checkpoint });
            string model = Path.Combine(_dir, "model.safetensors");
            net.Save(model);
            Assert.Equal(new[] { "0.bias", "0.weight", "2.bias", "2.weight" }, NetGen.IO.SafeTensors.Load(model).Tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal(new[] { "optimizer_state", "parameters" }, NetGen.IO.SafeTensors.Load(checkpoint).Tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public void EarlyStoppingRestoresTheBestEpoch()
        {
            // Random labels on the validation set: nothing generalizes, the validation loss soon stops improving.
            var net = new BlobAdam();
            var validation = BlobData.Create(200, 2, randomLabels: true);
            TrainingResult result = Trainer.Fit(net, BlobData.Create(400, 1, randomLabels: true), Options(60) with { Patience = 3, LearningRate = LearningRateSchedule.Constant(0.05) }, validation);
            Assert.Equal(StopReason.EarlyStopped, result.Reason);
            Assert.Equal(result.BestEpoch + 3, result.History.Count);
            Assert.True(result.History.Count < 60);
            double best = result.History.Min(h => h.ValidationLoss);
            Assert.Equal(best, result.History[result.BestEpoch - 1].ValidationLoss);
            Assert.Equal(best, Evaluation.Run(net, validation).Loss);
        }

        [Fact]
        public void ARunThatStoppedEarlyStaysStoppedWhenResumed()
        {
            string checkpoint = Path.Combine(_dir, "early.ckpt");
            var options = Options(60) with { Patience = 2, LearningRate = LearningRateSchedule.Constant(0.05), CheckpointPath = checkpoint };
            var first = new BlobAdam();
            TrainingResult stopped = Trainer.Fit(first, BlobData.Create(400, 1, randomLabels: true), options, BlobData.Create(200, 2, randomLabels: true));
            Assert.Equal(StopReason.EarlyStopped, stopped.Reason);

            var resumed = new BlobAdam();
            TrainingResult again = Trainer.Fit(resumed, BlobData.Create(400, 1, randomLabels: true), options with { ResumeFrom = checkpoint }, BlobData.Create(200, 2, randomLabels: true));
            Assert.Equal(StopReason.EarlyStopped, again.Reason);
            Assert.Equal(stopped.History.Count, again.History.Count);
            Assert.Equal(first.StepCount, resumed.StepCount);
            Assert.True(first.Parameters.SequenceEqual(resumed.Parameters), "the best epoch's parameters");
        }

        [Fact]
        public void CancellationStopsBetweenSteps()
        {
            using var cancel = new CancellationTokenSource();
            var reports = new List<TrainingProgress>();
            var progress = new Reports(p =>
            {
                reports.Add(p);
                if (p.Completed is { Epoch: 2 })
                {
                    cancel.Cancel();
                }
            });
            var net = new BlobSgd();
            TrainingResult result = Trainer.Fit(net, BlobData.Create(320, 1), Options(10), progress: progress, cancellationToken: cancel.Token);
            Assert.Equal(StopReason.Cancelled, result.Reason);
            Assert.Equal(2, result.History.Count);
            Assert.Equal(2 * 20, net.StepCount);
        }

        [Fact]
        public void ProgressReportsEpochBatchSpeedLossAndRemainingTime()
        {
            var reports = new List<TrainingProgress>();
            Trainer.Fit(new BlobSgd(), BlobData.Create(320, 1), Options(3) with { ReportsPerEpoch = 4 }, BlobData.Create(60, 2), new Reports(reports.Add));
            Assert.Equal(3 * 4, reports.Count);
            Assert.Equal(new[] { 1, 2, 3 }, reports.Where(r => r.Completed is not null).Select(r => r.Epoch));
            TrainingProgress first = reports[0];
            Assert.Equal((1, 3, 5, 20, 80, 320), (first.Epoch, first.Epochs, first.Batch, first.Batches, first.Samples, first.SamplesPerEpoch));
            Assert.True(first.SamplesPerSecond > 0 && first.Loss > 0 && first.Remaining > TimeSpan.Zero);
            Assert.Equal(TimeSpan.Zero, reports[^1].Remaining);
            Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.Elapsed >= p.First.Elapsed));
        }

        [Fact]
        public void ADivergingRunStopsWithFiniteParameters()
        {
            var net = new BlobMomentum();
            TrainingResult result = Trainer.Fit(net, BlobData.Create(320, 1), Options(5) with { LearningRate = LearningRateSchedule.Constant(1e37) });
            Assert.Equal(StopReason.Diverged, result.Reason);
            Assert.Contains("diverged in epoch 1", result.Message, StringComparison.Ordinal);
            Assert.True(NetGen.Runtime.Guard.AllFinite(net.Parameters));
            Assert.True(NetGen.Runtime.Guard.AllFinite(net.OptimizerState));
        }

        [Fact]
        public void ADataSetThatDoesNotFitIsRejected()
        {
            var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(new MnistNet(), BlobData.Create(10, 1), Options(1)));
            Assert.Contains("2 features per example but MnistNet takes InputSize = 784", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(new BlobSgd(), BlobData.Create(10, 1), Options(1) with { BatchSize = 0 }));
        }

        [Fact]
        public void StepsAllocateNothing()
        {
            // Allocations that do not grow with the number of steps are per run or per epoch; per step there are none.
            long Measure(int examples)
            {
                var net = new BlobAdam();
                var data = BlobData.Create(examples, 1);
                var validation = BlobData.Create(64, 2);
                var options = Options(2) with { ReportsPerEpoch = 1000 };
                var sink = new Reports(_ => { });
                Trainer.Fit(net, data, options, validation, sink); // warm: JIT, the net's scratch, the data set's spare buffers
                long before = GC.GetAllocatedBytesForCurrentThread();
                Trainer.Fit(net, data, options, validation, sink);
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }

            long small = Measure(160);     // 10 steps per epoch
            long large = Measure(16_000);  // 1,000 steps per epoch, and 100 times as many progress reports
            Assert.True(large - small <= 0, $"{small} bytes for 20 steps, {large} bytes for 2,000");
        }

        [Fact]
        public void A_checkpoint_path_that_cannot_be_written_is_an_error_before_the_first_epoch()
        {
            var net = new BlobAdam();
            float[] before = net.Parameters.ToArray();
            var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, BlobData.Create(200, 1), Options(2) with { CheckpointPath = _dir }));
            Assert.Equal("CheckpointPath", e.ParamName);
            Assert.Contains("is a folder", e.Message, StringComparison.Ordinal);
            string missing = Path.Combine(_dir, "no-such-folder", "run.ckpt");
            e = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, BlobData.Create(200, 1), Options(2) with { CheckpointPath = missing }));
            Assert.Contains("does not exist: " + Path.Combine(_dir, "no-such-folder"), e.Message, StringComparison.Ordinal);
            Assert.Equal(before, net.Parameters.ToArray());
            Assert.Equal(0, net.StepCount);
        }

        [Fact]
        public void A_save_killed_half_way_leaves_no_temporary_file_behind_the_next_run()
        {
            string checkpoint = Path.Combine(_dir, "run.ckpt");
            string stale = Path.Combine(_dir, ".run.ckpt.0123456789ab.tmp");
            string other = Path.Combine(_dir, ".model.safetensors.0123456789ab.tmp");
            File.WriteAllBytes(stale, new byte[100]);
            File.WriteAllBytes(other, new byte[100]);
            Trainer.Fit(new BlobAdam(), BlobData.Create(200, 1), Options(1) with { CheckpointPath = checkpoint });
            Assert.False(File.Exists(stale), "the stale temporary of this checkpoint is removed");
            Assert.True(File.Exists(other), "another file's temporary is not this run's to remove");
            Assert.Equal(new[] { ".model.safetensors.0123456789ab.tmp", "run.ckpt" }, Directory.GetFiles(_dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public void A_checkpoint_that_cannot_be_written_stops_the_run_and_keeps_its_result()
        {
            string checkpoint = Path.Combine(_dir, "run.ckpt");
            var net = new BlobAdam();
            bool blocked = false;
            var progress = new Reports(p =>
            {
                if (p.Epoch == 2 && !blocked)
                {
                    // Between the checkpoints of epochs 1 and 2 the target becomes a folder that is not empty: no rename onto it.
                    File.Delete(checkpoint);
                    Directory.CreateDirectory(Path.Combine(checkpoint, "inside"));
                    blocked = true;
                }
            });
            TrainingResult result = Trainer.Fit(net, BlobData.Create(200, 1), Options(4) with { CheckpointPath = checkpoint }, progress: progress);
            Assert.Equal(StopReason.CheckpointFailed, result.Reason);
            Assert.Equal(2, result.History.Count);
            Assert.Contains("Writing the checkpoint of epoch 2 to '" + checkpoint + "' failed", result.Message, StringComparison.Ordinal);
            Assert.All(net.Parameters.ToArray(), v => Assert.True(float.IsFinite(v)));
            Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(_dir, ".*", SearchOption.AllDirectories)));
        }

        /// <summary>A synchronous IProgress (Progress&lt;T&gt; posts to the thread pool).</summary>
        private sealed class Reports : IProgress<TrainingProgress>
        {
            private readonly Action<TrainingProgress> _action;

            public Reports(Action<TrainingProgress> action) => _action = action;

            public void Report(TrainingProgress value) => _action(value);
        }
    }
}
