// Trains a network on MNIST read row by row (28 steps of 28 pixels), evaluates on the 10,000 test images after every
// epoch, and writes the model (safetensors) and a loss/accuracy plot. --network lstm (the default): an LSTM of 128 units
// with Adam and a step-decayed learning rate. --network transformer: a small transformer encoder (RowTransformer.cs)
// with AdamW and a cosine schedule.
// Run: dotnet run --project samples/SequenceMnist -c Release [-- --network transformer]    (--help for the options)
// The command line, the progress display and the reports are the MNIST sample's, in samples/Shared.
using System;

namespace NetGen.Samples.SequenceMnist
{
    internal static class Program
    {
        public static int Main(string[] args)
        {
            // --network picks the class before the shared command line (generic in it) parses the rest.
            string network = "lstm";
            int at = Array.IndexOf(args, "--network");
            if (at >= 0)
            {
                if (at + 1 >= args.Length || (args[at + 1] != "lstm" && args[at + 1] != "transformer"))
                {
                    Console.Error.WriteLine("--network expects lstm or transformer");
                    return 1;
                }

                network = args[at + 1];
                args = args[..at].Concat(args[(at + 2)..]);
            }

            return network == "transformer" ? Transformer(args) : Lstm(args);
        }

        private static int Lstm(string[] args) => ClassifierProgram.Run(
            new ClassifierSample<RowLstm>(
                Description: "Trains NetGen's row-by-row LSTM (28 steps of 28 pixels, 128 units) on MNIST and evaluates it on the test set after every epoch (--network transformer: a transformer encoder).",
                Topology: RowLstm.Topology,
                PlotModel: "LSTM 28×28 → 128 → 10, Adam",
                ArtifactPrefix: "sequence-",
                Create: () => new RowLstm(),
                Epochs: 4,
                BatchSize: 32,
                LearningRate: 0.003,
                StepEpochs: 1,
                StepGamma: 0.5,
                InverseTimeEpochs: 1),
            args);

        private static int Transformer(string[] args) => ClassifierProgram.Run(
            new ClassifierSample<RowTransformer>(
                Description: "Trains NetGen's row-by-row transformer encoder (28 steps of 28 pixels to 64 values, two blocks of 4-head attention and an MLP) on MNIST and evaluates it on the test set after every epoch.",
                Topology: RowTransformer.Topology,
                PlotModel: "Transformer 28×28 → 64, 2 blocks, 4 heads → 10, AdamW",
                ArtifactPrefix: "sequence-transformer-",
                Create: () => new RowTransformer(),
                Epochs: 6,
                BatchSize: 32,
                LearningRate: 0.001,
                StepEpochs: 2,
                StepGamma: 0.5,
                InverseTimeEpochs: 1,
                DefaultSchedule: "cosine",
                WarmupEpochs: 0.5,
                SetThreads: (net, threads) => net.TrainingThreads = threads),
            args);

        private static string[] Concat(this string[] first, string[] second)
        {
            var all = new string[first.Length + second.Length];
            first.CopyTo(all, 0);
            second.CopyTo(all, first.Length);
            return all;
        }
    }
}
