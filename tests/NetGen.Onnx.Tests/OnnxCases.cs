using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetGen.Onnx.Tests
{
    /// <summary>
    /// One exported network: its sizes, its precision, its ONNX bytes and NetGen's own predictions, with every parameter
    /// drawn at random (so that biases, which start at zero, and every gate block are exercised).
    /// </summary>
    public sealed class OnnxCase
    {
        private readonly Func<byte[]> _export;
        private readonly Action<string> _save;
        private readonly Func<double[], int, double[]> _predictEach;
        private readonly Func<double[], int, double[]> _predictBatch;

        private OnnxCase(string name, bool isDouble, int inputSize, int outputSize, double parameterSum, string[] operators, Func<byte[]> export, Action<string> save, Func<double[], int, double[]> predictEach, Func<double[], int, double[]> predictBatch)
        {
            Name = name;
            IsDouble = isDouble;
            InputSize = inputSize;
            OutputSize = outputSize;
            Operators = operators;
            ParameterSum = parameterSum;
            _export = export;
            _save = save;
            _predictEach = predictEach;
            _predictBatch = predictBatch;
        }

        /// <summary>Every case, by name.</summary>
        public static IReadOnlyDictionary<string, OnnxCase> All { get; } = Build().ToDictionary(c => c.Name);

        /// <summary>The names, for [MemberData].</summary>
        public static IEnumerable<object[]> Names => All.Keys.Select(n => new object[] { n });

        /// <summary>The cases ONNX Runtime runs as they are: all but the double recurrent ones (its CPU LSTM, GRU and RNN kernels are float-only).</summary>
        public static IEnumerable<object[]> RuntimeNames => All.Values.Where(c => c.RunsInOnnxRuntime).Select(c => new object[] { c.Name });

        /// <summary>The double recurrent cases, which ONNX Runtime runs once onnx has cast them to float.</summary>
        public static IEnumerable<object[]> CastNames => All.Values.Where(c => !c.RunsInOnnxRuntime).Select(c => new object[] { c.Name });

        public string Name { get; }

        public bool IsDouble { get; }

        public int InputSize { get; }

        public int OutputSize { get; }

        /// <summary>The operators the exported graph must contain (each at least once).</summary>
        public string[] Operators { get; }

        /// <summary>The sum of the parameters (what the initializers of the exported model hold, in another order).</summary>
        public double ParameterSum { get; }

        /// <summary>Whether ONNX Runtime has kernels for every node in this precision.</summary>
        public bool RunsInOnnxRuntime => !(IsDouble && Operators.Any(o => o is "LSTM" or "GRU" or "RNN" or "Conv"));

        /// <summary>The model written by SaveOnnx(Stream).</summary>
        public byte[] Export() => _export();

        /// <summary>SaveOnnx(path).</summary>
        public void Save(string path) => _save(path);

        /// <summary>NetGen's Predict, one example at a time, over <paramref name="count"/> examples (as doubles).</summary>
        public double[] PredictEach(double[] inputs, int count) => _predictEach(inputs, count);

        /// <summary>NetGen's PredictBatch over <paramref name="count"/> examples (as doubles).</summary>
        public double[] PredictBatch(double[] inputs, int count) => _predictBatch(inputs, count);

        /// <summary>For a network over token ids, its vocabulary (the inputs are then ids); 0 otherwise.</summary>
        public int Vocabulary { get; private set; }

        /// <summary>Marks the case as a network over <paramref name="vocabulary"/> token ids.</summary>
        public OnnxCase OverTokens(int vocabulary)
        {
            Vocabulary = vocabulary;
            return this;
        }

        /// <summary>Inputs in [−2, 2), exactly representable in float; token ids in [0, Vocabulary) for a network over tokens.</summary>
        public double[] Inputs(int count, int seed)
        {
            var random = new Random(seed);
            return Vocabulary > 0
                ? Enumerable.Range(0, count * InputSize).Select(_ => (double)random.Next(Vocabulary)).ToArray()
                : Enumerable.Range(0, count * InputSize).Select(_ => (double)(float)((random.NextDouble() * 4) - 2)).ToArray();
        }

        public override string ToString() => Name;

        private static IEnumerable<OnnxCase> Build()
        {
            string[] dense = { "Gemm" };
            yield return Float(new ReluLeakySoftmax(), ReluLeakySoftmax.InputSize, ReluLeakySoftmax.OutputSize, dense.Concat(new[] { "Relu", "LeakyRelu", "Softmax" }));
            yield return Float(new SigmoidTanhMultiLabel(), SigmoidTanhMultiLabel.InputSize, SigmoidTanhMultiLabel.OutputSize, dense.Concat(new[] { "Sigmoid", "Tanh" }));
            yield return Float(new GeluSiluSoftmax(), GeluSiluSoftmax.InputSize, GeluSiluSoftmax.OutputSize, dense.Concat(new[] { "Div", "Erf", "Add", "Mul", "Sigmoid", "Softmax" }));
            yield return Float(new PerStepNoRecurrence(), PerStepNoRecurrence.InputSize, PerStepNoRecurrence.OutputSize, new[] { "Reshape", "Gemm", "Erf", "LayerNormalization" });
            yield return Float(new PerStepSoftmax(), PerStepSoftmax.InputSize, PerStepSoftmax.OutputSize, new[] { "Reshape", "Gemm", "Sigmoid", "Softmax" });
            yield return Float(new MeanPooledSoftmax(), MeanPooledSoftmax.InputSize, MeanPooledSoftmax.OutputSize, new[] { "Reshape", "Gemm", "ReduceMean", "Softmax" });
            yield return Float(new GruMeanPooled(), GruMeanPooled.InputSize, GruMeanPooled.OutputSize, new[] { "GRU", "ReduceMean", "Gemm", "Softmax" });
            yield return Float(new LeakyRegression(), LeakyRegression.InputSize, LeakyRegression.OutputSize, dense.Concat(new[] { "LeakyRelu" }));
            yield return Float(new WideLinearSoftmax(), WideLinearSoftmax.InputSize, WideLinearSoftmax.OutputSize, dense.Concat(new[] { "Relu", "Softmax" }));
            yield return Double(new DoubleSoftmax(), DoubleSoftmax.InputSize, DoubleSoftmax.OutputSize, dense.Concat(new[] { "Relu", "Softmax" }));
            yield return Double(new DoubleMultiLabel(), DoubleMultiLabel.InputSize, DoubleMultiLabel.OutputSize, dense.Concat(new[] { "Tanh", "Sigmoid" }));
            yield return Double(new DoubleLeakyRegression(), DoubleLeakyRegression.InputSize, DoubleLeakyRegression.OutputSize, dense.Concat(new[] { "LeakyRelu" }));
            string[] sequence = { "Reshape", "Transpose", "Gemm" };
            yield return Float(new LstmToOne(), LstmToOne.InputSize, LstmToOne.OutputSize, sequence.Concat(new[] { "LSTM", "Softmax" }));
            yield return Float(new GruToOne(), GruToOne.InputSize, GruToOne.OutputSize, sequence.Concat(new[] { "GRU" }));
            yield return Float(new RnnToMany(), RnnToMany.InputSize, RnnToMany.OutputSize, sequence.Concat(new[] { "RNN", "Softmax" }));
            yield return Float(new LstmToMany(), LstmToMany.InputSize, LstmToMany.OutputSize, sequence.Concat(new[] { "LSTM", "Tanh", "Sigmoid" }));
            yield return Float(new StackedKinds(), StackedKinds.InputSize, StackedKinds.OutputSize, sequence.Concat(new[] { "GRU", "RNN", "LSTM" }));
            yield return Float(new RowMnistSmall(), RowMnistSmall.InputSize, RowMnistSmall.OutputSize, sequence.Concat(new[] { "LSTM", "Softmax" }));
            yield return Double(new DoubleLstm(), DoubleLstm.InputSize, DoubleLstm.OutputSize, sequence.Concat(new[] { "LSTM", "Softmax" }));
            yield return Double(new DoubleGruRnn(), DoubleGruRnn.InputSize, DoubleGruRnn.OutputSize, sequence.Concat(new[] { "GRU", "RNN" }));
            string[] image = { "Reshape", "Conv" };
            yield return Float(new LeNet5(), LeNet5.InputSize, LeNet5.OutputSize, image.Concat(new[] { "Relu", "MaxPool", "Gemm", "Softmax" }));
            yield return Float(new ConvOddMultiLabel(), ConvOddMultiLabel.InputSize, ConvOddMultiLabel.OutputSize, image.Concat(new[] { "Tanh", "MaxPool", "LeakyRelu", "Gemm", "Sigmoid" }));
            yield return Double(new DoubleConvRegression(), DoubleConvRegression.InputSize, DoubleConvRegression.OutputSize, image.Concat(new[] { "Sigmoid", "Gemm" }));
            yield return Float(new SmallResNet(), SmallResNet.InputSize, SmallResNet.OutputSize, image.Concat(new[] { "BatchNormalization", "Add", "Relu", "LeakyRelu", "AveragePool", "GlobalAveragePool", "Gemm", "Softmax" }));
            yield return Float(new NormsRegression(), NormsRegression.InputSize, NormsRegression.OutputSize, new[] { "Gemm", "BatchNormalization", "LayerNormalization", "Add", "Tanh", "Sigmoid" });
            yield return Double(new DoubleNorms(), DoubleNorms.InputSize, DoubleNorms.OutputSize, new[] { "Gemm", "BatchNormalization", "LayerNormalization", "Add", "Relu", "Softmax" });
            string[] convolution = { "Reshape", "Transpose", "Conv" };
            yield return Float(new ConvPerStep(), ConvPerStep.InputSize, ConvPerStep.OutputSize, convolution.Concat(new[] { "Relu", "Erf", "Gemm" }));
            yield return Float(new TcnSoftmax(), TcnSoftmax.InputSize, TcnSoftmax.OutputSize, convolution.Concat(new[] { "Add", "ReduceMean", "Gemm", "Softmax" }));
            yield return Float(new LastStepSoftmax(), LastStepSoftmax.InputSize, LastStepSoftmax.OutputSize, convolution.Concat(new[] { "Gather", "Gemm", "Softmax" }));
            string[] attention = { "Gemm", "Gather", "MatMul", "Softmax", "Transpose" };
            yield return Float(new TransformerPerStep(), TransformerPerStep.InputSize, TransformerPerStep.OutputSize, attention.Concat(new[] { "Add", "LayerNormalization", "Erf" }));
            yield return Float(new PositionedAttention(), PositionedAttention.InputSize, PositionedAttention.OutputSize, attention.Concat(new[] { "Add", "ReduceMean" }));
            yield return Double(new DoubleAttention(), DoubleAttention.InputSize, DoubleAttention.OutputSize, attention.Concat(new[] { "ReduceMean" }));
            yield return Float(new TokenDecoder(), TokenDecoder.InputSize, TokenDecoder.OutputSize, attention.Concat(new[] { "Cast", "Add", "Softmax" })).OverTokens(TokenDecoder.Vocabulary);
            yield return Double(new DoubleTokenBag(), DoubleTokenBag.InputSize, DoubleTokenBag.OutputSize, new[] { "Cast", "Gather", "ReduceMean", "Gemm" }).OverTokens(DoubleTokenBag.Vocabulary);
            yield return Double(new DoubleConvPerStep(), DoubleConvPerStep.InputSize, DoubleConvPerStep.OutputSize, convolution.Concat(new[] { "Tanh", "Gemm" }));
        }

        private static OnnxCase Float(IFloatNet net, int inputSize, int outputSize, IEnumerable<string> operators)
        {
            Span<float> parameters = net.Parameters;
            var random = new Random(parameters.Length);
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = (float)((random.NextDouble() * 1.4) - 0.7);
            }

            // Running statistics too, in [0.5, 1.5) (a valid variance, and a mean away from 0): the initializers hold them as well.
            Span<float> buffers = net.Buffers;
            for (int i = 0; i < buffers.Length; i++)
            {
                buffers[i] = (float)(random.NextDouble() + 0.5);
            }

            double sum = 0;
            foreach (float p in net.Parameters)
            {
                sum += p;
            }

            foreach (float b in net.Buffers)
            {
                sum += b;
            }

            return new OnnxCase(
                net.GetType().Name,
                false,
                inputSize,
                outputSize,
                sum,
                operators.Distinct().ToArray(),
                () => Export(net.SaveOnnx),
                net.SaveOnnx,
                (inputs, count) =>
                {
                    float[] x = inputs.Select(v => (float)v).ToArray();
                    var y = new float[count * outputSize];
                    for (int n = 0; n < count; n++)
                    {
                        net.Predict(x.AsSpan(n * inputSize, inputSize), y.AsSpan(n * outputSize, outputSize));
                    }

                    return y.Select(v => (double)v).ToArray();
                },
                (inputs, count) =>
                {
                    float[] x = inputs.Select(v => (float)v).ToArray();
                    var y = new float[count * outputSize];
                    net.PredictBatch(x, y);
                    return y.Select(v => (double)v).ToArray();
                });
        }

        private static OnnxCase Double(IDoubleNet net, int inputSize, int outputSize, IEnumerable<string> operators)
        {
            Span<double> parameters = net.Parameters;
            var random = new Random(parameters.Length);
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = (random.NextDouble() * 1.4) - 0.7;
            }

            Span<double> buffers = net.Buffers;
            for (int i = 0; i < buffers.Length; i++)
            {
                buffers[i] = random.NextDouble() + 0.5;
            }

            double sum = 0;
            foreach (double p in net.Parameters)
            {
                sum += p;
            }

            foreach (double b in net.Buffers)
            {
                sum += b;
            }

            return new OnnxCase(
                net.GetType().Name,
                true,
                inputSize,
                outputSize,
                sum,
                operators.Distinct().ToArray(),
                () => Export(net.SaveOnnx),
                net.SaveOnnx,
                (inputs, count) =>
                {
                    var y = new double[count * outputSize];
                    for (int n = 0; n < count; n++)
                    {
                        net.Predict(inputs.AsSpan(n * inputSize, inputSize), y.AsSpan(n * outputSize, outputSize));
                    }

                    return y;
                },
                (inputs, count) =>
                {
                    var y = new double[count * outputSize];
                    net.PredictBatch(inputs, y);
                    return y;
                });
        }

        private static byte[] Export(Action<Stream> save)
        {
            using var stream = new MemoryStream();
            save(stream);
            return stream.ToArray();
        }
    }
}
