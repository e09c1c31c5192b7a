using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Layers;

namespace NetGen.Generator.Emitting
{
    /// <summary>The header comment: the network's equations as implemented, forward, backward and the optimizer step.</summary>
    internal sealed class HeaderEmitter : EmitterPart
    {
        public HeaderEmitter(EmitterPart shared)
            : base(shared)
        {
        }

        internal void EmitHeader(CodeWriter w)
        {
            long forwardFlops = _layers.Sum(l => l.ForwardFlops);
            long backwardFlops = _layers.Sum(l => l.BackwardFlops);
            string topology = string.Join(" → ", new[] { First.Inputs.ToString(CultureInfo.InvariantCulture) }
                .Concat(_layers.Select(l => l.TopologyToken)));

            w.Line("//");
            w.Line($"// NetGen network {Qualified}: {topology}, {T} precision");
            w.Line("//");
            w.Line("// Layers (unrolled below, every size a literal):");
            foreach (Layer layer in _layers)
            {
                w.Line($"//   {layer.Index}: {layer.Summary}; forward {Number(layer.ForwardFlops)} FLOPs, {Number((long)layer.StoredWidth * _t.Size)} bytes stored per example");
            }

            w.Line($"//   head: {_head.Description}");
            w.Line($"//   optimizer: {_optimizer.Name}");
            w.Line($"// Parameters: {Number(_parameterCount)} ({Number((long)_parameterCount * _t.Size)} bytes), laid out per layer as {string.Join("; ", _layers.Select(l => l.Layout).Distinct())}.");
            w.Line($"// FLOPs per example: forward {Number(forwardFlops)}, backward {Number(backwardFlops)} (+ {Number((long)_optimizer.StepFlops * _parameterCount)} for the {_optimizer.Name} step).");
            if (_model.SequenceLength == 0)
            {
                w.Line($"// Stored for training, per example: {Number(StoredBytes)} bytes (every layer's outputs and what its backward pass reads).");
            }
            else if (!_model.Nodes.Any(n => n.Layer.Recurrent))
            {
                w.Line($"// Stored for training, per example: {Number(StoredBytes)} bytes (ActivationBytesPerExample): every layer keeps its");
                w.Line($"// output at each of the {_model.SequenceLength} time steps for the backward pass, so the memory grows with T.");
            }
            else
            {
                w.Line($"// Stored for training, per example: {Number(StoredBytes)} bytes (ActivationBytesPerExample), of which the");
                w.Line(_model.Checkpointing
                    ? $"// recurrent layers keep the state at the start of every {(int)System.Math.Ceiling(System.Math.Sqrt(_model.SequenceLength))}-th of the {_model.SequenceLength} time steps and recompute the steps between in the backward pass (checkpointing): the memory grows with √T."
                    : $"// recurrent layers keep what each of the {_model.SequenceLength} time steps needs: the memory grows with T.");
            }

            foreach (string line in CompiledWeightsEmitter.HeaderLines(_model))
            {
                w.Line($"// {line}");
            }

            w.Line("//");
            w.Line("// Forward pass, x = input:");
            foreach (string line in _layers.SelectMany(l => l.ForwardEquations))
            {
                w.Line($"//   {line}");
            }

            foreach (string line in _head.Equations)
            {
                w.Line($"//   {line}");
            }

            w.Line("//");
            w.Line("// Backward pass (reverse-mode, the activations a_l of the forward pass are stored and reused):");
            string lastDerivative = Last.HasOutputDerivative ? $" ⊙ f′({Last.OutputName})" : string.Empty;
            string rows = Last.OutputRows > 1 ? $"B·{Last.OutputRows}" : "B";
            w.Line($"//   δ{Last.Index} = ({_head.DeltaEquation}){lastDerivative} / {rows}   (B = batch size: the gradient of the mean loss)");
            foreach (string line in Enumerable.Reverse(_layers).SelectMany(l => l.BackwardEquations))
            {
                w.Line($"//   {line}");
            }

            foreach (string line in _layers.Select(l => l.GradientEquation).Distinct())
            {
                w.Line($"//   {line}");
            }

            w.Line("//");
            w.Line($"// Optimizer step ({_optimizer.Name}), g = ∂L/∂θ, η = learning rate, λ = weight decay:");
            foreach (string line in _optimizer.Equations)
            {
                w.Line($"//   {line}");
            }

            if (FusesSingle)
            {
                w.Line("// For a single example (and λ = 0) the step is fused into the backward pass: each row of W_l is read");
                w.Line("// once, its share of W_lᵀδ_l taken from the old weights, then updated in place.");
            }

            w.Line("//");
            w.Line("// PyTorch twin: the same network in torch, its state_dict named and shaped as Save's file, so");
            w.Line("// model.load_state_dict(tensors, strict=True) loads it, and predict(x) returns what Predict returns:");
            w.Line("//");
            foreach (string line in PyTorchTwinEmitter.Lines(_model, _layers, _head))
            {
                w.Line("//   " + line);
            }

            w.Line("//");
        }

    }
}
