// A character-level transformer language model (CharModel.cs: 64 characters of context, two causal blocks) trained on
// the fortune cookies of Debian's fortunes package. It prints the validation loss in bits per character after every
// epoch ("validation bpc: <value>" last), then writes text with the streaming Step and its key/value cache, and the
// tokens per second. twin_train.py trains the PyTorch twin on the same windows in the same order from the same initial
// weights, for the two curves side by side (README.md).
// The trained model goes to artifacts/char-transformer/ as safetensors and ONNX.
// Run: dotnet run --project samples/CharTransformer -c Release [-- --epochs N] [--threads N] [--seed N] [--corpus DIR]
//      [--temperature T] [--generate N]
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using NetGen.Generation;

namespace NetGen.Samples.CharTransformer
{
    internal static class Program
    {
        private const int T = CharModel.SequenceLength;
        private const int BatchSize = 32;
        private const double LearningRate = 0.003;
        private const double WeightDecay = 0.01;
        private const int WarmupSteps = 100;
        private const double FinalFraction = 0.1;
        private const string Prompt = "The ";

        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        public static int Main(string[] args)
        {
            int epochs = Option(args, "--epochs", 8);
            int threads = Option(args, "--threads", Math.Min(Environment.ProcessorCount, 8));
            int seed = Option(args, "--seed", 1);
            int generate = Option(args, "--generate", 400);
            double temperature = double.Parse(Text(args, "--temperature", "0.8"), Invariant);
            string corpus = Text(args, "--corpus", Corpus.DefaultDirectory);
            string artifacts = Path.Combine("artifacts", "char-transformer");
            Directory.CreateDirectory(artifacts);
            var wall = Stopwatch.StartNew();

            int[] text;
            try
            {
                text = Corpus.Load(corpus);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            int split = (int)(text.LongLength * 9 / 10);
            int[] train = text[..split];
            int[] validation = text[split..];
            Console.WriteLine(
                $"CharModel: {T} characters of context, {CharModel.Vocabulary} characters, {CharModel.ParameterCount:N0} parameters "
                + "(embedding, positions, 2 × (4-head causal attention, MLP 256), LayerNorm, softmax per step), AdamW");
            Console.WriteLine($"corpus: {text.Length:N0} characters from {corpus}; training {train.Length:N0}, validation {validation.Length:N0} (the last tenth)");

            var net = new CharModel { TrainingThreads = threads, WeightDecay = (float)WeightDecay };
            net.InitializeParameters(seed);
            net.Save(Path.Combine(artifacts, "initial.safetensors")); // the twin starts from these
            Console.WriteLine(string.Format(Invariant, "validation bpc before training: {0:F4}", Bpc(net, validation)));

            double bpc = Train(net, train, validation, epochs, threads, Path.Combine(artifacts, "curve.csv"));
            net.Save(Path.Combine(artifacts, "model.safetensors"));
            net.SaveOnnx(Path.Combine(artifacts, "model.onnx"));
            Console.WriteLine(string.Format(Invariant, "validation bpc: {0:F4}", bpc));

            Generate(net, temperature, seed, generate);
            Console.WriteLine($"wall time {wall.Elapsed.TotalSeconds.ToString("F1", Invariant)} s; model in {Path.Combine(artifacts, "model.safetensors")}");
            return 0;
        }

        /// <summary>
        /// AdamW over the windows of the training text, each epoch's in the order <see cref="Order"/> gives, the rate warmed up
        /// then cosine-annealed (<see cref="Rate"/>); the validation bpc after every epoch, also written to the curve file.
        /// </summary>
        private static double Train(CharModel net, int[] train, int[] validation, int epochs, int threads, string curve)
        {
            long total = 0;
            for (int e = 0; e < epochs; e++)
            {
                total += Windows(train.Length, e) / BatchSize;
            }

            Console.WriteLine(string.Format(
                Invariant,
                "training: {0} epochs of non-overlapping windows ({1:N0} steps of {2}), AdamW (weight decay {3}), rate {4} warmed up over {5} steps then cosine to {6:G3}, {7} thread(s)",
                epochs, total, BatchSize, WeightDecay, LearningRate, WarmupSteps, LearningRate * FinalFraction, threads));
            var tokens = new int[BatchSize * T];
            var labels = new int[BatchSize * T];
            var lines = new StringBuilder("epoch,train_loss,validation_bpc,seconds\n");
            var clock = Stopwatch.StartNew();
            double bpc = double.NaN;
            long step = 0;
            for (int e = 0; e < epochs; e++)
            {
                int windows = Windows(train.Length, e);
                long multiplier = Multiplier(windows);
                double sum = 0;
                int batches = windows / BatchSize;
                for (int b = 0; b < batches; b++)
                {
                    for (int n = 0; n < BatchSize; n++)
                    {
                        int start = Start(Order(b * BatchSize + n, windows, multiplier, e), e);
                        train.AsSpan(start, T).CopyTo(tokens.AsSpan(n * T, T));
                        train.AsSpan(start + 1, T).CopyTo(labels.AsSpan(n * T, T));
                    }

                    sum += net.Train(tokens, labels, (float)Rate(step++, total));
                }

                bpc = Bpc(net, validation);
                double loss = sum / batches / Math.Log(2);
                Console.WriteLine(string.Format(Invariant, "  epoch {0}: training {1:F4} bpc, validation {2:F4} bpc  ({3:F1} s)", e + 1, loss, bpc, clock.Elapsed.TotalSeconds));
                lines.Append(string.Format(Invariant, "{0},{1:R},{2:R},{3:F1}\n", e + 1, loss, bpc, clock.Elapsed.TotalSeconds));
            }

            string temporary = curve + ".tmp";
            File.WriteAllText(temporary, lines.ToString());
            File.Move(temporary, curve, overwrite: true);
            Console.WriteLine($"training took {clock.Elapsed.TotalSeconds.ToString("F1", Invariant)} s ({(double)total * BatchSize * T / clock.Elapsed.TotalSeconds:N0} characters/s); the curve is in {curve}");
            return bpc;
        }

        /// <summary>Windows of epoch <paramref name="epoch"/>: T characters and the T after them, from offset (23·epoch) mod T.</summary>
        internal static int Windows(int length, int epoch) => (length - 1 - Offset(epoch)) / T;

        private static int Offset(int epoch) => epoch * 23 % T;

        private static int Start(int window, int epoch) => Offset(epoch) + (window * T);

        /// <summary>
        /// The window at position k of epoch e's order: (k·a + 977·e) mod n, a = <see cref="Multiplier"/>(n) (so every window
        /// comes once). twin_train.py computes the same.
        /// </summary>
        internal static int Order(int k, int n, long a, int epoch) => (int)((((long)k * a) + (977L * epoch)) % n);

        /// <summary>The first number from 7919 up that shares no factor with n.</summary>
        internal static long Multiplier(int n)
        {
            long a = 7919;
            while (Gcd(a, n) != 1)
            {
                a++;
            }

            return a;
        }

        private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);

        /// <summary>The rate of step s of S: linear warm-up over the first steps, then a cosine from the full rate to a tenth of it.</summary>
        internal static double Rate(long s, long total)
        {
            double warm = Math.Min(1.0, (s + 1) / (double)WarmupSteps);
            double cosine = FinalFraction + ((1 - FinalFraction) * 0.5 * (1 + Math.Cos(Math.PI * s / total)));
            return LearningRate * warm * cosine;
        }

        /// <summary>Mean loss per character over the non-overlapping windows of <paramref name="text"/>, in bits.</summary>
        private static double Bpc(CharModel net, int[] text)
        {
            int windows = (text.Length - 1) / T;
            double sum = 0;
            for (int i = 0; i < windows; i++)
            {
                sum += net.Loss(text.AsSpan(i * T, T), text.AsSpan((i * T) + 1, T));
            }

            return sum / windows / Math.Log(2);
        }

        /// <summary>Writes text after the prompt with Step (sampled at the temperature), then times greedy generation.</summary>
        private static void Generate(CharModel net, double temperature, int seed, int count)
        {
            var state = new float[CharModel.StreamStateSize];
            var output = new float[CharModel.Vocabulary];
            var generated = new int[count];
            TokenGeneration.Generate(net, Corpus.Encode(Prompt), generated, new TokenSampler(temperature, seed), state, output);
            Console.WriteLine(string.Format(Invariant, "sampled at temperature {0}, seed {1}:", temperature, seed));
            Console.WriteLine(Prompt + Corpus.Decode(generated));
            Console.WriteLine();

            // Timing: tokens of greedy generation (each a Step with the cache and a pick), warm first.
            var timed = new int[20_000];
            int[] prompt = Corpus.Encode(Prompt);
            var greedy = TokenSampler.Greedy();
            TokenGeneration.Generate(net, prompt, timed.AsSpan(0, 2_000), greedy, state, output);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            TokenGeneration.Generate(net, prompt, timed, greedy, state, output);
            double seconds = clock.Elapsed.TotalSeconds;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Console.WriteLine(string.Format(
                Invariant,
                "generation: {0:N0} tokens/s ({1:F2} µs per token: Step with the key/value cache over up to {2} steps, the window sliding by {3}; {4} bytes allocated)",
                timed.Length / seconds, seconds * 1e6 / timed.Length, CharModel.StreamCapacity, CharModel.StreamCapacity / 2, allocated));
        }

        private static int Option(string[] args, string name, int fallback) => int.Parse(Text(args, name, fallback.ToString(Invariant)), Invariant);

        private static string Text(string[] args, string name, string fallback)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }
    }
}
