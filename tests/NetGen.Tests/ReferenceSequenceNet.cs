using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Tests
{
    /// <summary>
    /// A plain, obviously-correct sequence network in double precision: recurrent layers (Elman RNN, LSTM, GRU with
    /// PyTorch's equations and gate order) followed by Dense layers and a head, trained by backpropagation through time
    /// written out step by step. No SIMD, no fusion: it is the oracle generated recurrent code is checked against.
    /// <para>An example is T × inputs, row-major. Initial states are zero. Many-to-one when the last recurrent layer
    /// has ReturnSequences = false (the Dense layers read h_{T−1}; output K), many-to-many otherwise (the Dense layers
    /// apply at every step; output T × K row-major, T labels or T × K targets per example). The loss is the mean over
    /// examples (and steps).</para>
    /// <para>Parameter layout, per layer in order: recurrent W_ih [G·H × inputs], W_hh [G·H × H], b_ih [G·H],
    /// b_hh [G·H]; Dense W [outputs × inputs], b [outputs].</para>
    /// </summary>
    public sealed class ReferenceSequenceNet
    {
        private readonly SequenceLayer[] _layers;
        private readonly int[] _offsets;
        private readonly int _recurrent;

        public ReferenceSequenceNet(int sequenceLength, SequenceHead head, params SequenceLayer[] layers)
        {
            if (sequenceLength < 1 || layers.Length == 0 || !layers[0].IsRecurrent)
            {
                throw new ArgumentException("a sequence network needs T ≥ 1 and starts with a recurrent layer");
            }

            _recurrent = layers.TakeWhile(l => l.IsRecurrent).Count();
            for (int l = 0; l < layers.Length; l++)
            {
                if (l > 0 && layers[l].Inputs != layers[l - 1].Outputs)
                {
                    throw new ArgumentException($"layer {l} takes {layers[l].Inputs} inputs, layer {l - 1} gives {layers[l - 1].Outputs}");
                }

                if (l >= _recurrent && layers[l].IsRecurrent)
                {
                    throw new ArgumentException($"layer {l}: recurrent layers must precede the Dense layers");
                }

                if (l < _recurrent - 1 && !layers[l].ReturnSequences)
                {
                    throw new ArgumentException($"layer {l}: a recurrent layer followed by another needs ReturnSequences = true");
                }
            }

            SequenceLength = sequenceLength;
            Head = head;
            _layers = layers;
            _offsets = new int[layers.Length + 1];
            for (int l = 0; l < layers.Length; l++)
            {
                _offsets[l + 1] = _offsets[l] + layers[l].ParameterCount;
            }
        }

        public int SequenceLength { get; }

        public SequenceHead Head { get; }

        public IReadOnlyList<SequenceLayer> Layers => _layers;

        /// <summary>True when the last recurrent layer returns sequences: one output (and one target) per step.</summary>
        public bool ManyToMany => _layers[_recurrent - 1].ReturnSequences;

        /// <summary>Positions with an output per example: T when many-to-many, else 1.</summary>
        public int Positions => ManyToMany ? SequenceLength : 1;

        public int StepInputs => _layers[0].Inputs;

        /// <summary>K, the outputs per position.</summary>
        public int StepOutputs => _layers[^1].Outputs;

        public int InputSize => SequenceLength * StepInputs;

        public int OutputSize => Positions * StepOutputs;

        /// <summary>Labels (Softmax) or float targets per example.</summary>
        public int TargetSize => Head == SequenceHead.Softmax ? Positions : OutputSize;

        public int ParameterCount => _offsets[^1];

        /// <summary>The parameter tensors with nn.Sequential numbering (an activation after a Dense is its own module).</summary>
        public IReadOnlyList<SequenceTensor> Tensors
        {
            get
            {
                var tensors = new List<SequenceTensor>();
                int module = 0;
                for (int l = 0; l < _layers.Length; l++)
                {
                    SequenceLayer layer = _layers[l];
                    int offset = _offsets[l];
                    void Add(string name, params int[] shape)
                    {
                        int count = shape.Aggregate(1, (a, b) => a * b);
                        tensors.Add(new SequenceTensor($"{module}.{name}", shape, offset, count));
                        offset += count;
                    }

                    if (layer.IsRecurrent)
                    {
                        int rows = layer.Gates * layer.Outputs;
                        Add("weight_ih_l0", rows, layer.Inputs);
                        Add("weight_hh_l0", rows, layer.Outputs);
                        Add("bias_ih_l0", rows);
                        Add("bias_hh_l0", rows);
                        module++;
                    }
                    else
                    {
                        Add("weight", layer.Outputs, layer.Inputs);
                        Add("bias", layer.Outputs);
                        module += layer.Activation == Act.Identity ? 1 : 2;
                    }
                }

                return tensors;
            }
        }

        /// <summary>PyTorch's default ranges: U(±1/√H) for recurrent tensors, U(±1/√inputs) for Dense ones.</summary>
        public double[] Initialize(int seed)
        {
            var random = new Random(seed);
            var p = new double[ParameterCount];
            for (int l = 0; l < _layers.Length; l++)
            {
                SequenceLayer layer = _layers[l];
                double bound = 1 / Math.Sqrt(layer.IsRecurrent ? layer.Outputs : layer.Inputs);
                for (int i = _offsets[l]; i < _offsets[l + 1]; i++)
                {
                    p[i] = ((random.NextDouble() * 2) - 1) * bound;
                }
            }

            return p;
        }

        /// <summary>The head's output for one example: softmax / sigmoid probabilities or the identity, per position.</summary>
        public double[] Predict(double[] parameters, double[] input)
        {
            double[][] z = Forward(parameters, input).Logits;
            var output = new double[OutputSize];
            for (int s = 0; s < z.Length; s++)
            {
                double[] y = Head switch
                {
                    SequenceHead.Softmax => Softmax(z[s]),
                    SequenceHead.Sigmoid => z[s].Select(Sigmoid).ToArray(),
                    _ => z[s],
                };
                y.CopyTo(output, s * StepOutputs);
            }

            return output;
        }

        public double Loss(double[] parameters, double[] inputs, int[] labels, int count) => Run(parameters, inputs, labels, null, count, null);

        public double Loss(double[] parameters, double[] inputs, double[] targets, int count) => Run(parameters, inputs, null, targets, count, null);

        /// <summary>Mean cross-entropy over <paramref name="count"/> examples (and steps) and its gradient by BPTT.</summary>
        public (double Loss, double[] Gradient) Gradient(double[] parameters, double[] inputs, int[] labels, int count)
        {
            var g = new double[ParameterCount];
            return (Run(parameters, inputs, labels, null, count, g), g);
        }

        /// <summary>Mean BCE-with-logits (Sigmoid) or MSE (Identity) and its gradient by BPTT.</summary>
        public (double Loss, double[] Gradient) Gradient(double[] parameters, double[] inputs, double[] targets, int count)
        {
            var g = new double[ParameterCount];
            return (Run(parameters, inputs, null, targets, count, g), g);
        }

        private double Run(double[] p, double[] inputs, int[]? labels, double[]? targets, int count, double[]? gradient)
        {
            if ((Head == SequenceHead.Softmax) != (labels is not null))
            {
                throw new ArgumentException(Head == SequenceHead.Softmax ? "the Softmax head takes integer labels" : $"the {Head} head takes float targets");
            }

            if (p.Length != ParameterCount || inputs.Length < count * InputSize || (labels?.Length ?? targets!.Length) < count * TargetSize)
            {
                throw new ArgumentException("parameter, input or target length does not match the network");
            }

            int k = StepOutputs;
            double total = 0;
            double scale = 1.0 / (count * Positions);
            for (int n = 0; n < count; n++)
            {
                Trace trace = Forward(p, inputs.AsSpan(n * InputSize, InputSize).ToArray());
                var dz = new double[Positions][];
                for (int s = 0; s < Positions; s++)
                {
                    double[] z = trace.Logits[s];
                    dz[s] = new double[k];
                    if (Head == SequenceHead.Softmax)
                    {
                        int y = labels![(n * Positions) + s];
                        double[] prob = Softmax(z);
                        total += LogSumExp(z) - z[y];
                        for (int j = 0; j < k; j++)
                        {
                            dz[s][j] = (prob[j] - (j == y ? 1 : 0)) * scale;
                        }
                    }
                    else
                    {
                        for (int j = 0; j < k; j++)
                        {
                            double t = targets![(((n * Positions) + s) * k) + j];
                            if (Head == SequenceHead.Sigmoid)
                            {
                                // max(z, 0) − z·t + log(1 + e^−|z|), the stable form of −t log σ(z) − (1 − t) log(1 − σ(z)).
                                total += (Math.Max(z[j], 0) - (z[j] * t) + Math.Log(1 + Math.Exp(-Math.Abs(z[j])))) / k;
                                dz[s][j] = (Sigmoid(z[j]) - t) / k * scale;
                            }
                            else
                            {
                                total += (z[j] - t) * (z[j] - t) / k;
                                dz[s][j] = 2 * (z[j] - t) / k * scale;
                            }
                        }
                    }
                }

                if (gradient is not null)
                {
                    Backward(p, trace, dz, gradient);
                }
            }

            return total * scale;
        }

        /// <summary>Everything the backward pass needs, per layer.</summary>
        private sealed class Trace
        {
            public required double[][][] LayerInputs { get; init; }   // [layer][position or step][unit]
            public required Cell[][] Cells { get; init; }              // [recurrent layer][step]
            public required double[][][] Dense { get; init; }         // [dense layer][position][unit]: pre-activations
            public required double[][] Logits { get; init; }          // [position][K]
        }

        /// <summary>One recurrent step: the previous states, the activated gates, W_hh h + b_hh, and the new states.</summary>
        private sealed record Cell(double[] HPrev, double[] CPrev, double[] Gates, double[] HiddenAffine, double[] H, double[] C);

        private Trace Forward(double[] p, double[] input)
        {
            int T = SequenceLength;
            var layerInputs = new double[_layers.Length][][];
            var cells = new Cell[_recurrent][];
            var xs = new double[T][];
            for (int t = 0; t < T; t++)
            {
                xs[t] = input.AsSpan(t * StepInputs, StepInputs).ToArray();
            }

            for (int l = 0; l < _recurrent; l++)
            {
                layerInputs[l] = xs;
                cells[l] = Recur(_layers[l], p, _offsets[l], xs);
                xs = cells[l].Select(c => c.H).ToArray();
            }

            double[][] a = ManyToMany ? xs : new[] { xs[T - 1] };
            var dense = new double[_layers.Length - _recurrent][][];
            for (int l = _recurrent; l < _layers.Length; l++)
            {
                SequenceLayer layer = _layers[l];
                layerInputs[l] = a;
                dense[l - _recurrent] = a.Select(v => Affine(p, _offsets[l], _offsets[l] + (layer.Outputs * layer.Inputs), layer.Outputs, layer.Inputs, v)).ToArray();
                a = dense[l - _recurrent].Select(z => z.Select(v => Apply(layer, v)).ToArray()).ToArray();
            }

            return new Trace { LayerInputs = layerInputs, Cells = cells, Dense = dense, Logits = a };
        }

        private static Cell[] Recur(SequenceLayer layer, double[] p, int offset, double[][] xs)
        {
            int H = layer.Outputs, GH = layer.Gates * H, I = layer.Inputs;
            int wih = offset, whh = wih + (GH * I), bih = whh + (GH * H), bhh = bih + GH;
            var cells = new Cell[xs.Length];
            var h = new double[H];
            var c = new double[H];
            for (int t = 0; t < xs.Length; t++)
            {
                double[] ax = Affine(p, wih, bih, GH, I, xs[t]);
                double[] ah = Affine(p, whh, bhh, GH, H, h);
                var gates = new double[GH];
                var hn = new double[H];
                var cn = new double[H];
                for (int j = 0; j < H; j++)
                {
                    switch (layer.Kind)
                    {
                        case SequenceKind.Rnn:
                            gates[j] = hn[j] = Math.Tanh(ax[j] + ah[j]);
                            break;
                        case SequenceKind.Lstm:
                            double i = gates[j] = Sigmoid(ax[j] + ah[j]);
                            double f = gates[H + j] = Sigmoid(ax[H + j] + ah[H + j]);
                            double g = gates[(2 * H) + j] = Math.Tanh(ax[(2 * H) + j] + ah[(2 * H) + j]);
                            double o = gates[(3 * H) + j] = Sigmoid(ax[(3 * H) + j] + ah[(3 * H) + j]);
                            cn[j] = (f * c[j]) + (i * g);
                            hn[j] = o * Math.Tanh(cn[j]);
                            break;
                        default:
                            double r = gates[j] = Sigmoid(ax[j] + ah[j]);
                            double z = gates[H + j] = Sigmoid(ax[H + j] + ah[H + j]);
                            double n = gates[(2 * H) + j] = Math.Tanh(ax[(2 * H) + j] + (r * ah[(2 * H) + j]));
                            hn[j] = ((1 - z) * n) + (z * h[j]);
                            break;
                    }
                }

                cells[t] = new Cell(h, c, gates, ah, hn, cn);
                h = hn;
                c = cn;
            }

            return cells;
        }

        private void Backward(double[] p, Trace trace, double[][] dz, double[] gradient)
        {
            // Dense layers, last to first, at every position.
            double[][] delta = dz;
            for (int l = _layers.Length - 1; l >= _recurrent; l--)
            {
                SequenceLayer layer = _layers[l];
                int w = _offsets[l], b = w + (layer.Outputs * layer.Inputs);
                double[][] x = trace.LayerInputs[l];
                var previous = new double[delta.Length][];
                for (int s = 0; s < delta.Length; s++)
                {
                    previous[s] = new double[layer.Inputs];
                    for (int o = 0; o < layer.Outputs; o++)
                    {
                        double d = delta[s][o] * Derivative(layer, trace.Dense[l - _recurrent][s][o]);
                        gradient[b + o] += d;
                        for (int i = 0; i < layer.Inputs; i++)
                        {
                            gradient[w + (o * layer.Inputs) + i] += d * x[s][i];
                            previous[s][i] += p[w + (o * layer.Inputs) + i] * d;
                        }
                    }
                }

                delta = previous;
            }

            // δ of the last recurrent layer's outputs h_t: every step when many-to-many, only h_{T−1} otherwise.
            int T = SequenceLength;
            var dh = new double[T][];
            for (int t = 0; t < T; t++)
            {
                dh[t] = ManyToMany ? delta[t] : t == T - 1 ? delta[0] : new double[_layers[_recurrent - 1].Outputs];
            }

            for (int l = _recurrent - 1; l >= 0; l--)
            {
                dh = RecurBack(_layers[l], p, _offsets[l], trace.Cells[l], trace.LayerInputs[l], dh, gradient);
            }
        }

        /// <summary>BPTT through one recurrent layer: δh_t = (from the output at t) + (from step t+1); LSTM also carries δc.</summary>
        private static double[][] RecurBack(SequenceLayer layer, double[] p, int offset, Cell[] cells, double[][] xs, double[][] dhOut, double[] gradient)
        {
            int H = layer.Outputs, GH = layer.Gates * H, I = layer.Inputs;
            int wih = offset, whh = wih + (GH * I), bih = whh + (GH * H), bhh = bih + GH;
            var dx = new double[xs.Length][];
            var dhNext = new double[H];
            var dcNext = new double[H];
            for (int t = xs.Length - 1; t >= 0; t--)
            {
                Cell cell = cells[t];
                double[] gt = cell.Gates;
                var dax = new double[GH];  // δ of W_ih x + b_ih
                var dah = new double[GH];  // δ of W_hh h + b_hh
                var dhPrev = new double[H];
                var dcPrev = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double dh = dhOut[t][j] + dhNext[j];
                    switch (layer.Kind)
                    {
                        case SequenceKind.Rnn:
                            dax[j] = dah[j] = dh * (1 - (cell.H[j] * cell.H[j]));
                            break;
                        case SequenceKind.Lstm:
                            double i = gt[j], f = gt[H + j], g = gt[(2 * H) + j], o = gt[(3 * H) + j];
                            double tc = Math.Tanh(cell.C[j]);
                            double dc = dcNext[j] + (dh * o * (1 - (tc * tc)));
                            dax[j] = dah[j] = dc * g * i * (1 - i);
                            dax[H + j] = dah[H + j] = dc * cell.CPrev[j] * f * (1 - f);
                            dax[(2 * H) + j] = dah[(2 * H) + j] = dc * i * (1 - (g * g));
                            dax[(3 * H) + j] = dah[(3 * H) + j] = dh * tc * o * (1 - o);
                            dcPrev[j] = dc * f;
                            break;
                        default:
                            double r = gt[j], z = gt[H + j], n = gt[(2 * H) + j];
                            double dn = dh * (1 - z) * (1 - (n * n));
                            dhPrev[j] = dh * z;
                            dax[j] = dah[j] = dn * cell.HiddenAffine[(2 * H) + j] * r * (1 - r);
                            dax[H + j] = dah[H + j] = dh * (cell.HPrev[j] - n) * z * (1 - z);
                            dax[(2 * H) + j] = dn;
                            dah[(2 * H) + j] = dn * r;
                            break;
                    }
                }

                dx[t] = new double[I];
                for (int k = 0; k < GH; k++)
                {
                    gradient[bih + k] += dax[k];
                    gradient[bhh + k] += dah[k];
                    for (int i = 0; i < I; i++)
                    {
                        gradient[wih + (k * I) + i] += dax[k] * xs[t][i];
                        dx[t][i] += p[wih + (k * I) + i] * dax[k];
                    }

                    for (int j = 0; j < H; j++)
                    {
                        gradient[whh + (k * H) + j] += dah[k] * cell.HPrev[j];
                        dhPrev[j] += p[whh + (k * H) + j] * dah[k];
                    }
                }

                dhNext = dhPrev;
                dcNext = dcPrev;
            }

            return dx;
        }

        /// <summary>W v + b with W [rows × columns] at <paramref name="w"/> and b [rows] at <paramref name="b"/>.</summary>
        private static double[] Affine(double[] p, int w, int b, int rows, int columns, double[] v)
        {
            var y = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                double sum = p[b + r];
                for (int c = 0; c < columns; c++)
                {
                    sum += p[w + (r * columns) + c] * v[c];
                }

                y[r] = sum;
            }

            return y;
        }

        private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

        private static double LogSumExp(double[] z)
        {
            double max = z.Max();
            return max + Math.Log(z.Sum(v => Math.Exp(v - max)));
        }

        private static double[] Softmax(double[] z)
        {
            double lse = LogSumExp(z);
            return z.Select(v => Math.Exp(v - lse)).ToArray();
        }

        private static double Apply(SequenceLayer layer, double z) => layer.Activation switch
        {
            Act.Relu => Math.Max(0, z),
            Act.LeakyRelu => z > 0 ? z : layer.Slope * z,
            Act.Sigmoid => Sigmoid(z),
            Act.Tanh => Math.Tanh(z),
            _ => z,
        };

        /// <summary>f′(z) from the pre-activation.</summary>
        private static double Derivative(SequenceLayer layer, double z) => layer.Activation switch
        {
            Act.Relu => z > 0 ? 1 : 0,
            Act.LeakyRelu => z > 0 ? 1 : layer.Slope,
            Act.Sigmoid => Sigmoid(z) * (1 - Sigmoid(z)),
            Act.Tanh => 1 - (Math.Tanh(z) * Math.Tanh(z)),
            _ => 1,
        };
    }
}
