using System;
using System.Numerics;

namespace NetGen.Training
{
    /// <summary>
    /// A change made to the features of each training mini-batch before its step (data augmentation): the trainer applies it
    /// to a copy of the batch, so the training set itself never changes, and keys its randomness by the run's seed, the epoch
    /// and the batch, so that a run (and a resumed run) augments the same way every time. Validation and test sets are never
    /// augmented.
    /// </summary>
    public abstract class Augmentation
    {
        /// <summary>
        /// Changes the <paramref name="count"/> examples of <paramref name="features"/> (row-major, <paramref name="featureSize"/>
        /// values each) in place; <paramref name="key"/> is the same for the same seed, epoch and batch.
        /// </summary>
        public abstract void Apply<T>(Span<T> features, int count, int featureSize, ulong key)
            where T : unmanaged, IFloatingPointIeee754<T>;
    }

    /// <summary>
    /// The usual augmentations of small images (C × H × W examples, row-major): a horizontal flip with probability
    /// <see cref="FlipProbability"/>, and a shift by up to <see cref="MaxShift"/> pixels in each direction with
    /// <see cref="Fill"/> coming in at the border (the random crop of a padded image, as torchvision's RandomCrop with padding).
    /// </summary>
    public sealed class ImageAugmentation : Augmentation
    {
        private readonly int _channels;
        private readonly int _height;
        private readonly int _width;

        /// <summary>Augmentation of images of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/> values.</summary>
        public ImageAugmentation(int channels, int height, int width)
        {
            if (channels < 1 || height < 1 || width < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(channels), $"Expected an image shape of positive sizes but got {channels} × {height} × {width}.");
            }

            _channels = channels;
            _height = height;
            _width = width;
        }

        /// <summary>The probability of flipping an image left to right (default 0.5; 0 turns flips off).</summary>
        public double FlipProbability
        {
            get;
            init => field = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(FlipProbability), value, "Expected a probability in [0, 1].");
        } = 0.5;

        /// <summary>The largest shift, in pixels, up, down, left or right (default 0: none).</summary>
        public int MaxShift
        {
            get;
            init => field = value >= 0 && value < Math.Min(_height, _width) ? value : throw new ArgumentOutOfRangeException(nameof(MaxShift), value, $"Expected 0 to {Math.Min(_height, _width) - 1} pixels for a {_height} × {_width} image.");
        }

        /// <summary>The value shifted in at the border (default 0; the background of a standardized image is its own value).</summary>
        public double Fill { get; init; }

        /// <inheritdoc />
        public override void Apply<T>(Span<T> features, int count, int featureSize, ulong key)
        {
            int size = _channels * _height * _width;
            if (featureSize != size)
            {
                throw new ArgumentException($"Expected images of {_channels} × {_height} × {_width} = {size} values but the examples have {featureSize}.", nameof(featureSize));
            }

            T[]? rented = null;
            Span<T> copy = size <= 4096 ? stackalloc T[size] : (rented = System.Buffers.ArrayPool<T>.Shared.Rent(size)).AsSpan(0, size);
            try
            {
                for (int n = 0; n < count; n++)
                {
                    ulong state = Mix(key ^ ((ulong)n * 0x9E3779B97F4A7C15UL));
                    bool flip = Next(ref state) < FlipProbability;
                    int dy = MaxShift == 0 ? 0 : (int)(Next(ref state) * ((2 * MaxShift) + 1)) - MaxShift;
                    int dx = MaxShift == 0 ? 0 : (int)(Next(ref state) * ((2 * MaxShift) + 1)) - MaxShift;
                    if (!flip && dx == 0 && dy == 0)
                    {
                        continue;
                    }

                    Span<T> image = features.Slice(n * size, size);
                    image.CopyTo(copy);
                    T fill = T.CreateTruncating(Fill);
                    for (int c = 0; c < _channels; c++)
                    {
                        for (int y = 0; y < _height; y++)
                        {
                            int sy = y - dy;
                            Span<T> target = image.Slice(((c * _height) + y) * _width, _width);
                            if (sy < 0 || sy >= _height)
                            {
                                target.Fill(fill);
                                continue;
                            }

                            ReadOnlySpan<T> source = copy.Slice(((c * _height) + sy) * _width, _width);
                            for (int x = 0; x < _width; x++)
                            {
                                int sx = (flip ? _width - 1 - x : x) - dx;
                                target[x] = sx >= 0 && sx < _width ? source[sx] : fill;
                            }
                        }
                    }
                }
            }
            finally
            {
                if (rented is not null)
                {
                    System.Buffers.ArrayPool<T>.Shared.Return(rented);
                }
            }
        }

        /// <summary>A uniform double in [0, 1) from a splitmix64 stream.</summary>
        private static double Next(ref ulong state)
        {
            state += 0x9E3779B97F4A7C15UL;
            return (Mix(state) >> 11) * (1.0 / (1UL << 53));
        }

        private static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
