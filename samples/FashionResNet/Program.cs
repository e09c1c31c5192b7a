// Trains a small residual network with batch normalization on Fashion-MNIST: SGD with Nesterov momentum 0.9 and weight
// decay 5e-4, a cosine learning rate after one epoch of warm-up, batches of 64 flipped left to right at random;
// evaluates on the 10,000 test images after every epoch (batch normalization's running statistics), and writes the
// model (safetensors, running statistics and the standardization included) and a loss/accuracy plot. Training uses
// every processor (at most 8; --threads): the result is the same for any count.
// Run: dotnet run --project samples/FashionResNet -c Release    (--help for the options)
// The data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), else --data, else NetGen's data cache.
namespace NetGen.Samples.FashionResNet
{
    internal static class Program
    {
        public static int Main(string[] args) => ClassifierProgram.Run(
            new ClassifierSample<FashionResNet>(
                Description: "Trains NetGen's small ResNet (residual blocks with batch normalization) on Fashion-MNIST and evaluates it after every epoch.",
                Topology: FashionResNet.Topology,
                PlotModel: "ResNet (24, 48, 48 channels, batch norm), Nesterov, cosine",
                ArtifactPrefix: "resnet-",
                Create: () => new FashionResNet(),
                Epochs: 12,
                BatchSize: 64,
                LearningRate: 0.1,
                StepEpochs: 4,
                StepGamma: 0.2,
                InverseTimeEpochs: 2,
                DefaultDataset: "fashion",
                DefaultSchedule: "cosine",
                WarmupEpochs: 1,
                Standardize: (net, standardization) => net.Standardization = standardization,
                Configure: net =>
                {
                    net.Momentum = 0.9f;
                    net.WeightDecay = 5e-4f;
                },
                Augment: background => new NetGen.Training.ImageAugmentation(1, 28, 28) { FlipProbability = 0.5, Fill = background },
                SetThreads: (net, threads) => net.TrainingThreads = threads),
            args);
    }
}
