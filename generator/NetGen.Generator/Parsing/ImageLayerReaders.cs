using System.Globalization;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>The readers of the image layers ([Conv2D], [MaxPool2D], [Flatten]) and of [Dropout]: arguments and shapes.</summary>
    internal static class ImageLayerReaders
    {
        public static LayerModel Conv2D(LayerReading r)
        {
            int inChannels = r.Int(0);
            int outChannels = r.Int(1);
            int kernel = r.Int(2);
            int stride = r.NamedInt("Stride", 1);
            int padding = r.NamedInt("Padding", 0);
            bool sizes = r.Positive(0, "inChannels") & r.Positive(1, "outChannels") & r.Positive(2, "kernelSize");
            if (stride < 1)
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.AtNamed("Stride"), r.Kind, r.Label, "Stride", Int(stride), "it must be at least 1");
                sizes = false;
            }

            if (padding < 0 || (kernel > 0 && padding >= kernel))
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.AtNamed("Padding"), r.Kind, r.Label, "Padding", Int(padding), "it must be at least 0 and less than the kernel size, " + Int(kernel));
                sizes = false;
            }

            LayerShape? image = r.ExpectImage();
            int height = 0;
            int width = 0;
            if (image is { } shape)
            {
                height = shape.Height;
                width = shape.Width;
                if (inChannels > 0 && shape.Channels != inChannels)
                {
                    r.Error(DiagnosticDescriptors.ShapeMismatch, r.At(0), r.Source, shape.ToString(), r.Kind, r.Label, Int(inChannels) + " input channels");
                }

                if (sizes)
                {
                    r.CheckWindows(shape, kernel, stride, padding, r.At(2));
                }
            }

            r.OutputKnown &= sizes && image is not null;
            return new Conv2DModel(inChannels, outChannels, kernel, stride, padding, height, width, r.NamedBool("Bias", fallback: true));
        }

        public static LayerModel MaxPool2D(LayerReading r) =>
            Pool2D(r, (image, size, stride) => new MaxPool2DModel(image?.Channels ?? 0, image?.Height ?? 0, image?.Width ?? 0, size, stride));

        public static LayerModel AvgPool2D(LayerReading r) =>
            Pool2D(r, (image, size, stride) => new AvgPool2DModel(image?.Channels ?? 0, image?.Height ?? 0, image?.Width ?? 0, size, stride));

        /// <summary>A pooling layer: its window size, its stride (the size when 0 or not written), and windows that fit and read the whole image.</summary>
        private static LayerModel Pool2D(LayerReading r, System.Func<LayerShape?, int, int, LayerModel> create)
        {
            int size = r.Int(0);
            int stride = r.NamedInt("Stride", 0);
            bool sizes = r.Positive(0, "size");
            if (stride < 0)
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.AtNamed("Stride"), r.Kind, r.Label, "Stride", Int(stride), "it must be at least 1 (or 0 for the window size)");
                sizes = false;
            }

            if (stride == 0)
            {
                stride = size;
            }

            LayerShape? image = r.ExpectImage();
            if (image is { } shape && sizes)
            {
                r.CheckWindows(shape, size, stride, 0, r.At(0));
            }

            r.OutputKnown &= sizes && image is not null;
            return create(image, size, stride);
        }

        public static LayerModel GlobalAvgPool2D(LayerReading r)
        {
            LayerShape? image = r.ExpectImage();
            r.OutputKnown &= image is not null;
            return new GlobalAvgPool2DModel(image?.Channels ?? 0, image?.Height ?? 0, image?.Width ?? 0);
        }

        public static LayerModel Flatten(LayerReading r)
        {
            if (r.Incoming is { IsSpatial: false } vector)
            {
                r.Error(DiagnosticDescriptors.MisplacedFlatten, LocationInfo.From(r.Syntax.GetLocation()), r.Label, r.Source, vector.Values.ToString(CultureInfo.InvariantCulture));
                r.OutputKnown = false;
                return new FlattenModel(0, 0, 0);
            }

            LayerShape? image = r.ExpectImage();
            r.OutputKnown &= image is not null;
            return new FlattenModel(image?.Channels ?? 0, image?.Height ?? 0, image?.Width ?? 0);
        }

        public static LayerModel Dropout(LayerReading r)
        {
            double p = r.Arguments[0];
            if (!(p >= 0 && p < 1))
            {
                r.Error(DiagnosticDescriptors.InvalidLayerOption, r.At(0), r.Kind, r.Label, "probability", p.ToString("R", CultureInfo.InvariantCulture), "it must be at least 0 and less than 1");
            }

            if (r.Incoming is null)
            {
                if (r.ReadsNetworkInput)
                {
                    r.Error(DiagnosticDescriptors.MissingInputShape, LocationInfo.From(r.Syntax.GetLocation()), r.Kind, r.Label, r.NetworkName, "comes first, so it would take the shape of the network's input", "put it after a layer (dropout on the input of a vector network is not supported), or declare an image with [Input(channels, height, width)]");
                }

                r.OutputKnown = false;
            }

            return new DropoutModel(r.Incoming ?? LayerShape.Flat(0), p);
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
