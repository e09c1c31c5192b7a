using System;
using NetGen.Generator.Emitting.Activations;

namespace NetGen.Generator.Emitting
{
    // Activation kernels: each activation's bias + f loops (BiasActivation, BroadcastBiasActivation) and
    // its f′ loop (Derivative), requested once per name and emitted as elementwise loops.
    internal sealed partial class Kernels
    {
        /// <summary>
        /// y[i] = f(y[i] + b[i]) for i &lt; n: a layer's bias and activation over one example's outputs; signature (ref T y, ref T b).
        /// </summary>
        public string BiasActivation(Activation f, int n)
        {
            return ActivationKernel(
                f,
                $"{f.Key}Bias{Lit(n)}",
                n,
                $"/// <summary>y[i] = {f.Name}(y[i] + b[i]) for i &lt; {n}: + bias, then the activation, without a branch on the sign.</summary>",
                $"(ref {_t.Type} y, ref {_t.Type} b)",
                Array.Empty<string>(),
                (v, i) => new[]
                {
                    $"{v.Declare("z")} = {v.Load("y", i)} + {v.Load("b", i)};",
                    v.Store("y", i, v.Scalar ? f.Forward("z", _t) : f.VectorForward("z", v.Bits, _t)!),
                },
                vectorize: f.VectorForward("z", 128, _t) is not null);
        }

        /// <summary>
        /// y[i] = f(y[i] + b) for i &lt; n: one output row of a transposed block, one bias for all its examples; signature (ref T y, T b).
        /// </summary>
        public string BroadcastBiasActivation(Activation f, int n)
        {
            return ActivationKernel(
                f,
                $"{f.Key}BiasBroadcast{Lit(n)}",
                n,
                $"/// <summary>y[i] = {f.Name}(y[i] + b) for i &lt; {n}: one row of a transposed block, one bias for all its examples.</summary>",
                $"(ref {_t.Type} y, {_t.Type} b)",
                new[] { "b" },
                (v, i) => new[]
                {
                    $"{v.Declare("z")} = {v.Load("y", i)} + {(v.Scalar ? "b" : VectorSpec.BroadcastName("b"))};",
                    v.Store("y", i, v.Scalar ? f.Forward("z", _t) : f.VectorForward("z", v.Bits, _t)!),
                },
                vectorize: f.VectorForward("z", 128, _t) is not null);
        }

        /// <summary>y[i] = f(x[i]) for i &lt; n: an activation that is a layer of its own; signature (ref T x, ref T y).</summary>
        public string Activate(Activation f, int n)
        {
            return ActivationKernel(
                f,
                $"{f.Key}Apply{Lit(n)}",
                n,
                $"/// <summary>y[i] = {f.Name}(x[i]) for i &lt; {n}, without a branch on the sign.</summary>",
                $"(ref {_t.Type} x, ref {_t.Type} y)",
                Array.Empty<string>(),
                (v, i) => new[]
                {
                    $"{v.Declare("z")} = {v.Load("x", i)};",
                    v.Store("y", i, v.Scalar ? f.Forward("z", _t) : f.VectorForward("z", v.Bits, _t)!),
                },
                vectorize: f.VectorForward("z", 128, _t) is not null);
        }

        /// <summary>y[i] = f(u[i] + v[i]) for i &lt; n: a residual's sum and the activation after it; signature (ref T u, ref T v, ref T y).</summary>
        public string SumActivation(Activation f, int n)
        {
            return ActivationKernel(
                f,
                $"{f.Key}Sum{Lit(n)}",
                n,
                $"/// <summary>y[i] = {f.Name}(u[i] + v[i]) for i &lt; {n}: the two paths of a residual added, then the activation.</summary>",
                $"(ref {_t.Type} u, ref {_t.Type} v, ref {_t.Type} y)",
                Array.Empty<string>(),
                (v, i) => new[]
                {
                    $"{v.Declare("z")} = {v.Load("u", i)} + {v.Load("v", i)};",
                    v.Store("y", i, v.Scalar ? f.Forward("z", _t) : f.VectorForward("z", v.Bits, _t)!),
                },
                vectorize: f.VectorForward("z", 128, _t) is not null);
        }

        /// <summary>d[i] = d[i] ⊙ f′ for i &lt; n, f′ read from the outputs a[i] = f(z[i]); signature (ref T d, ref T a).</summary>
        public string Derivative(Activation f, int n)
        {
            return ActivationKernel(
                f,
                $"{f.Key}Derivative{Lit(n)}",
                n,
                $"/// <summary>d[i] ⊙= f′ for i &lt; {n}, {f.DerivativeEquation.Replace(">", "&gt;")} with a the {f.Name} outputs; no branch on the sign.</summary>",
                $"(ref {_t.Type} d, ref {_t.Type} a)",
                Array.Empty<string>(),
                (v, i) => new[]
                {
                    $"{v.Declare("e")} = {v.Load("d", i)};",
                    $"{v.Declare("ai")} = {v.Load("a", i)};",
                    v.Store("d", i, v.Scalar ? f.Backward("e", "ai", _t) : f.VectorBackward("e", "ai", v.Bits, _t)!),
                },
                vectorize: f.VectorBackward("e", "ai", 128, _t) is not null);
        }

        /// <summary>Requests the elementwise activation kernel <paramref name="name"/> (once per name) and returns its name.</summary>
        private string ActivationKernel(Activation f, string name, int n, string summary, string parameters, string[] broadcasts, Func<VectorSpec, string, string[]> body, bool vectorize)
        {
            if (f.UsesFloatTranscendentals(_t))
            {
                SmoothActivations();
            }

            if (!_activationKernels.ContainsKey(name))
            {
                _activationKernels.Add(name, w => EmitElementwise(w, n, summary, name + parameters, broadcasts, body, vectorize));
            }

            return Prefix + name;
        }
    }
}
