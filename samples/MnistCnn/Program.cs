// Trains LeNet-5 (two convolutions with max pooling, then three Dense layers with dropout) on MNIST with Adam and a
// step-decayed learning rate, evaluates on the 10,000 test images after every epoch, and writes the model
// (safetensors) and a loss/accuracy plot.
// Run: dotnet run --project samples/MnistCnn -c Release    (--help for the options; --dataset fashion for Fashion-MNIST)
// The command line, the progress display and the reports are the MNIST sample's, in samples/Shared.
namespace NetGen.Samples.MnistCnn
{
    internal static class Program
    {
        public static int Main(string[] args) => ClassifierProgram.Run(
            new ClassifierSample<LeNet5>(
                Description: "Trains NetGen's LeNet-5 on MNIST and evaluates it on the test set after every epoch.",
                Topology: LeNet5.Topology,
                PlotModel: "LeNet-5 (conv 6, conv 16, 120, 84, 10), Adam",
                ArtifactPrefix: "cnn-",
                Create: () => new LeNet5(),
                Epochs: 10,
                BatchSize: 32,
                LearningRate: 0.002,
                StepEpochs: 3,
                StepGamma: 0.5,
                InverseTimeEpochs: 2),
            args);
    }
}
