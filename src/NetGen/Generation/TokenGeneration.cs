using System;
using System.Numerics;

namespace NetGen.Generation
{
    /// <summary>
    /// Text generation with a language model's streaming <c>Step</c> (<see cref="ITokenStream{TSelf, T}"/>): the prompt is fed
    /// one token per step, then each step's probabilities give the next token through a <see cref="TokenSampler"/>, which is
    /// fed back. A model whose stream holds at most <c>StreamCapacity</c> steps (attention, positions) slides its window:
    /// when the stream is full it starts over on the last half of the text so far. Allocation-free: the state, the output
    /// and the destination are the caller's.
    /// </summary>
    public static class TokenGeneration
    {
        /// <summary>
        /// Feeds <paramref name="prompt"/> to <paramref name="net"/> and writes <paramref name="destination"/>.Length tokens
        /// after it into <paramref name="destination"/>.
        /// </summary>
        /// <param name="net">The model.</param>
        /// <param name="prompt">At least one token id, each in [0, Vocabulary).</param>
        /// <param name="destination">Receives the generated tokens.</param>
        /// <param name="sampler">Picks each token (greedy or sampled).</param>
        /// <param name="state">A stream state, StreamStateSize values; reset here, left as the last step leaves it.</param>
        /// <param name="output">Scratch for one step's probabilities, Vocabulary values.</param>
        /// <exception cref="ArgumentException">The prompt is empty, a span has the wrong length, or a prompt token is out of range.</exception>
        public static void Generate<TNet, T>(TNet net, ReadOnlySpan<int> prompt, Span<int> destination, TokenSampler sampler, Span<T> state, Span<T> output)
            where TNet : class, ITokenStream<TNet, T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentNullException.ThrowIfNull(net);
            ArgumentNullException.ThrowIfNull(sampler);
            if (prompt.IsEmpty)
            {
                throw new ArgumentException("Expected at least one prompt token to start from.", nameof(prompt));
            }

            Runtime.Guard.Tokens(prompt, TNet.Vocabulary, 0, nameof(prompt));
            Runtime.Guard.Length(state.Length, TNet.StreamStateSize, nameof(state));
            Runtime.Guard.Length(output.Length, TNet.Vocabulary, nameof(output));
            int capacity = TNet.StreamCapacity;
            int total = prompt.Length + destination.Length;
            int steps = 0;
            TNet.ResetState(state);

            // Token k of the text so far: the prompt, then what was generated.
            for (int k = 0; k < total - 1; k++)
            {
                if (capacity > 0 && steps == capacity)
                {
                    // Full: start over on the last half of the window (positions restart at 0, as the model was trained).
                    TNet.ResetState(state);
                    steps = 0;
                    int keep = Math.Max(1, capacity / 2);
                    for (int j = k - keep; j < k; j++)
                    {
                        net.Step(At(prompt, destination, j), output, state);
                        steps++;
                    }
                }

                net.Step(At(prompt, destination, k), output, state);
                steps++;
                if (k + 1 >= prompt.Length)
                {
                    destination[k + 1 - prompt.Length] = sampler.Next<T>(output);
                }
            }
        }

        private static int At(ReadOnlySpan<int> prompt, Span<int> generated, int k) => k < prompt.Length ? prompt[k] : generated[k - prompt.Length];
    }
}
