#!/usr/bin/python3
"""Trains the PyTorch twin of CharModel exactly as Program.cs trains NetGen's, for the two curves side by side.

Run after the sample (it writes the initial weights and builds the generated file the twin comes from), from the
repository's root, with Debian's python3 and python3-torch:

    dotnet run --project samples/CharTransformer -c Release
    /usr/bin/python3 samples/CharTransformer/twin_train.py [--epochs 8] [--threads 2]

The twin is the module in the generated file's header (obj/.../CharModel.g.cs), loaded with the same initial weights
(artifacts/char-transformer/initial.safetensors, strict). The data are the same characters, the same windows in the same
order (Program.Order, Multiplier, Windows, Offset), the same AdamW (lr 0.003, betas 0.9/0.999, eps 1e-8, weight decay 0.01), the same
rate per step (Program.Rate); the validation loss in bits per character after every epoch goes to
artifacts/char-transformer/twin_curve.csv.
"""
import argparse
import glob
import json
import math
import os
import struct
import time

import torch

T = 64
BATCH = 32
RATE = 0.003
WEIGHT_DECAY = 0.01
WARMUP = 100
FINAL = 0.1
HERE = os.path.dirname(os.path.abspath(__file__))


def corpus(directory):
    files = sorted((f for f in os.listdir(directory) if os.path.isfile(os.path.join(directory, f)) and "." not in f))
    ids = []
    for name in files:
        with open(os.path.join(directory, name), "rb") as f:
            for b in f.read():
                if b == 10:
                    ids.append(0)
                elif b == 9:
                    ids.append(1)
                elif 32 <= b <= 126:
                    ids.append(b - 31)
    return ids


def twin_source():
    pattern = os.path.join(HERE, "obj", "Release", "*", "generated", "**", "NetGen.Samples.CharTransformer.CharModel.g.cs")
    found = sorted(glob.glob(pattern, recursive=True))
    if not found:
        raise SystemExit("the generated CharModel.g.cs was not found: build the sample first (dotnet run --project samples/CharTransformer -c Release)")
    lines = open(found[0], encoding="utf-8").read().splitlines()
    start = lines.index("//   import torch")
    body = []
    for line in lines[start:]:
        if not line.startswith("//   "):
            break
        body.append(line[5:])
    return "\n".join(body)


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    types = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=types[info["dtype"]]).reshape(info["shape"]).clone()
    return tensors


def load_twin(weights):
    """The twin module of the generated header, its state loaded (strict) from a safetensors file of NetGen's."""
    scope = {}
    exec(twin_source(), scope)
    model = scope["model"]
    model.load_state_dict(read_safetensors(weights), strict=True)
    return model


def offset(epoch):
    return epoch * 23 % T


def windows(length, epoch):
    return (length - 1 - offset(epoch)) // T


def multiplier(n):
    a = 7919
    while math.gcd(a, n) != 1:
        a += 1
    return a


def order(k, n, a, epoch):
    return (k * a + 977 * epoch) % n


def rate(s, total):
    warm = min(1.0, (s + 1) / WARMUP)
    return RATE * warm * (FINAL + (1 - FINAL) * 0.5 * (1 + math.cos(math.pi * s / total)))


def bpc(model, text):
    n = (len(text) - 1) // T
    x = torch.tensor(text[: n * T], dtype=torch.float32).reshape(n, T, 1)
    y = torch.tensor(text[1: n * T + 1], dtype=torch.int64).reshape(n, T)
    model.eval()
    total = 0.0
    with torch.no_grad():
        for i in range(0, n, 256):
            z = model(x[i:i + 256])
            total += torch.nn.functional.cross_entropy(z.reshape(-1, z.shape[-1]), y[i:i + 256].reshape(-1), reduction="sum").item()
    model.train()
    return total / (n * T) / math.log(2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--corpus", default="/usr/share/games/fortunes")
    parser.add_argument("--artifacts", default=os.path.join("artifacts", "char-transformer"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    model = load_twin(os.path.join(args.artifacts, "initial.safetensors"))
    model.train()

    text = corpus(args.corpus)
    split = len(text) * 9 // 10
    train, validation = text[:split], text[split:]
    train_tensor = torch.tensor(train, dtype=torch.int64)
    total = sum(windows(len(train), e) // BATCH for e in range(args.epochs))
    optimizer = torch.optim.AdamW(model.parameters(), lr=RATE, betas=(0.9, 0.999), eps=1e-8, weight_decay=WEIGHT_DECAY)
    print("twin: %d parameters, %d characters (training %d, validation %d), %d steps of %d" % (
        sum(p.numel() for p in model.parameters()), len(text), len(train), len(validation), total, BATCH))
    print("validation bpc before training: %.4f" % bpc(model, validation))
    lines = ["epoch,train_loss,validation_bpc,seconds"]
    step = 0
    start = time.time()
    for e in range(args.epochs):
        n = windows(len(train), e)
        a = multiplier(n)
        batches = n // BATCH
        loss_sum = 0.0
        for b in range(batches):
            starts = torch.tensor([offset(e) + order(b * BATCH + i, n, a, e) * T for i in range(BATCH)])
            index = starts[:, None] + torch.arange(T + 1)[None, :]
            chunk = train_tensor[index]
            for group in optimizer.param_groups:
                group["lr"] = rate(step, total)
            step += 1
            optimizer.zero_grad()
            z = model(chunk[:, :T].float().reshape(BATCH, T, 1))
            loss = torch.nn.functional.cross_entropy(z.reshape(-1, z.shape[-1]), chunk[:, 1:].reshape(-1))
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
        v = bpc(model, validation)
        train_bpc = loss_sum / batches / math.log(2)
        print("  epoch %d: training %.4f bpc, validation %.4f bpc  (%.1f s)" % (e + 1, train_bpc, v, time.time() - start))
        lines.append("%d,%r,%r,%.1f" % (e + 1, train_bpc, v, time.time() - start))
    print("validation bpc: %.4f" % v)
    path = os.path.join(args.artifacts, "twin_curve.csv")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(path + ".tmp", path)
    print("the curve is in " + path)


if __name__ == "__main__":
    main()
