using NetGen;

namespace NetGen.Benchmarks
{
    /// <summary>Net A of the comparison protocol.</summary>
    [Network]
    [Dense(784, 128)][Relu]
    [Dense(128, 10)][Softmax]
    public partial class NetA { }

    /// <summary>Net B of the comparison protocol: the lecture's network.</summary>
    [Network]
    [Dense(784, 128)][Relu]
    [Dense(128, 64)][Relu]
    [Dense(64, 10)][Softmax]
    public partial class NetB { }
}
