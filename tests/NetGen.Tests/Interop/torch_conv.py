#!/usr/bin/python3
"""PyTorch twin of a NetGen image network (run with Debian's python3 and python3-torch).

Usage: torch_conv.py <directory> [<directory> ...]

Each directory holds model.safetensors (written by the generated Save), data.safetensors and spec.json; the script
writes result.safetensors there. The twin is built from the model file's own metadata, "netgen.sequential" (the
modules of the nn.Sequential whose state dict the file is, e.g. "Conv2d(1, 6, 5, padding=2), ReLU, MaxPool2d(2),
Flatten(), Linear(400, 120), ..."), and loaded with strict=True, so the names, shapes and module numbering are checked.

spec.json: {"head": "Softmax" | "Sigmoid" | "Identity", "shape": [C, H, W]}
data.safetensors: "inputs" [N, C·H·W]; "targets" [N] (labels as floats) or [N, K]; optionally "mask.<i>" [N, ...]
for the Dropout module numbered i: the factors (0 or 1/(1 − p)) NetGen used, applied in place of PyTorch's draw.

result.safetensors: "predictions" [N, K] (eval mode: dropout off), "loss" [1] and "grad.<name>" for every parameter
(train mode, with the given masks), by autograd.
"""
import json
import os
import re
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_interop import read_safetensors, write_safetensors  # noqa: E402


def read_metadata(path):
    import struct
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    return header.get("__metadata__", {})


def split_modules(text):
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


BARE = {"ReLU": "ReLU()", "sigmoid": "Sigmoid()", "tanh": "Tanh()"}
ALLOWED = re.compile(r"^(Conv2d|MaxPool2d|Flatten|Linear|Dropout|ReLU|LeakyReLU|Sigmoid|Tanh)\([0-9a-z=., ]*\)$")


class Mask(nn.Module):
    def __init__(self, factors):
        super().__init__()
        self.factors = factors

    def forward(self, x):
        return x * self.factors.reshape(x.shape) if self.training else x


def build(sequential, masks):
    modules = []
    for i, token in enumerate(split_modules(sequential)):
        token = BARE.get(token, token)
        if not ALLOWED.match(token):
            raise ValueError("unexpected module " + token)
        module = eval("nn." + token, {"nn": nn})
        if isinstance(module, nn.Dropout) and str(i) in masks:
            module = Mask(masks[str(i)])
        modules.append(module)
    return nn.Sequential(*modules)


def run(directory):
    with open(os.path.join(directory, "spec.json")) as f:
        spec = json.load(f)
    model_path = os.path.join(directory, "model.safetensors")
    state = read_safetensors(model_path)
    data = read_safetensors(os.path.join(directory, "data.safetensors"))
    dtype = next(iter(state.values())).dtype
    masks = {k[len("mask."):]: v.to(dtype) for k, v in data.items() if k.startswith("mask.")}
    net = build(read_metadata(model_path)["netgen.sequential"], masks).to(dtype)
    net.load_state_dict(state, strict=True)
    x = data["inputs"].to(dtype).reshape([-1] + spec["shape"])
    targets = data["targets"].to(dtype)
    head = spec["head"]

    net.eval()
    with torch.no_grad():
        z = net(x)
        predictions = torch.softmax(z, 1) if head == "Softmax" else torch.sigmoid(z) if head == "Sigmoid" else z

    net.train()
    z = net(x)
    if head == "Softmax":
        loss = nn.functional.cross_entropy(z, targets.long())
    elif head == "Sigmoid":
        loss = nn.functional.binary_cross_entropy_with_logits(z, targets)
    else:
        loss = nn.functional.mse_loss(z, targets)
    net.zero_grad()
    loss.backward()
    result = {"predictions": predictions, "loss": loss.detach().reshape(1)}
    for name, p in net.named_parameters():
        result["grad." + name] = p.grad
    write_safetensors(os.path.join(directory, "result.safetensors"), result)


def main():
    torch.set_num_threads(1)
    for directory in sys.argv[1:]:
        run(directory)


if __name__ == "__main__":
    main()
