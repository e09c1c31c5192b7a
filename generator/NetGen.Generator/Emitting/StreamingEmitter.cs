using System.Linq;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// Streaming inference for networks with state (recurrent layers, causal convolutions; a graph runs its layers in order):
    /// one time step per call, the state in a span the caller owns, so that several streams can run on one trained network
    /// and a call allocates nothing.
    /// </summary>
    internal sealed class StreamingEmitter : EmitterPart
    {
        public StreamingEmitter(EmitterPart shared)
            : base(shared)
        {
        }

        private int StreamScratchSize => _layers.Sum(l => l.StreamScratch);

        internal void EmitStreaming(CodeWriter w)
        {
            if (!HasStep)
            {
                return;
            }

            bool recurrentOnly = _layers.All(l => l.StreamState == 0 || l.Node.Layer.Recurrent);
            w.Line();
            w.Line("/// <summary>");
            if (recurrentOnly)
            {
                w.Line("/// Values of one stream's state for <see cref=\"Step\"/>: what each recurrent layer carries from one time step to the next");
                w.Line("/// (its last step record: h_t, and c_t for an LSTM). The state is the caller's: one span per stream, any number of streams.");
            }
            else
            {
                w.Line("/// Values of one stream's state for <see cref=\"Step\"/>: what each layer with a state carries from one time step to the next");
                w.Line("/// (a recurrent layer's h_t, and c_t for an LSTM; a causal convolution's last (k − 1)·dilation inputs, in a ring; causal");
                w.Line("/// attention's count of steps and their keys and values; a position embedding's position). The state is the caller's:");
                w.Line("/// one span per stream, any number of streams. A network with attention or positions streams at most SequenceLength steps.");
            }

            w.Line("/// </summary>");
            w.Line($"public const int StreamStateSize = {StreamStateSize};");
            w.Line();
            int capacity = _layers.Any(l => l.BoundsStream) ? _model.SequenceLength : 0;
            w.Line(capacity > 0
                ? "/// <summary>Steps one stream holds (attention's key/value cache, the positions): after as many, Step throws until ResetState.</summary>"
                : "/// <summary>Steps one stream holds: 0, no limit (no layer keeps a cache of every step or a table of positions).</summary>");
            w.Line($"public const int StreamCapacity = {capacity};");
            w.Line();
            w.Line(recurrentOnly
                ? "/// <summary>Starts a stream over: its state becomes the zero state (h = 0, c = 0), as before the first step of a sequence.</summary>"
                : "/// <summary>Starts a stream over: its state becomes the zero state (zero h and c, zero inputs before the first step), as before the first step of a sequence.</summary>");
            using (w.Block($"public static void ResetState(Span<{T}> state)"))
            {
                w.Line("global::NetGen.Runtime.Guard.Length(state.Length, StreamStateSize, nameof(state));");
                w.Line("state.Clear();");
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// One time step of a stream: reads the step's input, advances the stream's state and writes the network's output for the");
            if (recurrentOnly)
            {
                w.Line("/// sequence so far (what the layers after the recurrent ones make of h_t). After T steps from a reset state the output is");
                w.Line("/// Predict's for those T steps (for a network that returns sequences, its last step). Allocation-free; thread-safe for");
                w.Line("/// distinct states (the parameters are only read).");
            }
            else
            {
                w.Line("/// sequence so far. Step t's output from a reset state is Predict's at step t of the same sequence (the layers are causal).");
                w.Line("/// Allocation-free; thread-safe for distinct states (the parameters are only read).");
            }

            w.Line("/// </summary>");
            w.Line($"/// <param name=\"input\">{First.Inputs} values: one time step.</param>");
            w.Line($"/// <param name=\"output\">{Last.Outputs} values: {_head.PredictDescription}.</param>");
            w.Line("/// <param name=\"state\">StreamStateSize values, from <see cref=\"ResetState\"/> or the previous step; updated in place.</param>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"public void Step(ReadOnlySpan<{T}> input, Span<{T}> output, Span<{T}> state)"))
            {
                w.Line($"global::NetGen.Runtime.Guard.Length(input.Length, {First.Inputs}, nameof(input));");
                w.Line($"global::NetGen.Runtime.Guard.Length(output.Length, {Last.Outputs}, nameof(output));");
                w.Line("global::NetGen.Runtime.Guard.Length(state.Length, StreamStateSize, nameof(state));");
                EmitInputCheck(w, "input", finite: false);
                EmitScratch(w, StreamScratchSize, s =>
                {
                    w.Line($"ref {T} p = ref ParameterBase;");
                    if (BufferCount > 0)
                    {
                        w.Line($"ref {T} q = ref BufferBase;");
                    }

                    w.Line($"ref {T} h = ref MemoryMarshal.GetReference(state);");
                    w.Line($"ref {T} x0 = ref MemoryMarshal.GetReference(input);");
                    int checkOffset = 0;
                    foreach (Layer layer in _layers)
                    {
                        layer.EmitStreamCheck(w, _t, $"Unsafe.Add(ref h, {checkOffset})");
                        checkOffset += layer.StreamState;
                    }

                    int stateOffset = 0;
                    int scratchOffset = 0;
                    foreach (Layer layer in _layers)
                    {
                        // Each layer's step writes a row of its own (x{l+1}), which the layers that read it (several, in a graph) take.
                        string output = "x" + (layer.Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        var inputs = layer.Sources.Select(source => source is null ? "x0" : "x" + (source.Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
                        layer.EmitStreamStep(w, _t, inputs, output, $"Unsafe.Add(ref h, {stateOffset})", $"Unsafe.Add(ref {s}, {scratchOffset})");
                        stateOffset += layer.StreamState;
                        scratchOffset += layer.StreamScratch;
                    }

                    w.Line($"ref {T} y = ref MemoryMarshal.GetReference(output);");
                    _head.EmitPredict(w, "x" + (Last.Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "y");
                });
            }

            if (Vocabulary > 0)
            {
                w.Line();
                w.Line($"/// <summary>Step on one token id in [0, {Vocabulary}) (an ArgumentOutOfRangeException otherwise, before the state changes).</summary>");
                using (w.Block($"public void Step(int token, Span<{T}> output, Span<{T}> state)"))
                {
                    w.Line($"global::NetGen.Runtime.Guard.Tokens(MemoryMarshal.CreateReadOnlySpan(ref token, 1), {Vocabulary}, 0, nameof(token));");
                    w.Line($"{T} value = token;");
                    w.Line("Step(MemoryMarshal.CreateReadOnlySpan(ref value, 1), output, state);");
                }
            }
        }
    }
}
