using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using NetGen;
using Xunit;

namespace NetGen.Tests
{
    /// <summary>Used only here, so its methods are compiled while the listener below is on.</summary>
    [Network]
    [Dense(784, 32)][Relu]
    [Dense(32, 10)][Softmax]
    public partial class JitTierNet { }

    /// <summary>
    /// The generated kernels and the methods that run per call (Predict, PredictBatch, Train, the head's functions…) must
    /// be compiled fully optimized on their first call: a method the JIT does not inline and that lacks
    /// AggressiveOptimization starts as tier-0 code, several times slower, for the first ~100 ms of a run (measured: a
    /// one-epoch benchmark 0.2 s slower). Before the entry points were marked, Predict, PredictBatch, Train and Softmax
    /// were among the methods this test reports. Watched through the runtime's own JIT events, alone: while the
    /// listener is on, other tests' allocation counts would see the runtime's event dispatch.
    /// </summary>
    [Collection(nameof(ProcessWideAllocations))]
    public class JitTierTests
    {
        // MethodLoadVerbose's MethodFlags carry the optimization tier in bits 7–9; 3 is "quick jitted" (tier 0).
        private const int QuickJitted = 3;

        private static readonly Regex s_kernel = new(@"^(Layer\d+(Forward|ForwardBatch|ForwardBlock|BackwardBatch|Update)|DotBlock\d+|Gemm(Sparse)?\d+x\d+|NonzeroColumns\d+|ForwardBlock(Prefetching)?(Sparse)?\d+x\d+|TransposeBlock\d+|DotRows(Sparse)?\d+|NonzeroRows\d+|SumRows\d+|Predict|PredictBatch|Classify|Loss|Train|Gradient|BackpropagateRange|TrainFused|OutputDelta|ForwardBatch|Softmax|CrossEntropy|CrossEntropyDelta|ArgMax|ApplyStep)$");

        [Fact]
        public void Generated_kernels_are_never_compiled_as_tier0_code()
        {
            using var listener = new JitListener();
            var net = new JitTierNet();
            // 68 examples: two blocks of the broadcast-form kernel (the first with a dense example, the second image-like:
            // the dense and the sparse kernel), then one 4×4 dot block.
            float[] x = Array.ConvertAll(SparseInputTests.ImageLike(68, 90), v => (float)v);
            int[] y = TestData.Labels(68, 10, 91);
            var output = new float[68 * 10];
            net.Train(x.AsSpan(0, 784), y[0], 0.01f);
            net.Train(x, y, 0.01f);
            net.PredictBatch(x, output);
            net.Predict(x.AsSpan(0, 784), output.AsSpan(0, 10));

            // Runtime events reach an EventListener asynchronously: wait until the last methods called show up.
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(20) && !(listener.Seen.ContainsKey("Layer0BackwardBatch") && listener.Seen.ContainsKey("Predict")))
            {
                Thread.Sleep(50);
            }

            Dictionary<string, int> kernels = listener.Seen.Where(p => s_kernel.IsMatch(p.Key)).ToDictionary(p => p.Key, p => p.Value);
            Assert.Contains("Layer0ForwardBatch", kernels.Keys);
            Assert.Contains("Layer0BackwardBatch", kernels.Keys);
            Assert.Contains(kernels.Keys, k => k.StartsWith("DotBlock", StringComparison.Ordinal));
            Assert.Contains(kernels.Keys, k => k.StartsWith("ForwardBlock", StringComparison.Ordinal));
            Assert.Contains("PredictBatch", kernels.Keys);
            Assert.Contains("Predict", kernels.Keys);
            Assert.Contains("Softmax", kernels.Keys);
            Assert.Contains(kernels.Keys, k => k.StartsWith("ForwardBlockSparse", StringComparison.Ordinal));
            Assert.Contains(kernels.Keys, k => k.StartsWith("ForwardBlockPrefetchingSparse", StringComparison.Ordinal));
            Assert.Contains(kernels.Keys, k => k.StartsWith("DotRowsSparse", StringComparison.Ordinal));
            if (System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated)
            {
                // Without vectors the weight update always takes the dense kernel (NonzeroColumns says so).
                Assert.Contains(kernels.Keys, k => k.StartsWith("GemmSparse", StringComparison.Ordinal));
            }
            string[] tier0 = kernels.Where(p => p.Value == QuickJitted).Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToArray();
            Assert.True(tier0.Length == 0, "compiled as tier-0 code: " + string.Join(", ", tier0));
        }

        private sealed class JitListener : EventListener
        {
            public ConcurrentDictionary<string, int> Seen { get; } = new();

            protected override void OnEventSourceCreated(EventSource source)
            {
                if (source.Name == "Microsoft-Windows-DotNETRuntime")
                {
                    EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10); // JIT keyword
                }
            }

            protected override void OnEventWritten(EventWrittenEventArgs e)
            {
                if (e.EventName is null || !e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.PayloadNames is null)
                {
                    return;
                }

                string? ns = Payload(e, "MethodNamespace")?.ToString();
                string? name = Payload(e, "MethodName")?.ToString();
                if (ns is null || name is null || !(ns.EndsWith("JitTierNet", StringComparison.Ordinal) || ns.EndsWith("JitTierNet+Kernels", StringComparison.Ordinal)))
                {
                    return;
                }

                int tier = (int)((Convert.ToUInt32(Payload(e, "MethodFlags"), System.Globalization.CultureInfo.InvariantCulture) >> 7) & 0x7);
                Seen.AddOrUpdate(name, tier, (_, first) => first); // keep the first compilation of each method
            }

            private static object? Payload(EventWrittenEventArgs e, string name)
            {
                int i = e.PayloadNames!.IndexOf(name);
                return i >= 0 ? e.Payload![i] : null;
            }
        }
    }
}
