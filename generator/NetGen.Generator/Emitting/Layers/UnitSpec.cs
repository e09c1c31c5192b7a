namespace NetGen.Generator.Emitting.Layers
{
    /// <summary>
    /// How a recurrent cell's loop over its hidden units j is spelled on one path: vectors of a given width (bits) or
    /// scalars. The cell writes its per-unit statements once through this, and gets one loop per path.
    /// </summary>
    internal sealed class UnitSpec
    {
        private readonly Numeric _t;
        private readonly bool _approximate;

        public UnitSpec(int bits, Numeric t, bool approximate)
        {
            Bits = bits;
            _t = t;
            _approximate = approximate;
        }

        /// <summary>Vector width in bits, or 0 for the scalar loop.</summary>
        public int Bits { get; }

        public bool Scalar => Bits == 0;

        /// <summary>Elements per step of the loop.</summary>
        public int Lanes => Scalar ? 1 : _t.Lanes(Bits);

        /// <summary>The element type of this path: float, double or VectorN&lt;T&gt;.</summary>
        public string Type => Scalar ? _t.Type : $"Vector{Bits}<{_t.Type}>";

        /// <summary>The value 1 of this path's type.</summary>
        public string One => Scalar ? _t.One : $"Vector{Bits}<{_t.Type}>.One";

        /// <summary>array[j + offset].</summary>
        public string Load(string array, int offset) =>
            Scalar ? $"Unsafe.Add(ref {array}, j{Plus(offset)})" : $"Vector{Bits}.LoadUnsafe(ref {array}, j{Plus(offset)})";

        /// <summary>array[j + offset] = value;</summary>
        public string Store(string array, int offset, string value) =>
            Scalar ? $"Unsafe.Add(ref {array}, j{Plus(offset)}) = {value};" : $"({value}).StoreUnsafe(ref {array}, j{Plus(offset)});";

        /// <summary>σ(x): the float kernels' SigmoidF (the same arithmetic in every lane and the tail), or 1/(1 + e^−x) in double.</summary>
        public string Sigmoid(string x) => _approximate ? $"{Kernels.Prefix}SigmoidF({x})" : $"{_t.One} / ({_t.One} + {_t.Math}.Exp(-({x})))";

        /// <summary>tanh(x): the float kernels' TanhF, or Math.Tanh in double.</summary>
        public string Tanh(string x) => _approximate ? $"{Kernels.Prefix}TanhF({x})" : $"{_t.Math}.Tanh({x})";

        private static string Plus(int offset) => offset == 0 ? string.Empty : " + " + offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
