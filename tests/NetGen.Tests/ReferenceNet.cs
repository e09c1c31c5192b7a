using System;

namespace NetGen.Tests
{
    /// <summary>
    /// A plain, obviously-correct multilayer perceptron in double precision: loops over layers, no SIMD, no
    /// fusion. Same parameter layout as the generated code (per layer W [out, in] row-major, then b).
    /// </summary>
    public sealed class ReferenceNet
    {
        private readonly Layer[] _layers;

        public ReferenceNet(Layer[] layers) => _layers = layers;

        public int ParameterCount
        {
            get
            {
                int n = 0;
                foreach (Layer l in _layers)
                {
                    n += (l.Inputs * l.Outputs) + l.Outputs;
                }

                return n;
            }
        }

        /// <summary>Activations of every layer (index 0 = the input itself).</summary>
        public double[][] Forward(double[] p, double[] x)
        {
            var a = new double[_layers.Length + 1][];
            a[0] = x;
            int offset = 0;
            for (int l = 0; l < _layers.Length; l++)
            {
                Layer layer = _layers[l];
                var y = new double[layer.Outputs];
                for (int o = 0; o < layer.Outputs; o++)
                {
                    double z = p[offset + (layer.Inputs * layer.Outputs) + o];
                    for (int i = 0; i < layer.Inputs; i++)
                    {
                        z += p[offset + (o * layer.Inputs) + i] * a[l][i];
                    }

                    y[o] = Apply(layer, z);
                }

                a[l + 1] = y;
                offset += (layer.Inputs * layer.Outputs) + layer.Outputs;
            }

            return a;
        }

        public double[] Probabilities(double[] p, double[] x)
        {
            double[] z = Forward(p, x)[_layers.Length];
            double max = double.NegativeInfinity;
            foreach (double v in z)
            {
                max = Math.Max(max, v);
            }

            var e = new double[z.Length];
            double sum = 0;
            for (int j = 0; j < z.Length; j++)
            {
                e[j] = Math.Exp(z[j] - max);
                sum += e[j];
            }

            for (int j = 0; j < z.Length; j++)
            {
                e[j] /= sum;
            }

            return e;
        }

        public double Loss(double[] p, double[] x, int label) => -Math.Log(Probabilities(p, x)[label]);

        /// <summary>Mean loss over the batch and its gradient by textbook backpropagation.</summary>
        public double Gradient(double[] p, double[][] xs, int[] labels, double[] gradient)
        {
            Array.Clear(gradient);
            double total = 0;
            for (int n = 0; n < xs.Length; n++)
            {
                double[][] a = Forward(p, xs[n]);
                double[] prob = Probabilities(p, xs[n]);
                total += -Math.Log(prob[labels[n]]);

                // δ at the last layer's output a_L: dℓ/da_L = p − onehot(y), then through f′.
                var delta = new double[prob.Length];
                for (int j = 0; j < prob.Length; j++)
                {
                    delta[j] = (prob[j] - (j == labels[n] ? 1 : 0)) / xs.Length;
                }

                int offset = ParameterCount;
                for (int l = _layers.Length - 1; l >= 0; l--)
                {
                    Layer layer = _layers[l];
                    offset -= (layer.Inputs * layer.Outputs) + layer.Outputs;
                    for (int o = 0; o < layer.Outputs; o++)
                    {
                        delta[o] *= Derivative(layer, a[l + 1][o]);
                    }

                    var previous = new double[layer.Inputs];
                    for (int o = 0; o < layer.Outputs; o++)
                    {
                        gradient[offset + (layer.Inputs * layer.Outputs) + o] += delta[o];
                        for (int i = 0; i < layer.Inputs; i++)
                        {
                            gradient[offset + (o * layer.Inputs) + i] += delta[o] * a[l][i];
                            previous[i] += p[offset + (o * layer.Inputs) + i] * delta[o];
                        }
                    }

                    delta = previous;
                }
            }

            return total / xs.Length;
        }

        private static double Apply(Layer layer, double z) => layer.Activation switch
        {
            Act.Relu => Math.Max(0, z),
            Act.LeakyRelu => z > 0 ? z : layer.Slope * z,
            Act.Sigmoid => 1 / (1 + Math.Exp(-z)),
            Act.Tanh => Math.Tanh(z),
            _ => z,
        };

        private static double Derivative(Layer layer, double a) => layer.Activation switch
        {
            Act.Relu => a > 0 ? 1 : 0,
            Act.LeakyRelu => a > 0 ? 1 : layer.Slope,
            Act.Sigmoid => a * (1 - a),
            Act.Tanh => 1 - (a * a),
            _ => 1,
        };
    }
}
