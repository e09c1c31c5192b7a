#!/usr/bin/python3
"""Writes norm.safetensors, the compiled-in weights of CompiledNorm (CompiledWeightsTests.cs): the PyTorch twin of
[Input(3, 4, 4)][BatchNorm2D(3, Epsilon = 0.001, Momentum = 0.3)][Conv2D(3, 2, 2, Stride = 2)][Relu][Flatten][Dense(8, 3)][Softmax]
after three training-mode forward passes, so that its running statistics and num_batches_tracked (3) are not the
initial ones. Run with Debian's python3 and python3-torch: python3 make_norm.py"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Interop"))
from torch_interop import write_safetensors  # noqa: E402

torch.manual_seed(3)
model = torch.nn.Sequential(
    torch.nn.BatchNorm2d(3, eps=0.001, momentum=0.3),
    torch.nn.Conv2d(3, 2, 2, stride=2),
    torch.nn.ReLU(),
    torch.nn.Flatten(),
    torch.nn.Linear(8, 3),
)
model.train()
for _ in range(3):
    model(torch.randn(5, 3, 4, 4) * 2 + 1)
write_safetensors(os.path.join(os.path.dirname(os.path.abspath(__file__)), "norm.safetensors"), model.state_dict())
