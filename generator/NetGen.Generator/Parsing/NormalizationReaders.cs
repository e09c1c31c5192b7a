using System.Globalization;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>The readers of the normalization layers: [BatchNorm2D], [BatchNorm1D] and [LayerNorm].</summary>
    internal static class NormalizationReaders
    {
        public static LayerModel BatchNorm2D(LayerReading r)
        {
            int channels = r.Int(0);
            bool valid = r.Positive(0, "channels") & Options(r, out double epsilon, out double momentum);
            LayerShape? image = r.ExpectImage();
            if (image is { } shape && channels > 0 && shape.Channels != channels)
            {
                r.Error(DiagnosticDescriptors.ShapeMismatch, r.At(0), r.Source, shape.ToString(), r.Kind, r.Label, Int(channels) + " channels");
                valid = false;
            }

            r.OutputKnown &= valid && image is not null;
            return new BatchNormModel(image ?? new LayerShape(channels, 0, 0), true, epsilon, momentum);
        }

        public static LayerModel BatchNorm1D(LayerReading r)
        {
            int features = r.Int(0);
            bool valid = r.Positive(0, "features") & Options(r, out double epsilon, out double momentum);
            if (r.Incoming is { IsSpatial: true } image)
            {
                r.Error(DiagnosticDescriptors.BatchNorm1DOnImage, LocationInfo.From(r.Syntax.GetLocation()), r.Label, r.Source, "a " + image + " image", $"use [BatchNorm2D({Int(image.Channels)})] to normalize its channels (or [Flatten] first)");
                valid = false;
            }
            else if (r.Incoming is not null && r.IncomingRows > 1)
            {
                r.Error(DiagnosticDescriptors.BatchNorm1DOnImage, LocationInfo.From(r.Syntax.GetLocation()), r.Label, r.Source, $"a sequence of {Int(r.IncomingRows)} steps", $"use [LayerNorm({Int(features)})], which normalizes each step");
                valid = false;
            }
            else
            {
                r.ExpectVector(features);
            }

            r.OutputKnown &= valid && r.Valid;
            return new BatchNormModel(LayerShape.Flat(features), false, epsilon, momentum);
        }

        public static LayerModel LayerNorm(LayerReading r)
        {
            int features = r.Int(0);
            bool valid = r.Positive(0, "features");
            double epsilon = r.NamedDouble("Epsilon", 1e-5);
            valid &= Epsilon(r, epsilon);
            r.ExpectVector(features);
            r.OutputKnown &= valid && r.Valid;
            return new LayerNormModel(features, epsilon);
        }

        /// <summary>Epsilon (finite, &gt; 0) and Momentum (in [0, 1]) of a batch normalization.</summary>
        private static bool Options(LayerReading r, out double epsilon, out double momentum)
        {
            epsilon = r.NamedDouble("Epsilon", 1e-5);
            momentum = r.NamedDouble("Momentum", 0.1);
            bool valid = Epsilon(r, epsilon);
            if (!(momentum >= 0 && momentum <= 1))
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.AtNamed("Momentum"), r.Kind, r.Label, "Momentum", Double(momentum), "it must be between 0 and 1");
                valid = false;
            }

            return valid;
        }

        private static bool Epsilon(LayerReading r, double epsilon)
        {
            if (epsilon > 0 && !double.IsInfinity(epsilon))
            {
                return true;
            }

            r.Error(DiagnosticDescriptors.InvalidLayerOption, r.AtNamed("Epsilon"), r.Kind, r.Label, "Epsilon", Double(epsilon), "it must be a finite number greater than 0");
            return false;
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
