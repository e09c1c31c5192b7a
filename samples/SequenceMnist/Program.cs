// Trains an LSTM on MNIST read row by row (28 steps of 28 pixels) with Adam and a step-decayed learning rate,
// evaluates on the 10,000 test images after every epoch, and writes the model (safetensors) and a loss/accuracy plot.
// Run: dotnet run --project samples/SequenceMnist -c Release    (--help for the options)
// The command line, the progress display and the reports are the MNIST sample's, in samples/Shared.
namespace NetGen.Samples.SequenceMnist
{
    internal static class Program
    {
        public static int Main(string[] args) => ClassifierProgram.Run(
            new ClassifierSample<RowLstm>(
                Description: "Trains NetGen's row-by-row LSTM (28 steps of 28 pixels, 128 units) on MNIST and evaluates it on the test set after every epoch.",
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
    }
}
