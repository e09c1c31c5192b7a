using System.Collections.Generic;
using System.Linq;

namespace NetGen.Generator.Model
{
    /// <summary>What a layer does to a network's streaming Step (one time step per call, the state the caller's).</summary>
    internal enum StreamRole
    {
        /// <summary>It runs on each step as it comes, with nothing to carry (Dense, LayerNorm, activations per step).</summary>
        Stateless,

        /// <summary>It carries a state from one step to the next (a recurrent layer's h and c, a causal convolution's last inputs).</summary>
        Stateful,

        /// <summary>It needs steps that have not come yet, or all of them (a convolution that is not causal, the mean over the steps, a residual sum).</summary>
        Never,
    }

    /// <summary>The streaming rule over a network's layers.</summary>
    internal static class StreamRoles
    {
        /// <summary>A network gets Step when a layer carries a state and none needs steps to come.</summary>
        public static bool Streams(IEnumerable<StreamRole> roles)
        {
            var list = roles.ToList();
            return list.Contains(StreamRole.Stateful) && !list.Contains(StreamRole.Never);
        }
    }
}
