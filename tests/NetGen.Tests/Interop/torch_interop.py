#!/usr/bin/python3
"""PyTorch side of NetGen's interop tests (run with Debian's python3 and python3-torch).

Usage: torch_interop.py <command> <directory>

The directory holds spec.json (the network: layers, head, and the command's parameters) and the
safetensors files the C# test wrote; this script writes result.safetensors (and, for `export`,
model.safetensors). It reads and writes safetensors with the standard library only: an 8-byte
little-endian header length, a JSON header, then raw little-endian data.
"""
import json
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
NAMES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=DTYPES[info["dtype"]])
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors


def write_safetensors(path, tensors):
    header, offset, chunks = {}, 0, []
    for name, t in tensors.items():
        t = t.detach().contiguous()
        raw = t.numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        chunks.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def build(spec, dtype):
    modules = []
    for layer in spec["layers"]:
        modules.append(torch.nn.Linear(layer["inputs"], layer["outputs"]))
        act = layer["activation"]
        if act == "Relu":
            modules.append(torch.nn.ReLU())
        elif act == "LeakyRelu":
            modules.append(torch.nn.LeakyReLU(layer["slope"]))
        elif act == "Sigmoid":
            modules.append(torch.nn.Sigmoid())
        elif act == "Tanh":
            modules.append(torch.nn.Tanh())
    return torch.nn.Sequential(*modules).to(dtype)


def loss_of(spec, outputs, targets):
    head = spec["head"]
    if head == "Softmax":
        return torch.nn.functional.cross_entropy(outputs, targets.long())
    if head == "Sigmoid":
        return torch.nn.functional.binary_cross_entropy_with_logits(outputs, targets)
    return torch.nn.functional.mse_loss(outputs, targets)


def predict(spec, outputs):
    head = spec["head"]
    if head == "Softmax":
        return torch.softmax(outputs, dim=1)
    if head == "Sigmoid":
        return torch.sigmoid(outputs)
    return outputs


def main():
    command, directory = sys.argv[1], sys.argv[2]
    spec = json.load(open(f"{directory}/spec.json"))
    dtype = DTYPES[spec["dtype"]]
    torch.manual_seed(spec.get("seed", 0))
    model = build(spec, dtype)
    data = read_safetensors(f"{directory}/data.safetensors")
    x, targets = data["inputs"].to(dtype), data["targets"].to(dtype)

    if command == "export":
        # PyTorch initializes (its own default init) and saves; the C# side loads and compares predictions.
        with torch.no_grad():
            for p in model.parameters():
                p.add_(0.01 * torch.randn_like(p))
        write_safetensors(f"{directory}/model.safetensors", dict(model.state_dict()))
        with torch.no_grad():
            write_safetensors(f"{directory}/result.safetensors", {"predictions": predict(spec, model(x))})
        return

    model.load_state_dict(read_safetensors(f"{directory}/model.safetensors"))
    if command == "predict":
        with torch.no_grad():
            write_safetensors(f"{directory}/result.safetensors", {"predictions": predict(spec, model(x))})
    elif command == "gradient":
        loss = loss_of(spec, model(x), targets)
        loss.backward()
        result = {"loss": loss.detach().reshape(1)}
        for name, p in model.named_parameters():
            result["grad." + name] = p.grad
        write_safetensors(f"{directory}/result.safetensors", result)
    elif command == "optimize":
        opt = spec["optimizer"]
        kind, lr, wd = opt["kind"], opt["lr"], opt["weight_decay"]
        params = model.parameters()
        if kind == "Sgd":
            optimizer = torch.optim.SGD(params, lr=lr, weight_decay=wd)
        elif kind in ("Momentum", "Nesterov"):
            optimizer = torch.optim.SGD(params, lr=lr, momentum=opt["momentum"], nesterov=kind == "Nesterov", weight_decay=wd)
        elif kind == "Adam":
            optimizer = torch.optim.Adam(params, lr=lr, weight_decay=wd)
        else:
            optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=wd)
        batch = opt["batch"]
        losses = []
        for step in range(opt["steps"]):
            rows = slice(step * batch, (step + 1) * batch)
            optimizer.zero_grad()
            loss = loss_of(spec, model(x[rows]), targets[rows])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        result = {"losses": torch.tensor(losses, dtype=dtype)}
        result.update(model.state_dict())
        write_safetensors(f"{directory}/result.safetensors", result)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
