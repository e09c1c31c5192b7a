using System;
using System.IO;
using System.Numerics;

namespace NetGen
{
    /// <summary>
    /// What every generated network is, whatever its layers and head: the members a helper written once for all
    /// networks (a trainer, an evaluation, a benchmark) needs. Generated classes implement it, through the flavour
    /// of their head (<see cref="IClassifier{TSelf, T}"/> or <see cref="IRegressor{TSelf, T}"/>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Write generic code against it with a constraint, <c>static void Run&lt;TNet&gt;(TNet net) where TNet : class, IClassifier&lt;TNet, float&gt;</c>:
    /// the sizes are then <see langword="static"/> abstract members (<c>TNet.InputSize</c>) and nothing is boxed. A
    /// generated network is a class, so the JIT shares such a method's code among networks and each member call is one
    /// interface call, on a whole example or mini-batch: nanoseconds against the micro-seconds of the work, not measurable
    /// (docs/training.md has the figures).
    /// </para>
    /// <para>
    /// <typeparamref name="T"/> is the network's precision: <see cref="float"/> for <c>Precision.Single</c>,
    /// <see cref="double"/> for <c>Precision.Double</c>. The generated class implements the interface when the
    /// project compiles as C# 11 or later (static abstract members); with an older language version it has the same
    /// members but no interface.
    /// </para>
    /// </remarks>
    /// <typeparam name="TSelf">The generated network class itself.</typeparam>
    /// <typeparam name="T">Its floating-point type.</typeparam>
    public interface INetwork<TSelf, T>
        where TSelf : class, INetwork<TSelf, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Length of one input example (the generated <c>InputSize</c>).</summary>
        static abstract int InputSize { get; }

        /// <summary>Length of one output (the generated <c>OutputSize</c>).</summary>
        static abstract int OutputSize { get; }

        /// <summary>Number of trainable parameters (the generated <c>ParameterCount</c>).</summary>
        static abstract int ParameterCount { get; }

        /// <summary>Number of values of state that is not trained, in <see cref="Buffers"/> (the generated <c>BufferCount</c>): batch normalization's running statistics; 0 for most networks.</summary>
        static abstract int BufferCount { get; }

        /// <summary>Number of values in <see cref="OptimizerState"/>: 0 for SGD, ParameterCount with momentum, 2 × ParameterCount for Adam and AdamW.</summary>
        static abstract int OptimizerStateSize { get; }

        /// <summary>A human-readable description: layers, output shapes, parameters, FLOPs and memory (like Keras's <c>summary()</c>).</summary>
        static abstract string Summary { get; }

        /// <summary>All parameters, one contiguous buffer.</summary>
        Span<T> Parameters { get; }

        /// <summary>
        /// State that is not trained, one contiguous span of <see cref="BufferCount"/> values (for each batch normalization,
        /// its running mean then its running variance): saved, loaded, checkpointed and compiled in with the parameters,
        /// updated by Train, never by an optimizer. Empty for a network without it.
        /// </summary>
        Span<T> Buffers { get; }

        /// <summary>The integer buffers: each batch normalization's num_batches_tracked (int64 in PyTorch's files). Empty for most networks.</summary>
        Span<long> Counters { get; }

        /// <summary>
        /// The optimizer's buffers, one contiguous span of <see cref="OptimizerStateSize"/> values (momentum: the
        /// velocity; Adam: the first moments, then the second): read it to checkpoint a run, write it to resume one.
        /// </summary>
        Span<T> OptimizerState { get; }

        /// <summary>Optimizer steps taken (t in Adam's bias correction, k for learning-rate schedules); settable to resume a run.</summary>
        long StepCount { get; set; }

        /// <summary>Re-initializes every parameter deterministically from <paramref name="seed"/>.</summary>
        void InitializeParameters(int seed);

        /// <summary>Forgets the optimizer's state (buffers and step count).</summary>
        void ResetOptimizer();

        /// <summary>The head's output for one example. Thread-safe.</summary>
        void Predict(ReadOnlySpan<T> input, Span<T> output);

        /// <summary>The head's outputs for N examples (N × InputSize in, N × OutputSize out). Thread-safe.</summary>
        void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs);

        /// <summary>Writes the parameters (safetensors, PyTorch's names), atomically.</summary>
        void Save(string path);

        /// <summary>Writes the parameters (safetensors) to a stream.</summary>
        void Save(Stream stream);

        /// <summary>Reads parameters saved by <see cref="Save(string)"/> or by PyTorch, validated before any change.</summary>
        void Load(string path);

        /// <summary>Reads parameters in the safetensors format from a stream.</summary>
        void Load(Stream stream);
    }

    /// <summary>
    /// A network trained on targets of type <typeparamref name="TTarget"/>: <see cref="int"/> class labels
    /// (<see cref="IClassifier{TSelf, T}"/>) or <typeparamref name="T"/> values (<see cref="IRegressor{TSelf, T}"/>).
    /// A trainer is written once against this interface.
    /// </summary>
    /// <typeparam name="TSelf">The generated network class itself.</typeparam>
    /// <typeparam name="T">Its floating-point type.</typeparam>
    /// <typeparam name="TTarget">The type of one target value.</typeparam>
    public interface ITrainable<TSelf, T, TTarget> : INetwork<TSelf, T>
        where TSelf : class, ITrainable<TSelf, T, TTarget>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTarget : unmanaged
    {
        /// <summary>Target values per example: 1 label (T labels for a many-to-many sequence classifier), or OutputSize float targets.</summary>
        static abstract int TargetsPerExample { get; }

        /// <summary>One optimizer step on the mean loss of a mini-batch; returns that loss before the step.</summary>
        T Train(ReadOnlySpan<T> inputs, ReadOnlySpan<TTarget> targets, T learningRate);

        /// <summary>The gradient of the mean loss of a mini-batch, without a step; returns the loss.</summary>
        T Gradient(ReadOnlySpan<T> inputs, ReadOnlySpan<TTarget> targets, Span<T> gradient);
    }

    /// <summary>
    /// A <c>[Softmax]</c> network: integer class labels, cross-entropy. A many-to-many recurrent classifier takes
    /// <see cref="ITrainable{TSelf, T, TTarget}.TargetsPerExample"/> = SequenceLength labels per example, one per step.
    /// </summary>
    /// <typeparam name="TSelf">The generated network class itself.</typeparam>
    /// <typeparam name="T">Its floating-point type.</typeparam>
    public interface IClassifier<TSelf, T> : ITrainable<TSelf, T, int>
        where TSelf : class, IClassifier<TSelf, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Number of classes (OutputSize, or OutputSize / SequenceLength for a many-to-many network).</summary>
        static abstract int ClassCount { get; }
    }

    /// <summary>
    /// A network trained on float targets, OutputSize per example: the <c>[Identity]</c> head (regression, mean
    /// squared error) and the <c>[Sigmoid]</c> head (multi-label, binary cross-entropy, targets in [0, 1]).
    /// </summary>
    /// <typeparam name="TSelf">The generated network class itself.</typeparam>
    /// <typeparam name="T">Its floating-point type.</typeparam>
    public interface IRegressor<TSelf, T> : ITrainable<TSelf, T, T>
        where TSelf : class, IRegressor<TSelf, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
    }

    /// <summary>
    /// A network over token ids: its first layer is an <c>[Embedding(vocabulary, dim)]</c>, and one example is
    /// <c>InputSize</c> = SequenceLength ids, each a whole number in [0, <see cref="Vocabulary"/>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Its members that take values (<see cref="INetwork{TSelf, T}.Predict"/>, <c>Train</c>, <c>Gradient</c> and the rest,
    /// so <c>Trainer.Fit</c>, evaluation and every helper written against <see cref="INetwork{TSelf, T}"/>) read the ids as
    /// values of <typeparamref name="T"/>: 3 is 3f. A <c>Dataset&lt;T, int&gt;</c> of ids so written (see
    /// <c>NetGen.Data.TokenWindows</c>) trains it as any other. A value that is not a whole number in range is an
    /// <see cref="ArgumentOutOfRangeException"/> naming its example and step, thrown before anything changes.
    /// </para>
    /// <para>
    /// The generated class also has overloads of Predict, PredictBatch, Classify, Loss, Train and Gradient (and Step, when it
    /// streams) that take the ids as <see cref="int"/>s, checked the same way.
    /// </para>
    /// </remarks>
    /// <typeparam name="TSelf">The generated network class itself.</typeparam>
    /// <typeparam name="T">Its floating-point type.</typeparam>
    public interface ITokenNetwork<TSelf, T> : INetwork<TSelf, T>
        where TSelf : class, ITokenNetwork<TSelf, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Distinct tokens: every id is in [0, Vocabulary) (the generated <c>Vocabulary</c>).</summary>
        static abstract int Vocabulary { get; }

        /// <summary>The prediction for one example of InputSize token ids.</summary>
        void Predict(ReadOnlySpan<int> tokens, Span<T> output);

        /// <summary>The predictions for N examples of InputSize token ids each, row-major.</summary>
        void PredictBatch(ReadOnlySpan<int> tokens, Span<T> outputs);
    }

    /// <summary>
    /// A language model NetGen can generate text with: a network over token ids with a <c>[Softmax]</c> head (probabilities
    /// over the vocabulary at each step) and a streaming <c>Step</c> (every layer causal). <c>NetGen.Generation.TokenGeneration</c>
    /// drives it.
    /// </summary>
    /// <typeparam name="TSelf">The generated network class itself.</typeparam>
    /// <typeparam name="T">Its floating-point type.</typeparam>
    public interface ITokenStream<TSelf, T> : ITokenNetwork<TSelf, T>
        where TSelf : class, ITokenStream<TSelf, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Values of one stream's state (the generated <c>StreamStateSize</c>).</summary>
        static abstract int StreamStateSize { get; }

        /// <summary>Steps one stream holds before it must be reset (attention's cache, the positions), or 0 for no limit (the generated <c>StreamCapacity</c>).</summary>
        static abstract int StreamCapacity { get; }

        /// <summary>Starts a stream over (the generated <c>ResetState</c>).</summary>
        static abstract void ResetState(Span<T> state);

        /// <summary>One step: feeds <paramref name="token"/>, writes the probabilities of the next token into <paramref name="output"/> (Vocabulary values) and advances <paramref name="state"/>.</summary>
        void Step(int token, Span<T> output, Span<T> state);
    }
}
