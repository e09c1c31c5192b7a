using System;
using System.Linq;
using NetGen.Data;
using NetGen.Training;
using Xunit;

namespace NetGen.Tests.Sequence
{
    /// <summary>
    /// Networks over token ids ([Embedding] first): the int overloads against the members that take the ids as values, the
    /// checks of the ids (position and value named, nothing changed), the gradient by central differences, streaming one
    /// token per Step, and training through Trainer.Fit on next-token windows.
    /// </summary>
    public class TokenTests
    {
        private static int[] Tokens(int count, int vocabulary, int seed) => TestData.Labels(count, vocabulary, seed);

        [Fact]
        public void The_sizes_follow_the_declaration()
        {
            Assert.Equal(5, TinyTokenModel.InputSize);
            Assert.Equal(7, TinyTokenModel.Vocabulary);
            Assert.Equal(5 * 7, TinyTokenModel.OutputSize);
            Assert.Equal((7 * 4) + (5 * 4) + (3 * 4 * 4) + (3 * 4) + (4 * 4) + 4 + (4 * 7) + 7, TinyTokenModel.ParameterCount);
            Assert.Contains("Embedding(7, 4)", TinyTokenModel.Summary);
            Assert.Equal(6, TokenBag.InputSize);
        }

        [Fact]
        public void Int_overloads_equal_the_members_that_take_values()
        {
            var net = new TinyTokenModel();
            net.InitializeParameters(3);
            const int Batch = 3;
            int[] tokens = Tokens(Batch * TinyTokenModel.InputSize, TinyTokenModel.Vocabulary, 5);
            double[] values = tokens.Select(t => (double)t).ToArray();
            int[] labels = Tokens(Batch * TinyTokenModel.InputSize, TinyTokenModel.Vocabulary, 6);

            var a = new double[TinyTokenModel.OutputSize];
            var b = new double[TinyTokenModel.OutputSize];
            net.Predict(tokens.AsSpan(0, TinyTokenModel.InputSize), a);
            net.Predict(values.AsSpan(0, TinyTokenModel.InputSize), b);
            Assert.Equal(b, a);

            var batchA = new double[Batch * TinyTokenModel.OutputSize];
            var batchB = new double[Batch * TinyTokenModel.OutputSize];
            net.PredictBatch(tokens, batchA);
            net.PredictBatch(values, batchB);
            Assert.Equal(batchB, batchA);

            var classesA = new int[TinyTokenModel.InputSize];
            var classesB = new int[TinyTokenModel.InputSize];
            net.Classify(tokens.AsSpan(0, TinyTokenModel.InputSize), classesA);
            net.Classify(values.AsSpan(0, TinyTokenModel.InputSize), classesB);
            Assert.Equal(classesB, classesA);

            Assert.Equal(
                net.Loss(values.AsSpan(0, TinyTokenModel.InputSize), labels.AsSpan(0, TinyTokenModel.InputSize)),
                net.Loss(tokens.AsSpan(0, TinyTokenModel.InputSize), labels.AsSpan(0, TinyTokenModel.InputSize)));

            var gradientA = new double[TinyTokenModel.ParameterCount];
            var gradientB = new double[TinyTokenModel.ParameterCount];
            Assert.Equal(net.Gradient(values, labels, gradientB), net.Gradient(tokens, labels, gradientA));
            Assert.Equal(gradientB, gradientA);

            var other = new TinyTokenModel();
            other.InitializeParameters(3);
            Assert.Equal(other.Train(values, labels, 0.01), net.Train(tokens, labels, 0.01));
            Assert.Equal(other.Parameters.ToArray(), net.Parameters.ToArray());

            var bag = new TokenBag();
            bag.InitializeParameters(1);
            int[] one = Tokens(TokenBag.InputSize, TokenBag.Vocabulary, 9);
            Assert.Equal(bag.Classify(one.Select(t => (double)t).ToArray()), bag.Classify(one));
            var bagCopy = new TokenBag();
            bagCopy.InitializeParameters(1);
            Assert.Equal(bagCopy.Train(one.Select(t => (double)t).ToArray(), 2, 0.1), bag.Train(one, 2, 0.1));
            Assert.Equal(bagCopy.Parameters.ToArray(), bag.Parameters.ToArray());
        }

        [Theory]
        [InlineData(7)]
        [InlineData(-1)]
        [InlineData(int.MaxValue)]
        public void A_token_outside_the_vocabulary_names_its_position_and_value_and_changes_nothing(int bad)
        {
            var net = new TinyTokenModel();
            net.InitializeParameters(3);
            double[] before = net.Parameters.ToArray();
            int[] tokens = Tokens(2 * TinyTokenModel.InputSize, TinyTokenModel.Vocabulary, 5);
            tokens[TinyTokenModel.InputSize + 3] = bad;
            int[] labels = Tokens(2 * TinyTokenModel.InputSize, TinyTokenModel.Vocabulary, 6);

            var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Train(tokens, labels, 0.1));
            Assert.Contains($"tokens[{TinyTokenModel.InputSize + 3}] (example 1, step 3) is {bad}", e.Message);
            Assert.Contains("[0, 7)", e.Message);
            Assert.Equal(before, net.Parameters.ToArray());
            Assert.Equal(0, net.StepCount);

            double[] values = tokens.Select(t => (double)t).ToArray();
            e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Train(values, labels, 0.1));
            Assert.Contains($"inputs[{TinyTokenModel.InputSize + 3}] (example 1, step 3) is {(double)bad}", e.Message);
            Assert.Equal(before, net.Parameters.ToArray());

            e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Predict(tokens.AsSpan(TinyTokenModel.InputSize, TinyTokenModel.InputSize), new double[TinyTokenModel.OutputSize]));
            Assert.Contains("tokens[3] is " + bad, e.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => net.Gradient(tokens, labels, new double[TinyTokenModel.ParameterCount]));
            Assert.Throws<ArgumentOutOfRangeException>(() => net.PredictBatch(values, new double[2 * TinyTokenModel.OutputSize]));
        }

        [Theory]
        [InlineData(2.5)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        [InlineData(-0.5)]
        public void A_value_that_is_not_a_whole_token_id_is_refused(double bad)
        {
            var net = new TokenBag();
            net.InitializeParameters(1);
            double[] values = Tokens(TokenBag.InputSize, TokenBag.Vocabulary, 2).Select(t => (double)t).ToArray();
            values[4] = bad;
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Predict(values, new double[TokenBag.OutputSize]));
            Assert.Contains("input[4] is", e.Message);
            Assert.Contains("not a token id", e.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => net.Loss(values, 1));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void The_gradient_matches_central_differences(int batch)
        {
            var net = new TinyTokenModel();
            double[] x = Tokens(batch * TinyTokenModel.InputSize, TinyTokenModel.Vocabulary, 31).Select(t => (double)t).ToArray();
            int[] y = Tokens(batch * TinyTokenModel.InputSize, TinyTokenModel.Vocabulary, 33);
            CentralDifferences.Check(nameof(TinyTokenModel), net.InitializeParameters, () => net.Parameters, g => net.Gradient(x, y, g));

            var bag = new TokenBag();
            double[] bx = Tokens(batch * TokenBag.InputSize, TokenBag.Vocabulary, 35).Select(t => (double)t).ToArray();
            int[] by = TestData.Labels(batch, TokenBag.ClassCount, 37);
            CentralDifferences.Check(nameof(TokenBag), bag.InitializeParameters, () => bag.Parameters, g => bag.Gradient(bx, by, g));
        }

        [Fact]
        public void Rows_of_tokens_absent_from_the_batch_get_no_gradient()
        {
            var net = new TokenBag();
            net.InitializeParameters(4);
            double[] x = { 1, 1, 2, 5, 2, 1 };
            var g = new double[TokenBag.ParameterCount];
            net.Gradient(x, new[] { 3 }, g);
            for (int token = 0; token < TokenBag.Vocabulary; token++)
            {
                bool seen = token is 1 or 2 or 5;
                bool any = g.AsSpan(token * 3, 3).ToArray().Any(v => v != 0);
                Assert.Equal(seen, any);
            }
        }

        [Fact]
        public void Streaming_one_token_per_step_equals_predict_at_every_step()
        {
            var net = new StreamingTokenModel();
            net.InitializeParameters(8);
            (_, float[] output, float[] state, _) = StepsAgainstPredict(net, 12);

            float[] saved = state.ToArray();
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Step(11, output, state));
            Assert.Contains("token[0] is 11", e.Message);
            Assert.Equal(saved, state);
        }

        [Fact]
        public void A_causal_decoder_streams_with_its_key_value_cache_as_predict_computes_every_step()
        {
            var net = new CachedDecoder();
            net.InitializeParameters(21);
            (int[] tokens, float[] output, float[] state, float[] all) = StepsAgainstPredict(net, 22);

            // Full after SequenceLength steps: the next step is refused and changes nothing; a reset starts over.
            float[] full = state.ToArray();
            var e = Assert.Throws<InvalidOperationException>(() => net.Step(tokens[0], output, state));
            Assert.Contains("has had its 12 steps", e.Message);
            Assert.Equal(full, state);
            CachedDecoder.ResetState(state);
            net.Step(tokens[0], output, state);
            Assert.Equal(all.AsSpan(0, output.Length).ToArray(), output);

            // A forged position is refused before anything changes.
            float[] forged = state.ToArray();
            forged[0] = 2.5f;
            float[] copy = forged.ToArray();
            Assert.Throws<ArgumentException>(() => net.Step(tokens[1], output, forged));
            Assert.Equal(copy, forged);
            Allocations.AssertNone(() => { CachedDecoder.ResetState(state); net.Step(tokens[0], output, state); }, "Step with the key/value cache");
        }

        [Fact]
        public void Streaming_on_request_gives_step_to_a_network_of_per_step_layers()
        {
            var net = new Bigram();
            net.InitializeParameters(2);
            Assert.Equal(0, Bigram.StreamStateSize);
            Assert.Equal(0, Bigram.StreamCapacity);
            int[] tokens = { 4, 0, 2, 2 };
            var all = new float[Bigram.OutputSize];
            net.Predict(tokens, all);
            var output = new float[Bigram.Vocabulary];
            for (int t = 0; t < tokens.Length; t++)
            {
                net.Step(tokens[t], output, Span<float>.Empty);
                Assert.Equal(all.AsSpan(t * Bigram.Vocabulary, Bigram.Vocabulary).ToArray(), output);
            }
        }

        [Fact]
        public void Int_overloads_allocate_nothing_once_warm()
        {
            var net = new StreamingTokenModel();
            net.InitializeParameters(8);
            int[] tokens = Tokens(4 * StreamingTokenModel.InputSize, StreamingTokenModel.Vocabulary, 12);
            int[] labels = Tokens(4 * StreamingTokenModel.InputSize, StreamingTokenModel.Vocabulary, 13);
            var output = new float[4 * StreamingTokenModel.OutputSize];
            Allocations.AssertNone(() =>
            {
                net.PredictBatch(tokens, output);
                net.Train(tokens, labels, 0.01f);
            }, "PredictBatch and Train on int tokens");
        }

        [Fact]
        public void Trainer_fits_next_token_windows_of_a_text()
        {
            // A text with a rule (each token is the one before plus one, modulo the vocabulary) that a causal model learns.
            int[] text = Enumerable.Range(0, 2000).Select(i => ((i * 1) + (i / 97)) % StreamingTokenModel.Vocabulary).ToArray();
            Dataset<float, int> data = TokenWindows.NextToken<float>(text, StreamingTokenModel.InputSize, stride: 3, StreamingTokenModel.Vocabulary);
            Assert.Equal(((text.Length - StreamingTokenModel.InputSize - 1) / 3) + 1, data.Count);
            Assert.Equal(StreamingTokenModel.InputSize, data.TargetsPerExample);
            Assert.Equal(text.AsSpan(3, StreamingTokenModel.InputSize).ToArray().Select(t => (float)t), data.Features(1).ToArray());
            Assert.Equal(text.AsSpan(4, StreamingTokenModel.InputSize).ToArray(), data.Targets(1).ToArray());

            var net = new StreamingTokenModel();
            net.InitializeParameters(1);
            float before = Evaluate(net, data);
            Trainer.Fit(net, data, new TrainerOptions { Epochs = 3, BatchSize = 16, LearningRate = LearningRateSchedule.Constant(0.2), Seed = 1 });
            float after = Evaluate(net, data);
            Assert.True(after < before / 3, $"mean loss {before} before, {after} after");
        }

        [Fact]
        public void Token_windows_refuse_what_would_be_wrong()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => TokenWindows.NextToken<float>(new[] { 1, 2, 3 }, 3, 1, 4));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => TokenWindows.NextToken<float>(new[] { 1, 2, 9, 3, 1 }, 2, 1, 4));
            Assert.Contains("text[2] is 9", e.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => TokenWindows.NextToken<float>(new[] { 1, 2, 3, 1 }, 2, 0, 4));
        }

        /// <summary>
        /// Streams a random sequence of InputSize tokens one Step at a time from a reset state and checks each step's output
        /// against Predict's at that step (1e-5); returns the tokens, the last output, the state and Predict's outputs.
        /// </summary>
        private static (int[] Tokens, float[] Output, float[] State, float[] All) StepsAgainstPredict<TNet>(TNet net, int seed)
            where TNet : class, ITokenStream<TNet, float>
        {
            int[] tokens = Tokens(TNet.InputSize, TNet.Vocabulary, seed);
            var all = new float[TNet.OutputSize];
            net.Predict(tokens, all);
            var state = new float[TNet.StreamStateSize];
            TNet.ResetState(state);
            var output = new float[TNet.Vocabulary];
            for (int t = 0; t < tokens.Length; t++)
            {
                net.Step(tokens[t], output, state);
                for (int k = 0; k < output.Length; k++)
                {
                    Assert.True(Math.Abs(output[k] - all[(t * output.Length) + k]) <= 1e-5, $"step {t}, class {k}: {output[k]} against {all[(t * output.Length) + k]}");
                }
            }

            return (tokens, output, state, all);
        }

        private static float Evaluate(StreamingTokenModel net, Dataset<float, int> data)
        {
            double total = 0;
            for (int i = 0; i < data.Count; i++)
            {
                total += net.Loss(data.Features(i), data.Targets(i));
            }

            return (float)(total / data.Count);
        }
    }
}
