#!/usr/bin/python3
"""PyTorch twin of a NetGen sequence network (run with Debian's python3 and python3-torch).

Usage: torch_recurrent.py <command> <directory> [<directory> ...]

The command runs in each directory in turn (one start of Python and torch for many cases). The command `each`
runs, in each directory, the command named by its spec.json ("command"), so that one process serves cases of
different kinds. A directory holds spec.json and data.safetensors (and model.safetensors, except for `export`); the script
writes result.safetensors (and, for `export`, model.safetensors).

spec.json:
  {"dtype": "F64" | "F32",
   "head": "Softmax" | "Sigmoid" | "Identity",
   "sequence_length": T,
   "layers": [{"kind": "Rnn" | "Lstm" | "Gru", "inputs": I, "outputs": H, "return_sequences": bool},
              {"kind": "Dense", "inputs": I, "outputs": O,
               "activation": "Identity" | "Relu" | "LeakyRelu" | "Sigmoid" | "Tanh", "slope": 0.01}, ...],
   "seed": 0,                                           (export only; optional)
   "command": "predict" | "gradient" | "optimize" | "export",  (for `each` only)
   "optimizer": {"kind": "Sgd" | "Momentum" | "Nesterov" | "Adam" | "AdamW", "lr": .., "weight_decay": ..,
                 "momentum": 0.9, "steps": S, "batch": B}}  (optimize only)

data.safetensors: "inputs" [N, T, I] (or [N, T*I]); "targets": labels as floats, [N] (many-to-one) or [N, T]
(many-to-many), for the Softmax head; else [N, K] or [N, T, K]. Unused by `export` and `predict` but present.

model.safetensors: the state dict of the twin, named as nn.Sequential would number the modules (an activation
after a Dense is its own module): recurrent i.weight_ih_l0 [G*H, I], i.weight_hh_l0 [G*H, H], i.bias_ih_l0,
i.bias_hh_l0 [G*H] (nn.LSTM / nn.GRU / nn.RNN, batch_first, one layer); Dense i.weight [O, I], i.bias [O].

Commands and result.safetensors:
  predict   predictions [N, K] or [N, T, K]: softmax / sigmoid probabilities or the identity
  gradient  loss [1], predictions, and grad.<name> for every parameter (autograd)
  optimize  losses [S] (before each step), trajectory.<name> [S, ...] (after each step), and <name> (the last)
  export    PyTorch's own initialization (torch.manual_seed(seed)) saved to model.safetensors; predictions

Loss: cross-entropy (mean over examples and steps), BCE with logits or MSE (mean over every output).

The functions build, load, predictions, loss_of and make_optimizer are meant to be imported by other scripts.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_interop import DTYPES, read_safetensors, write_safetensors  # noqa: E402

RECURRENT = {"Rnn": torch.nn.RNN, "Lstm": torch.nn.LSTM, "Gru": torch.nn.GRU}
ACTIVATIONS = {
    "Relu": lambda layer: torch.nn.ReLU(),
    "LeakyRelu": lambda layer: torch.nn.LeakyReLU(layer.get("slope", 0.01)),
    "Sigmoid": lambda layer: torch.nn.Sigmoid(),
    "Tanh": lambda layer: torch.nn.Tanh(),
}


class SequenceTwin(torch.nn.Module):
    """Submodules "0", "1", ... as nn.Sequential would count them; a recurrent module keeps only its output
    sequence (nn.LSTM returns a tuple), or only the last step when return_sequences is false."""

    def __init__(self, spec):
        super().__init__()
        self.plan = []
        index = 0
        for layer in spec["layers"]:
            kind = layer["kind"]
            if kind in RECURRENT:
                hidden = layer.get("hidden", layer.get("outputs"))
                module = RECURRENT[kind](layer["inputs"], hidden, num_layers=1, batch_first=True)
                self.add_module(str(index), module)
                self.plan.append((str(index), True, bool(layer.get("return_sequences", False))))
                index += 1
            elif kind == "Dense":
                self.add_module(str(index), torch.nn.Linear(layer["inputs"], layer["outputs"]))
                self.plan.append((str(index), False, None))
                index += 1
                activation = layer.get("activation", "Identity")
                if activation != "Identity":
                    self.add_module(str(index), ACTIVATIONS[activation](layer))
                    self.plan.append((str(index), False, None))
                    index += 1
            else:
                raise SystemExit(f"unknown layer kind {kind}")

    def forward(self, x):
        for name, recurrent, sequences in self.plan:
            module = self._modules[name]
            if recurrent:
                x, _ = module(x)
                if not sequences:
                    x = x[:, -1, :]
            else:
                x = module(x)
        return x


def build(spec):
    """The twin of spec (a dict as in spec.json), in spec's dtype."""
    return SequenceTwin(spec).to(DTYPES[spec["dtype"]])


def load(model, path):
    """Loads a state dict from a safetensors file; names and shapes must match exactly."""
    dtype = next(model.parameters()).dtype
    model.load_state_dict({k: v.to(dtype) for k, v in read_safetensors(path).items()}, strict=True)
    return model


def inputs_of(spec, x):
    """[N, T, I] from [N, T, I] or [N, T*I]."""
    return x.reshape(x.shape[0], spec["sequence_length"], spec["layers"][0]["inputs"])


def predictions(spec, logits):
    head = spec["head"]
    if head == "Softmax":
        return torch.softmax(logits, dim=-1)
    if head == "Sigmoid":
        return torch.sigmoid(logits)
    return logits


def loss_of(spec, logits, targets):
    """Mean over examples and steps; for Sigmoid and Identity also over the K outputs."""
    head = spec["head"]
    if head == "Softmax":
        return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1).long())
    targets = targets.reshape(logits.shape)
    if head == "Sigmoid":
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, targets)
    return torch.nn.functional.mse_loss(logits, targets)


def make_optimizer(opt, params):
    kind, lr, wd = opt["kind"], opt["lr"], opt.get("weight_decay", 0.0)
    if kind == "Sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=wd)
    if kind in ("Momentum", "Nesterov"):
        return torch.optim.SGD(params, lr=lr, momentum=opt["momentum"], nesterov=kind == "Nesterov", weight_decay=wd)
    if kind == "Adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if kind == "AdamW":
        return torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    raise SystemExit(f"unknown optimizer {kind}")


def run(command, directory):
    with open(os.path.join(directory, "spec.json")) as f:
        spec = json.load(f)
    dtype = DTYPES[spec["dtype"]]
    torch.manual_seed(spec.get("seed", 0))
    model = build(spec)
    data = read_safetensors(os.path.join(directory, "data.safetensors"))
    x = inputs_of(spec, data["inputs"].to(dtype))
    targets = data["targets"].to(dtype)
    result_path = os.path.join(directory, "result.safetensors")

    if command == "export":
        write_safetensors(os.path.join(directory, "model.safetensors"), dict(model.state_dict()))
        with torch.no_grad():
            write_safetensors(result_path, {"predictions": predictions(spec, model(x))})
        return

    load(model, os.path.join(directory, "model.safetensors"))
    if command == "predict":
        with torch.no_grad():
            write_safetensors(result_path, {"predictions": predictions(spec, model(x))})
    elif command == "gradient":
        logits = model(x)
        loss = loss_of(spec, logits, targets)
        loss.backward()
        result = {"loss": loss.detach().reshape(1), "predictions": predictions(spec, logits.detach())}
        for name, p in model.named_parameters():
            result["grad." + name] = p.grad
        write_safetensors(result_path, result)
    elif command == "optimize":
        opt = spec["optimizer"]
        optimizer = make_optimizer(opt, model.parameters())
        batch, steps = opt["batch"], opt["steps"]
        losses, trajectory = [], {name: [] for name, _ in model.named_parameters()}
        for step in range(steps):
            rows = slice(step * batch, (step + 1) * batch)
            optimizer.zero_grad()
            loss = loss_of(spec, model(x[rows]), targets[rows])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            for name, p in model.named_parameters():
                trajectory[name].append(p.detach().clone())
        result = {"losses": torch.tensor(losses, dtype=dtype)}
        result.update({"trajectory." + name: torch.stack(values) for name, values in trajectory.items()})
        result.update(model.state_dict())
        write_safetensors(result_path, result)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    for path in sys.argv[2:]:
        if sys.argv[1] == "each":
            with open(os.path.join(path, "spec.json")) as f:
                run(json.load(f)["command"], path)
        else:
            run(sys.argv[1], path)
