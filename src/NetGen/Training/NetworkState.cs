using System;
using System.Numerics;

namespace NetGen.Training
{
    /// <summary>
    /// A copy of what a network is, apart from its optimizer: its parameters and its state that is not trained (batch
    /// normalization's running statistics and counts), which belong together: parameters restored without the statistics
    /// they were evaluated with would evaluate differently.
    /// </summary>
    internal sealed class NetworkState<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public NetworkState(int parameters, int buffers, int counters)
        {
            Parameters = new T[parameters];
            Buffers = new T[buffers];
            Counters = new long[counters];
        }

        public T[] Parameters { get; }

        public T[] Buffers { get; }

        public long[] Counters { get; }

        /// <summary>A state of the network's sizes.</summary>
        public static NetworkState<T> Of<TNet>(TNet net)
            where TNet : class, INetwork<TNet, T> =>
            new(TNet.ParameterCount, TNet.BufferCount, net.Counters.Length);

        /// <summary>Copies the network's parameters, buffers and counters into this state.</summary>
        public void Take<TNet>(TNet net)
            where TNet : class, INetwork<TNet, T>
        {
            net.Parameters.CopyTo(Parameters);
            net.Buffers.CopyTo(Buffers);
            net.Counters.CopyTo(Counters);
        }

        /// <summary>Puts this state back into the network.</summary>
        public void Restore<TNet>(TNet net)
            where TNet : class, INetwork<TNet, T>
        {
            Parameters.CopyTo(net.Parameters);
            Buffers.CopyTo(net.Buffers);
            Counters.CopyTo(net.Counters);
        }

        /// <summary>Copies this state into <paramref name="other"/>, of the same sizes.</summary>
        public void CopyTo(NetworkState<T> other)
        {
            Parameters.CopyTo(other.Parameters, 0);
            Buffers.CopyTo(other.Buffers, 0);
            Counters.CopyTo(other.Counters, 0);
        }
    }
}
