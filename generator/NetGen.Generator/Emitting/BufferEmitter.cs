using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// State that is not trained: the buffers (batch normalization's running means and variances, of the network's type)
    /// and the counters (its num_batches_tracked, int64), held apart from Parameters so that no optimizer step and no weight
    /// decay ever touches them; and, for a network with a layer that couples the examples of a mini-batch, the batch's
    /// statistics from the training forward pass, which Train commits to the running ones once its step is taken.
    /// </summary>
    internal sealed class BufferEmitter : EmitterPart
    {
        public BufferEmitter(EmitterPart shared)
            : base(shared)
        {
        }


        internal void EmitBufferStorage(CodeWriter w)
        {
            w.Line(BufferCount > 0
                ? $"/// <summary>Values of state that is not trained (the running statistics of batch normalization): {Number(BufferCount)}.</summary>"
                : "/// <summary>Values of state that is not trained: none in this network (no batch normalization).</summary>");
            w.Line($"public const int BufferCount = {BufferCount};");
            w.Line();
            if (BufferCount > 0)
            {
                w.Line("/// <summary>The buffers: for each batch normalization in order, its running mean, then its running variance.</summary>");
                w.Line($"private readonly {T}[] _buffers = new {T}[BufferCount];");
                w.Line();
                w.Line("/// <summary>The counters: each batch normalization's num_batches_tracked.</summary>");
                w.Line($"private readonly long[] _counters = new long[{CounterCount}];");
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// State that is not trained, in one span of BufferCount values: for each batch normalization, its running mean, then");
                w.Line("/// its running variance. Saved, loaded, checkpointed and compiled in with the parameters; Train updates it once per");
                w.Line("/// step, no optimizer ever does.");
                w.Line("/// </summary>");
                w.Line($"public Span<{T}> Buffers => _buffers;");
                w.Line();
                w.Line("/// <summary>The integer buffers: each batch normalization's num_batches_tracked (int64 in PyTorch's files).</summary>");
                w.Line("public Span<long> Counters => _counters;");
                w.Line();
                w.Line($"private ref {T} BufferBase => ref MemoryMarshal.GetArrayDataReference(_buffers);");
                w.Line();
            }
            else
            {
                w.Line("/// <summary>State that is not trained: empty (this network has no batch normalization).</summary>");
                w.Line($"public Span<{T}> Buffers => Span<{T}>.Empty;");
                w.Line();
                w.Line("/// <summary>The integer buffers (batch normalization's num_batches_tracked): empty.</summary>");
                w.Line("public Span<long> Counters => Span<long>.Empty;");
                w.Line();
            }

            if (StatisticsSize > 0)
            {
                w.Line("/// <summary>The last training forward pass's batch statistics (per batch normalization: mean, 1/σ, unbiased variance).</summary>");
                w.Line($"private readonly {T}[] _statistics = new {T}[{StatisticsSize}];");
                w.Line();
            }
        }

        /// <summary>CommitStatistics: the running statistics updated from the batch Train has just stepped on, once.</summary>
        internal void EmitCommitStatistics(CodeWriter w)
        {
            if (StatisticsSize == 0)
            {
                return;
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// After a step Train has taken: each batch normalization's running statistics from the mini-batch's, once per call,");
            w.Line("/// r ← (1 − momentum)·r + momentum·b (the variance unbiased), and its num_batches_tracked + 1. Gradient never calls it.");
            w.Line("/// </summary>");
            using (w.Block("private void CommitStatistics()"))
            {
                w.Line($"ref {T} q = ref BufferBase;");
                w.Line($"ref {T} st = ref MemoryMarshal.GetArrayDataReference(_statistics);");
                foreach (Layer layer in _layers.Where(l => l.StatisticsCount > 0))
                {
                    layer.EmitCommit(w, _t);
                }
            }
        }

    }
}
