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
