using System.Globalization;

namespace NetGen.Generator.Emitting
{
    // Transcendentals: exp, σ, tanh, GELU and SiLU for float vectors of every width and for float scalars, the same arithmetic in each,
    // so that a vector lane and the scalar tail agree bit for bit. The recurrent cells' gates and the transformer's GELU spend most of their time here.
    internal sealed partial class Kernels
    {
        /// <summary>
        /// Requests ExpF, SigmoidF and TanhF (float only): overloads for Vector512/256/128&lt;float&gt; and float, accurate to a
        /// few ulp (exp: Cephes' expf polynomial after range reduction, its steps fused multiply-adds; σ(x) = 1/(1 + e^−x); tanh(x) = 1 − 2/(e^2x + 1),
        /// absolute error about 1e-7), NaN in gives NaN out. Returns false for double, whose cells call Math.Exp and Math.Tanh.
        /// </summary>
        public bool Transcendentals()
        {
            if (_t.Type != "float")
            {
                return false;
            }

            Request(Kind.Transcendentals, 0);
            return true;
        }

        /// <summary>
        /// Requests GeluF, GeluBackwardF, SiluF and SiluBackwardF (float only, on <see cref="Transcendentals"/>): overloads for
        /// every width and float, Φ through a Chebyshev fit of erfc (relative error about 1e-7 where z²/2 is small, the rounding
        /// of −z²/2 beyond). Returns false for double, whose GELU and SiLU call the runtime.
        /// </summary>
        public bool SmoothActivations()
        {
            if (!Transcendentals())
            {
                return false;
            }

            Request(Kind.SmoothActivations, 0);
            return true;
        }
    }
}
