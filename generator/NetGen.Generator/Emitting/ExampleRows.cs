using System.Linq;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// How a pass over a mini-batch addresses its examples' rows: all m examples of the batch (layer l's values are the
    /// m × width matrix at m·A_l), or one part of them, rows [r0, r0 + m) of the total examples' matrix at total·A_l.
    /// </summary>
    internal sealed class ExampleRows
    {
        /// <summary>The whole batch: m examples from row 0.</summary>
        public static readonly ExampleRows Whole = new(null);

        /// <summary>A part: m examples from row r0 of total.</summary>
        public static readonly ExampleRows Part = new("r0");

        private readonly string? _first;

        private ExampleRows(string? first) => _first = first;

        /// <summary>The first row of <paramref name="layer"/>'s values in <paramref name="buffer"/> (a or d); null: the network's input x.</summary>
        public string Of(string buffer, Layer? layer)
        {
            if (layer is null)
            {
                return _first is null ? "ref x" : $"ref Unsafe.Add(ref x, {_first} * InputSize)";
            }

            return _first is null
                ? $"ref Unsafe.Add(ref {buffer}, m * {layer.A})"
                : $"ref Unsafe.Add(ref {buffer}, (total * {layer.A}) + ({_first} * {layer.OutputWidth}))";
        }

        /// <summary>The values <paramref name="layer"/> reads, as ref arguments.</summary>
        public string Sources(string buffer, Layer layer) => string.Join(", ", layer.Sources.Select(s => Of(buffer, s)));

        /// <summary>The first row of join slot <paramref name="slot"/> (each slot holds the share of δ of one source, <paramref name="source"/> here).</summary>
        public string Join(int slot, int joinWidth, Layer source)
        {
            if (_first is null)
            {
                return slot == 0 ? "join" : $"Unsafe.Add(ref join, m * {joinWidth * slot})";
            }

            return $"Unsafe.Add(ref join, (total * {joinWidth * slot}) + ({_first} * {source.OutputWidth}))";
        }
    }
}
