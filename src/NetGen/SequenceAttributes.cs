using System;

namespace NetGen
{
    /// <summary>
    /// Global average pooling over time: a sequence of T steps of F values to the F means over the steps (PyTorch:
    /// <c>x.mean(dim=1)</c> on [N, T, F]). It follows a layer that writes a sequence: one that applies per step in a
    /// network with <c>SequenceLength = T</c>, or a recurrent layer with <c>ReturnSequences = true</c>. The layers after
    /// it read one vector, so the network has one output per example.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class GlobalAvgPool1DAttribute : Attribute
    {
    }
}
