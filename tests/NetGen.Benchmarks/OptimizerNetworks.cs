using NetGen;

namespace NetGen.Benchmarks
{
    // The optimizer is chosen at compile time, so the optimizer comparison (Optimizers.cs, SmallNetworks.cs, FirstUse.cs)
    // has one class per network and optimizer. Plain SGD on net B is NetB (Networks.cs). Hyperparameters: the generated
    // properties' defaults (PyTorch's): momentum 0.9; β₁ 0.9, β₂ 0.999, ε 1e-8; weight decay 0, AdamW's 0.01.

    /// <summary>Net B (784-128-64-10) with SGD and momentum.</summary>
    [Network(Optimizer = Optimizer.Momentum)]
    [Dense(784, 128)][Relu]
    [Dense(128, 64)][Relu]
    [Dense(64, 10)][Softmax]
    public partial class NetBMomentum { }

    /// <summary>Net B with Nesterov momentum.</summary>
    [Network(Optimizer = Optimizer.Nesterov)]
    [Dense(784, 128)][Relu]
    [Dense(128, 64)][Relu]
    [Dense(64, 10)][Softmax]
    public partial class NetBNesterov { }

    /// <summary>Net B with Adam.</summary>
    [Network(Optimizer = Optimizer.Adam)]
    [Dense(784, 128)][Relu]
    [Dense(128, 64)][Relu]
    [Dense(64, 10)][Softmax]
    public partial class NetBAdam { }

    /// <summary>Net B with AdamW.</summary>
    [Network(Optimizer = Optimizer.AdamW)]
    [Dense(784, 128)][Relu]
    [Dense(128, 64)][Relu]
    [Dense(64, 10)][Softmax]
    public partial class NetBAdamW { }

    /// <summary>The digits-sized classifier, 64-100-10, plain SGD.</summary>
    [Network]
    [Dense(64, 100)][Relu]
    [Dense(100, 10)][Softmax]
    public partial class DigitsSgd { }

    /// <summary>64-100-10 with momentum.</summary>
    [Network(Optimizer = Optimizer.Momentum)]
    [Dense(64, 100)][Relu]
    [Dense(100, 10)][Softmax]
    public partial class DigitsMomentum { }

    /// <summary>64-100-10 with Nesterov momentum.</summary>
    [Network(Optimizer = Optimizer.Nesterov)]
    [Dense(64, 100)][Relu]
    [Dense(100, 10)][Softmax]
    public partial class DigitsNesterov { }

    /// <summary>64-100-10 with Adam.</summary>
    [Network(Optimizer = Optimizer.Adam)]
    [Dense(64, 100)][Relu]
    [Dense(100, 10)][Softmax]
    public partial class DigitsAdam { }

    /// <summary>64-100-10 with AdamW.</summary>
    [Network(Optimizer = Optimizer.AdamW)]
    [Dense(64, 100)][Relu]
    [Dense(100, 10)][Softmax]
    public partial class DigitsAdamW { }

    /// <summary>The breast-cancer-sized binary classifier, 30-32-1 with a sigmoid head, plain SGD.</summary>
    [Network]
    [Dense(30, 32)][Relu]
    [Dense(32, 1)][Sigmoid]
    public partial class BinarySgd { }

    /// <summary>30-32-1 with momentum.</summary>
    [Network(Optimizer = Optimizer.Momentum)]
    [Dense(30, 32)][Relu]
    [Dense(32, 1)][Sigmoid]
    public partial class BinaryMomentum { }

    /// <summary>30-32-1 with Nesterov momentum.</summary>
    [Network(Optimizer = Optimizer.Nesterov)]
    [Dense(30, 32)][Relu]
    [Dense(32, 1)][Sigmoid]
    public partial class BinaryNesterov { }

    /// <summary>30-32-1 with Adam.</summary>
    [Network(Optimizer = Optimizer.Adam)]
    [Dense(30, 32)][Relu]
    [Dense(32, 1)][Sigmoid]
    public partial class BinaryAdam { }

    /// <summary>30-32-1 with AdamW.</summary>
    [Network(Optimizer = Optimizer.AdamW)]
    [Dense(30, 32)][Relu]
    [Dense(32, 1)][Sigmoid]
    public partial class BinaryAdamW { }
}
