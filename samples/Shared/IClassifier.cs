using System;

namespace NetGen.Samples
{
    /// <summary>
    /// What the shared trainer, evaluation and program need of a generated classifier. The generated methods already
    /// have these signatures, so a network opts in with <c>partial class MyNet : IClassifier</c> and the one property
    /// <see cref="ClassCount"/>.
    /// </summary>
    internal interface IClassifier
    {
        /// <summary>The number of outputs, one probability per class (the generated <c>OutputSize</c>).</summary>
        int ClassCount { get; }

        /// <summary>The number of optimizer steps taken so far, the k of the learning rate η_k.</summary>
        long StepCount { get; }

        void InitializeParameters(int seed);

        /// <summary>One optimizer step on a mini-batch; returns its mean loss before the step.</summary>
        float Train(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, float learningRate);

        /// <summary>Predictions for a batch of examples; thread-safe.</summary>
        void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

        void Save(string path);

        void Load(string path);
    }
}
