using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>The readers of the layers that work over a sequence's steps: [GlobalAvgPool1D].</summary>
    internal static class SequenceLayerReaders
    {
        public static LayerModel GlobalAvgPool1D(LayerReading r)
        {
            LocationInfo? at = LocationInfo.From(r.Syntax.GetLocation());
            if (r.Incoming is not { } incoming)
            {
                if (r.ReadsNetworkInput)
                {
                    r.Error(DiagnosticDescriptors.MissingInputShape, at, r.Kind, r.Label, r.NetworkName, "comes first, so it has no steps of known width to average", "put a layer that reads the input (a Dense or a recurrent layer) before it");
                }

                r.OutputKnown = false;
                return new GlobalAvgPool1DModel(0, 0);
            }

            if (incoming.IsSpatial || r.IncomingRows <= 1)
            {
                string expects = incoming.IsSpatial
                    ? "a sequence of vectors (use [GlobalAvgPool2D] for an image)"
                    : "a sequence: set SequenceLength on [Network], or ReturnSequences = true on the recurrent layer before it";
                string produces = incoming.IsSpatial ? "a " + incoming + " image" : "one vector of " + incoming.Values + " values";
                r.Error(DiagnosticDescriptors.ShapeMismatch, at, r.Source, produces, r.Kind, r.Label, expects);
                r.OutputKnown = false;
                return new GlobalAvgPool1DModel((int)incoming.Values, 1);
            }

            return new GlobalAvgPool1DModel((int)incoming.Values, r.IncomingRows);
        }
    }
}
