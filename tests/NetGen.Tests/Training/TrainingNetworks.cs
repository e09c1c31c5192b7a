using NetGen;

namespace NetGen.Tests.Training
{
    /// <summary>Three Gaussian blobs in the plane, Adam: the trainer's resumable, early-stopping runs.</summary>
    [Network(Optimizer = Optimizer.Adam)]
    [Dense(2, 16)][Tanh]
    [Dense(16, 3)][Softmax]
    public partial class BlobAdam { }

    /// <summary>The same with momentum (one state buffer).</summary>
    [Network(Optimizer = Optimizer.Momentum)]
    [Dense(2, 16)][Tanh]
    [Dense(16, 3)][Softmax]
    public partial class BlobMomentum { }

    /// <summary>Plain SGD, where a single example's step is fused into the backward pass.</summary>
    [Network]
    [Dense(2, 16)][Relu]
    [Dense(16, 3)][Softmax]
    public partial class BlobSgd { }
}

namespace NetGen.Tests.Training
{
    /// <summary>The blobs through batch normalization and a residual, Adam: the trainer keeps the running statistics with the parameters.</summary>
    [Network(Optimizer = Optimizer.Adam)]
    [Dense(2, 16)][BatchNorm1D(16)][Tanh]
    [Residual(typeof(Graph.DenseBlock16))][Relu]
    [Dense(16, 3)][Softmax]
    public partial class BlobNorm { }
}

namespace NetGen.Tests.Graph
{
    /// <summary>Two Dense layers over 16 values with a batch normalization between them.</summary>
    [Block]
    [Dense(16, 16)][BatchNorm1D(16)][Relu]
    [Dense(16, 16)]
    public sealed class DenseBlock16 { }
}

namespace NetGen.Tests.Training.Lookalikes
{
    /// <summary>Named like <see cref="Training.BlobAdam"/>, with its parameter count and optimizer but another activation.</summary>
    [Network(Optimizer = Optimizer.Adam)]
    [Dense(2, 16)][Relu]
    [Dense(16, 3)][Softmax]
    public partial class BlobAdam { }
}
