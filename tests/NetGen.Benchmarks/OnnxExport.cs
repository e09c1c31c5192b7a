using System;
using System.IO;

namespace NetGen.Benchmarks
{
    /// <summary>
    /// The ONNX Runtime peer's model, written by NetGen: loads weights trained by the PyTorch peer (a safetensors file
    /// with NetGen's tensor names) into net B, the row-MNIST LSTM, LeNet-5 or the ResNet of samples/FashionResNet and writes them with the generated SaveOnnx.
    ///   onnx --net B|LSTM|LeNet5|ResNet --weights DIR/netB.safetensors --out DIR/netB.onnx
    /// </summary>
    internal static class OnnxExport
    {
        public static int Run(string[] args)
        {
            string net = Option(args, "--net") ?? throw new ArgumentException("--net B|LSTM|LeNet5|ResNet is required");
            string weights = Option(args, "--weights") ?? throw new ArgumentException("--weights FILE.safetensors is required");
            string output = Option(args, "--out") ?? throw new ArgumentException("--out FILE.onnx is required");
            switch (net)
            {
                case "B":
                    var b = new NetB();
                    b.Load(weights);
                    b.SaveOnnx(output);
                    break;
                case "LSTM":
                    var lstm = new RowLstm();
                    lstm.Load(weights);
                    lstm.SaveOnnx(output);
                    break;
                case "LeNet5":
                    var lenet = new LeNet5();
                    lenet.Load(weights);
                    lenet.SaveOnnx(output);
                    break;
                case "ResNet":
                    var resnet = new ResNet();
                    resnet.Load(weights);
                    resnet.SaveOnnx(output);
                    break;
                default:
                    throw new ArgumentException($"--net is B, LSTM, LeNet5 or ResNet, not '{net}'");
            }

            Console.Error.WriteLine($"wrote {output} ({new FileInfo(output).Length:N0} bytes): NetGen's ONNX export of net {net} with the weights of {weights}");
            return 0;
        }

        private static string? Option(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }
}
