using System;
using System.Linq;
using NetGen.Generation;
using Xunit;

namespace NetGen.Tests.Sequence
{
    /// <summary>The token sampler (greedy, temperature, seed, refusals) and generation with a model's streaming Step.</summary>
    public class GenerationTests
    {
        [Fact]
        public void Greedy_picks_the_most_probable_token()
        {
            Assert.Equal(2, TokenSampler.Greedy().Next<float>(new[] { 0.1f, 0.2f, 0.6f, 0.1f }));
            Assert.Equal(0, new TokenSampler(0, 5).Next<double>(new[] { 0.5, 0.2, 0.3 }));
        }

        [Theory]
        [InlineData(1.0)]
        [InlineData(0.5)]
        [InlineData(2.0)]
        public void Sampling_follows_the_probabilities_raised_to_one_over_the_temperature(double temperature)
        {
            double[] p = { 0.5, 0.3, 0.15, 0.05 };
            double[] weights = p.Select(v => Math.Pow(v, 1 / temperature)).ToArray();
            double[] expected = weights.Select(w => w / weights.Sum()).ToArray();
            var sampler = new TokenSampler(temperature, 11);
            const int Draws = 40_000;
            var counts = new int[p.Length];
            for (int i = 0; i < Draws; i++)
            {
                counts[sampler.Next<double>(p)]++;
            }

            for (int k = 0; k < p.Length; k++)
            {
                double observed = (double)counts[k] / Draws;
                double sigma = Math.Sqrt(expected[k] * (1 - expected[k]) / Draws);
                Assert.True(Math.Abs(observed - expected[k]) < 5 * sigma, $"token {k}: {observed} drawn, {expected[k]} expected (τ = {temperature})");
            }
        }

        [Fact]
        public void The_same_seed_draws_the_same_tokens_and_another_seed_others()
        {
            float[] p = { 0.25f, 0.25f, 0.25f, 0.25f };
            int[] Draw(int seed)
            {
                var s = new TokenSampler(1, seed);
                return Enumerable.Range(0, 50).Select(_ => s.Next<float>(p)).ToArray();
            }

            Assert.Equal(Draw(3), Draw(3));
            Assert.NotEqual(Draw(3), Draw(4));
        }

        [Fact]
        public void Probabilities_that_are_not_a_distribution_are_refused()
        {
            var sampler = new TokenSampler(1, 1);
            var e = Assert.Throws<ArgumentException>(() => sampler.Next<float>(new[] { 0.5f, float.NaN, 0.5f }));
            Assert.Contains("probabilities[1] is NaN", e.Message);
            Assert.Throws<ArgumentException>(() => sampler.Next<float>(new[] { 0.5f, -0.1f }));
            Assert.Throws<ArgumentException>(() => sampler.Next<float>(new[] { 0f, 0f }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(-1, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(double.NaN, 1));
        }

        [Fact]
        public void Greedy_generation_with_the_cache_equals_the_argmax_of_predict_on_the_text_so_far()
        {
            var net = new CachedDecoder();
            net.InitializeParameters(21);
            int[] prompt = { 1, 4, 2 };
            var generated = new int[CachedDecoder.InputSize - prompt.Length];
            var state = new float[CachedDecoder.StreamStateSize];
            var output = new float[CachedDecoder.Vocabulary];
            TokenGeneration.Generate(net, prompt, generated, TokenSampler.Greedy(), state, output);

            // Predict on the text so far (padded with token 0 after it: causal, so the padding cannot change earlier steps).
            int[] text = prompt.Concat(generated).ToArray();
            var window = new int[CachedDecoder.InputSize];
            var all = new float[CachedDecoder.OutputSize];
            for (int k = prompt.Length - 1; k < text.Length - 1; k++)
            {
                Array.Clear(window);
                text.AsSpan(0, k + 1).CopyTo(window);
                net.Predict(window, all);
                ReadOnlySpan<float> step = all.AsSpan(k * CachedDecoder.Vocabulary, CachedDecoder.Vocabulary);
                Assert.Equal(TokenSampler.Greedy().Next(step), text[k + 1]);
            }
        }

        [Fact]
        public void Generation_slides_past_the_stream_capacity_without_allocating()
        {
            var net = new CachedDecoder();
            net.InitializeParameters(21);
            Assert.Equal(CachedDecoder.SequenceLength, CachedDecoder.StreamCapacity);
            var generated = new int[5 * CachedDecoder.StreamCapacity];
            var state = new float[CachedDecoder.StreamStateSize];
            var output = new float[CachedDecoder.Vocabulary];
            var sampler = new TokenSampler(0.8, 2);
            TokenGeneration.Generate(net, new[] { 3 }, generated, sampler, state, output);
            Assert.All(generated, t => Assert.InRange(t, 0, CachedDecoder.Vocabulary - 1));
            int[] prompt = { 3 };
            Allocations.AssertNone(() => TokenGeneration.Generate(net, prompt, generated, sampler, state, output), "TokenGeneration.Generate");

            var e = Assert.Throws<ArgumentOutOfRangeException>(() => TokenGeneration.Generate(net, new[] { 3, 10 }, generated, sampler, state, output));
            Assert.Contains("prompt[1] is 10", e.Message);
            Assert.Throws<ArgumentException>(() => TokenGeneration.Generate(net, ReadOnlySpan<int>.Empty, generated, sampler, state, output));
        }
    }
}
