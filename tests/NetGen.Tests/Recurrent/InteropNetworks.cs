using System;
using System.Collections.Generic;
using System.Linq;
using NetGen;

namespace NetGen.Tests.Recurrent
{
    /// <summary>A generated double-precision sequence network, seen through the members every one of them has.</summary>
    public interface IDoubleSequenceNet
    {
        Span<double> Parameters { get; }

        double WeightDecay { get; set; }

        void InitializeParameters(int seed);

        void Predict(ReadOnlySpan<double> input, Span<double> output);

        void Save(string path);
    }

    /// <summary>A Softmax-headed one: integer labels (T per example when many-to-many).</summary>
    public interface ILabelSequenceNet : IDoubleSequenceNet
    {
        double Gradient(ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels, Span<double> gradient);

        double Train(ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels, double learningRate);
    }

    /// <summary>A Sigmoid- or Identity-headed one: float targets (T × K per example when many-to-many).</summary>
    public interface ITargetSequenceNet : IDoubleSequenceNet
    {
        double Gradient(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, Span<double> gradient);

        double Train(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, double learningRate);
    }

    /// <summary>A generated single-precision sequence network, for the prediction and model-file checks.</summary>
    public interface IFloatSequenceNet
    {
        Span<float> Parameters { get; }

        void Predict(ReadOnlySpan<float> input, Span<float> output);

        void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

        void Save(string path);

        void Load(string path);
    }

    // The double networks of RecurrentNetworks.cs, given the interfaces above.
    public partial class LstmToOne : ILabelSequenceNet { }

    public partial class GruToOne : ILabelSequenceNet { }

    public partial class RnnToOne : ILabelSequenceNet { }

    public partial class LstmToMany : ILabelSequenceNet { }

    public partial class StackedRegression : ITargetSequenceNet { }

    public partial class StackedMultiLabel : ITargetSequenceNet { }

    public partial class StreamingLstm : IFloatSequenceNet { }

    public partial class RowGru : IFloatSequenceNet { }

    public partial class WideLstm : IFloatSequenceNet { }

    // More double networks: the other kinds many-to-many, three stacked kinds, and sizes past a vector's width
    // (hidden 10, 11, 17), where the generated loops have their vector bodies and their remainders.

    [Network(Precision = Precision.Double, SequenceLength = 4)]
    [Rnn(3, 4, ReturnSequences = true)]
    [Dense(4, 3)][Softmax]
    public partial class RnnToManyLabels : ILabelSequenceNet { }

    [Network(Precision = Precision.Double, SequenceLength = 5)]
    [Gru(2, 4, ReturnSequences = true)]
    [Dense(4, 3)][Tanh][Identity]
    public partial class GruToManyRegression : ITargetSequenceNet { }

    [Network(Precision = Precision.Double, SequenceLength = 3)]
    [Lstm(2, 3)]
    [Dense(3, 2)][Sigmoid]
    public partial class LstmToOneMultiLabel : ITargetSequenceNet { }

    [Network(Precision = Precision.Double, SequenceLength = 3)]
    [Gru(2, 3, ReturnSequences = true)]
    [Rnn(3, 4, ReturnSequences = true)]
    [Lstm(4, 2, ReturnSequences = true)]
    [Dense(2, 4)][LeakyRelu(0.1)]
    [Dense(4, 2)][Sigmoid][Identity]
    public partial class GruRnnLstmToMany : ITargetSequenceNet { }

    [Network(Precision = Precision.Double, SequenceLength = 6)]
    [Lstm(9, 11, ReturnSequences = true)]
    [Gru(11, 10)]
    [Dense(10, 7)][Softmax]
    public partial class WideLstmGru : ILabelSequenceNet { }

    [Network(Precision = Precision.Double, SequenceLength = 5)]
    [Rnn(5, 17, ReturnSequences = true)]
    [Dense(17, 9)][Relu]
    [Dense(9, 3)][Sigmoid]
    public partial class WideRnnToMany : ITargetSequenceNet { }

    // One network per optimizer other than SGD (the SGD trajectories use the networks above).

    [Network(Precision = Precision.Double, SequenceLength = 3, Optimizer = Optimizer.Momentum)]
    [Rnn(2, 3, ReturnSequences = true)]
    [Dense(3, 2)][Tanh][Identity]
    public partial class MomentumRnnToMany : ITargetSequenceNet { }

    [Network(Precision = Precision.Double, SequenceLength = 4, Optimizer = Optimizer.Nesterov)]
    [Gru(3, 4)]
    [Dense(4, 2)][Sigmoid]
    public partial class NesterovGruToOne : ITargetSequenceNet { }

    [Network(Precision = Precision.Double, SequenceLength = 4, Optimizer = Optimizer.Adam)]
    [Lstm(3, 4, ReturnSequences = true)]
    [Gru(4, 3)]
    [Dense(3, 5)][Relu]
    [Dense(5, 3)][Softmax]
    public partial class AdamLstmGru : ILabelSequenceNet { }

    [Network(Precision = Precision.Double, SequenceLength = 3, Optimizer = Optimizer.AdamW)]
    [Gru(2, 3, ReturnSequences = true)]
    [Rnn(3, 4, ReturnSequences = true)]
    [Lstm(4, 2, ReturnSequences = true)]
    [Dense(2, 4)][LeakyRelu(0.1)]
    [Dense(4, 2)][Sigmoid][Identity]
    public partial class AdamWGruRnnLstm : ITargetSequenceNet { }

    // Single precision, for predictions against PyTorch's float32 (with RowGru and StreamingLstm).

    [Network(SequenceLength = 7)]
    [Lstm(3, 9)]
    [Dense(9, 4)][Softmax]
    public partial class FloatLstm : IFloatSequenceNet { }

    [Network(SequenceLength = 6)]
    [Gru(3, 10, ReturnSequences = true)]
    [Dense(10, 2)][Sigmoid]
    public partial class FloatGruToMany : IFloatSequenceNet { }

    [Network(SequenceLength = 8)]
    [Rnn(12, 20)]
    [Dense(20, 6)][Tanh]
    [Dense(6, 3)][Identity]
    public partial class FloatRnn : IFloatSequenceNet { }

    [Network(SequenceLength = 5)]
    [Lstm(4, 6, ReturnSequences = true)]
    [Gru(6, 5, ReturnSequences = true)]
    [Rnn(5, 9, ReturnSequences = true)]
    [Dense(9, 3)][Softmax]
    public partial class FloatStackedToMany : IFloatSequenceNet { }

    /// <summary>A generated network with its twin: the reference network of the same topology, whose tensors
    /// (PyTorch names, shapes, offsets) the generated layout must follow.</summary>
    public sealed record GeneratedCase<TNet>(string Name, ReferenceSequenceNet Twin, Func<TNet> Create)
    {
        public override string ToString() => Name;
    }

    /// <summary>The generated recurrent networks the interop and reference checks run on, each with its twin.</summary>
    public static class GeneratedSequenceNetworks
    {
        public static readonly GeneratedCase<IDoubleSequenceNet>[] Double =
        {
            new("LstmToOne", new(4, SequenceHead.Softmax, SequenceLayer.Lstm(3, 5), SequenceLayer.Dense(5, 3)), () => new LstmToOne()),
            new("GruToOne", new(4, SequenceHead.Softmax, SequenceLayer.Gru(3, 5), SequenceLayer.Dense(5, 3)), () => new GruToOne()),
            new("RnnToOne", new(5, SequenceHead.Softmax, SequenceLayer.Rnn(3, 5), SequenceLayer.Dense(5, 4, Act.Tanh), SequenceLayer.Dense(4, 3)), () => new RnnToOne()),
            new("LstmToOneMultiLabel", new(3, SequenceHead.Sigmoid, SequenceLayer.Lstm(2, 3), SequenceLayer.Dense(3, 2)), () => new LstmToOneMultiLabel()),
            new("LstmToMany", new(4, SequenceHead.Softmax, SequenceLayer.Lstm(2, 4, true), SequenceLayer.Dense(4, 3)), () => new LstmToMany()),
            new("RnnToManyLabels", new(4, SequenceHead.Softmax, SequenceLayer.Rnn(3, 4, true), SequenceLayer.Dense(4, 3)), () => new RnnToManyLabels()),
            new("GruToManyRegression", new(5, SequenceHead.Identity, SequenceLayer.Gru(2, 4, true), SequenceLayer.Dense(4, 3, Act.Tanh)), () => new GruToManyRegression()),
            new("StackedRegression", new(3, SequenceHead.Identity, SequenceLayer.Lstm(3, 4, true), SequenceLayer.Gru(4, 5), SequenceLayer.Dense(5, 2)), () => new StackedRegression()),
            new("StackedMultiLabel", new(9, SequenceHead.Sigmoid, SequenceLayer.Rnn(2, 3, true), SequenceLayer.Gru(3, 4, true), SequenceLayer.Dense(4, 2)), () => new StackedMultiLabel()),
            new("GruRnnLstmToMany", ThreeStacked(), () => new GruRnnLstmToMany()),
            new("WideLstmGru", new(6, SequenceHead.Softmax, SequenceLayer.Lstm(9, 11, true), SequenceLayer.Gru(11, 10), SequenceLayer.Dense(10, 7)), () => new WideLstmGru()),
            new("WideRnnToMany", new(5, SequenceHead.Sigmoid, SequenceLayer.Rnn(5, 17, true), SequenceLayer.Dense(17, 9, Act.Relu), SequenceLayer.Dense(9, 3)), () => new WideRnnToMany()),
            new("MomentumRnnToMany", new(3, SequenceHead.Identity, SequenceLayer.Rnn(2, 3, true), SequenceLayer.Dense(3, 2, Act.Tanh)), () => new MomentumRnnToMany()),
            new("NesterovGruToOne", new(4, SequenceHead.Sigmoid, SequenceLayer.Gru(3, 4), SequenceLayer.Dense(4, 2)), () => new NesterovGruToOne()),
            new("AdamLstmGru", new(4, SequenceHead.Softmax, SequenceLayer.Lstm(3, 4, true), SequenceLayer.Gru(4, 3), SequenceLayer.Dense(3, 5, Act.Relu), SequenceLayer.Dense(5, 3)), () => new AdamLstmGru()),
            new("AdamWGruRnnLstm", ThreeStacked(), () => new AdamWGruRnnLstm()),
        };

        public static readonly GeneratedCase<IFloatSequenceNet>[] Float =
        {
            new("FloatLstm", new(7, SequenceHead.Softmax, SequenceLayer.Lstm(3, 9), SequenceLayer.Dense(9, 4)), () => new FloatLstm()),
            new("FloatGruToMany", new(6, SequenceHead.Sigmoid, SequenceLayer.Gru(3, 10, true), SequenceLayer.Dense(10, 2)), () => new FloatGruToMany()),
            new("FloatRnn", new(8, SequenceHead.Identity, SequenceLayer.Rnn(12, 20), SequenceLayer.Dense(20, 6, Act.Tanh), SequenceLayer.Dense(6, 3)), () => new FloatRnn()),
            new("FloatStackedToMany", new(5, SequenceHead.Softmax, SequenceLayer.Lstm(4, 6, true), SequenceLayer.Gru(6, 5, true), SequenceLayer.Rnn(5, 9, true), SequenceLayer.Dense(9, 3)), () => new FloatStackedToMany()),
            new("RowGru", new(28, SequenceHead.Softmax, SequenceLayer.Gru(28, 16), SequenceLayer.Dense(16, 10)), () => new RowGru()),
            new("StreamingLstm", new(16, SequenceHead.Identity, SequenceLayer.Lstm(1, 32), SequenceLayer.Dense(32, 1)), () => new StreamingLstm()),
            new("WideLstm", new(9, SequenceHead.Softmax, SequenceLayer.Lstm(20, 32), SequenceLayer.Dense(32, 10)), () => new WideLstm()),
        };

        public static GeneratedCase<IDoubleSequenceNet> DoubleCase(string name) => Double.Single(c => c.Name == name);

        public static GeneratedCase<IFloatSequenceNet> FloatCase(string name) => Float.Single(c => c.Name == name);

        public static IEnumerable<object[]> DoubleNames() => Double.Select(c => new object[] { c.Name });

        public static IEnumerable<object[]> FloatNames() => Float.Select(c => new object[] { c.Name });

        /// <summary>One example (the single-example path) and a mini-batch; the wide networks also a batch past one block of 32.</summary>
        public static int[] Batches(string name) => name.StartsWith("Wide", StringComparison.Ordinal) ? new[] { 1, 5, 37 } : new[] { 1, 5 };

        public static IEnumerable<object[]> DoubleNamesAndBatches() =>
            Double.SelectMany(c => Batches(c.Name).Select(b => new object[] { c.Name, b }));

        /// <summary>The network of the case with parameters U(±0.6): every one nonzero (Dense biases too, unlike a fresh
        /// initialization), the same on every call.</summary>
        public static IDoubleSequenceNet DoubleNet(GeneratedCase<IDoubleSequenceNet> c)
        {
            IDoubleSequenceNet net = c.Create();
            if (net.Parameters.Length != c.Twin.ParameterCount)
            {
                throw new InvalidOperationException($"{c.Name}: {net.Parameters.Length} parameters, the twin has {c.Twin.ParameterCount}");
            }

            TestData.Doubles(net.Parameters.Length, 41, 0.6).CopyTo(net.Parameters);
            return net;
        }

        /// <summary>Inputs and labels or targets for a gradient check of <paramref name="batch"/> examples.</summary>
        public static (double[] Inputs, int[] Labels, double[] Targets) GradientData(ReferenceSequenceNet twin, int batch) =>
            SequenceNetworks.Data(twin, batch, 43 + batch);

        /// <summary>The mean loss of the batch and its gradient, by labels or float targets as the head takes them.</summary>
        public static double Gradient(IDoubleSequenceNet net, double[] inputs, int[] labels, double[] targets, double[] gradient) => net switch
        {
            ILabelSequenceNet l => l.Gradient(inputs, labels, gradient),
            ITargetSequenceNet t => t.Gradient(inputs, targets, gradient),
            _ => throw new ArgumentException(net.GetType().Name),
        };

        /// <summary>One optimizer step on the batch; the mean loss before it.</summary>
        public static double Train(IDoubleSequenceNet net, double[] inputs, int[] labels, double[] targets, double learningRate) => net switch
        {
            ILabelSequenceNet l => l.Train(inputs, labels, learningRate),
            ITargetSequenceNet t => t.Train(inputs, targets, learningRate),
            _ => throw new ArgumentException(net.GetType().Name),
        };

        private static ReferenceSequenceNet ThreeStacked() => new(
            3,
            SequenceHead.Identity,
            SequenceLayer.Gru(2, 3, true),
            SequenceLayer.Rnn(3, 4, true),
            SequenceLayer.Lstm(4, 2, true),
            SequenceLayer.Dense(2, 4, Act.LeakyRelu, 0.1),
            SequenceLayer.Dense(4, 2, Act.Sigmoid));
    }
}
