// Trains the lecture's 784-128-64-10 ReLU network on MNIST with mini-batch SGD and a step-dependent learning rate,
// evaluates on the 10,000 test images after every epoch, and writes the model (safetensors) and a loss/accuracy plot.
// Run: dotnet run --project samples/Mnist -c Release            (--help for the options)
// The command line, the progress display and the reports are in samples/Shared, which SequenceMnist compiles too.
namespace NetGen.Samples.Mnist
{
    internal static class Program
    {
        public static int Main(string[] args) => ClassifierProgram.Run(
            new ClassifierSample<MnistNet>(
                Description: "Trains NetGen's 784-128-64-10 MNIST network and evaluates it on the test set after every epoch.",
                Topology: MnistNet.Topology,
                PlotModel: "784-128-64-10 ReLU, SGD",
                ArtifactPrefix: string.Empty,
                Create: () => new MnistNet(),
                Epochs: 8,
                BatchSize: 32,
                LearningRate: 0.1,
                StepEpochs: 2,      // η0 halved every 2 epochs
                StepGamma: 0.5,
                InverseTimeEpochs: 2),
            args);
    }
}
