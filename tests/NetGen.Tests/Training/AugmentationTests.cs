using System;
using System.IO;
using System.Linq;
using NetGen.Data;
using NetGen.Training;
using Xunit;

namespace NetGen.Tests.Training
{
    /// <summary>ImageAugmentation's flips and shifts, and the trainer's use of an augmentation: on a copy, keyed by seed, epoch and batch.</summary>
    public sealed class AugmentationTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "netgen-augment-" + Guid.NewGuid().ToString("N"));

        public AugmentationTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        [Fact]
        public void A_flip_mirrors_each_row_and_a_shift_brings_the_fill_in()
        {
            float[] image = Enumerable.Range(0, 2 * 3 * 4).Select(i => (float)i).ToArray();
            var flip = new ImageAugmentation(2, 3, 4) { FlipProbability = 1 };
            float[] flipped = (float[])image.Clone();
            flip.Apply<float>(flipped, 1, 24, key: 5);
            Assert.Equal(new float[] { 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8 }, flipped.Take(12));
            Assert.Equal(new float[] { 15, 14, 13, 12 }, flipped.Skip(12).Take(4));

            var shift = new ImageAugmentation(1, 3, 4) { FlipProbability = 0, MaxShift = 1, Fill = -1 };
            bool moved = false;
            for (ulong key = 0; key < 50; key++)
            {
                float[] one = image.Take(12).ToArray();
                shift.Apply<float>(one, 1, 12, key);
                int fills = one.Count(v => v == -1);
                Assert.Contains(fills, new[] { 0, 3, 4, 6 }); // nothing, a column (3), a row (4), or both less their corner
                moved |= fills > 0;
                Assert.All(one.Where(v => v != -1), v => Assert.Contains(v, image.Take(12)));
            }

            Assert.True(moved, "no key shifted the image");
        }

        [Fact]
        public void The_same_key_augments_the_same_way_and_another_key_differently()
        {
            var augment = new ImageAugmentation(1, 5, 5) { MaxShift = 2 };
            float[] batch = TestData.Floats(8 * 25, 3);
            float[] a = (float[])batch.Clone();
            float[] b = (float[])batch.Clone();
            float[] c = (float[])batch.Clone();
            augment.Apply<float>(a, 8, 25, 11);
            augment.Apply<float>(b, 8, 25, 11);
            augment.Apply<float>(c, 8, 25, 12);
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);
            Assert.Throws<ArgumentException>(() => augment.Apply<float>(a, 8, 24, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(1, 5, 5) { MaxShift = 5 });
        }

        [Fact]
        public void The_trainer_augments_copies_of_the_batches_and_a_resumed_run_augments_the_same_way()
        {
            var data = BlobData.Create(400, 1);
            float[] before = data.AllFeatures.ToArray();
            // Two features, seen as a 1 × 1 × 2 "image": a flip swaps them.
            TrainerOptions options = new()
            {
                Epochs = 4,
                BatchSize = 16,
                Seed = 3,
                LearningRate = LearningRateSchedule.Constant(0.01),
                Augmentation = new ImageAugmentation(1, 1, 2) { FlipProbability = 0.5 },
            };
            var plain = new BlobAdam();
            plain.InitializeParameters(2);
            Trainer.Fit(plain, BlobData.Create(400, 1), options with { Augmentation = null });
            var whole = new BlobAdam();
            whole.InitializeParameters(2);
            Trainer.Fit(whole, data, options);
            Assert.NotEqual(plain.Parameters.ToArray(), whole.Parameters.ToArray());
            Assert.Equal(before.OrderBy(v => v), data.AllFeatures.ToArray().OrderBy(v => v)); // shuffled, never changed

            string checkpoint = Path.Combine(_dir, "run.ckpt");
            var first = new BlobAdam();
            first.InitializeParameters(2);
            Trainer.Fit(first, BlobData.Create(400, 1), options with { Epochs = 2, CheckpointPath = checkpoint });
            var resumed = new BlobAdam();
            Trainer.Fit(resumed, BlobData.Create(400, 1), options with { ResumeFrom = checkpoint });
            Assert.Equal(whole.Parameters.ToArray(), resumed.Parameters.ToArray());
        }
    }
}
