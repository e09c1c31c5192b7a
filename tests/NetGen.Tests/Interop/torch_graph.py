#!/usr/bin/python3
"""PyTorch side of the interop tests of graph networks: residuals, batch and layer normalization, average pooling
(run with Debian's python3 and python3-torch).

Usage: torch_graph.py <directory> [<directory> ...]

Each directory holds twin.py (the PyTorch twin exactly as the generated file's header gives it), model.safetensors
(NetGen's Save: parameters, running statistics and num_batches_tracked), data.safetensors and spec.json; the script
loads the model file into the twin with strict=True and writes result.safetensors there:
- "predictions": what Predict returns, in evaluation mode (the running statistics);
- "loss" and "grad.<name>" of every parameter: the mean loss of the batch in training mode (the batch's statistics), by
  autograd;
- "after.<name>" of every buffer: the state after one training-mode forward pass of the batch (running statistics
  updated once, num_batches_tracked + 1);
- with spec "steps": "adamw.<name>" of every state_dict entry after that many torch.optim.AdamW steps, step k on the
  inputs "x<k>" and targets "y<k>" of data.safetensors.

spec.json: {"head": "Softmax" | "Sigmoid" | "Identity", "shape": [dims of one example], "steps": K, "lr": η,
"weight_decay": λ}
"""
import copy
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_interop import read_safetensors, write_safetensors  # noqa: E402


def loss_of(head, z, targets):
    """The mean loss; an output per step ([N, T, C]) is averaged over the examples and the steps, as NetGen's is."""
    if head == "Softmax":
        return nn.functional.cross_entropy(z.reshape(-1, z.shape[-1]), targets.reshape(-1).long())
    z = z.reshape(targets.shape)
    if head == "Sigmoid":
        return nn.functional.binary_cross_entropy_with_logits(z, targets)
    return nn.functional.mse_loss(z, targets)


def run(directory):
    with open(os.path.join(directory, "spec.json")) as f:
        spec = json.load(f)
    scope = {}
    with open(os.path.join(directory, "twin.py")) as f:
        exec(f.read(), scope)
    model = scope["model"]
    state = read_safetensors(os.path.join(directory, "model.safetensors"))
    model.load_state_dict(state, strict=True)
    dtype = next(p.dtype for p in model.parameters())
    data = read_safetensors(os.path.join(directory, "data.safetensors"))
    head = spec["head"]
    shape = [-1] + spec["shape"]
    x = data["inputs"].to(dtype)
    targets = data["targets"].to(dtype)
    result = {}

    model.eval()
    with torch.no_grad():
        result["predictions"] = scope["predict"](x)

    train = copy.deepcopy(model)
    train.train()
    loss = loss_of(head, train(x.reshape(shape)), targets)
    train.zero_grad()
    loss.backward()
    result["loss"] = loss.detach().reshape(1)
    for name, p in train.named_parameters():
        result["grad." + name] = p.grad
    for name, b in train.named_buffers():
        result["after." + name] = b

    steps = spec.get("steps", 0)
    if steps:
        stepped = copy.deepcopy(model)
        stepped.train()
        optimizer = torch.optim.AdamW(stepped.parameters(), lr=spec["lr"], weight_decay=spec["weight_decay"])
        for k in range(steps):
            optimizer.zero_grad()
            loss_of(head, stepped(data["x%d" % k].to(dtype).reshape(shape)), data["y%d" % k].to(dtype)).backward()
            optimizer.step()
        for name, t in stepped.state_dict().items():
            result["adamw." + name] = t

    write_safetensors(os.path.join(directory, "result.safetensors"), result)


def main():
    torch.set_num_threads(1)
    for directory in sys.argv[1:]:
        run(directory)


if __name__ == "__main__":
    main()
