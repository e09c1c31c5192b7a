#!/usr/bin/python3
"""PyTorch peer of the NetGen epoch protocol (see docs/performance.md and tests/Benchmarks/compare.sh).

One epoch of plain SGD over the 60,000 MNIST training images in a fixed seeded order, nets
A = 784-128-10 and B = 784-128-64-10 (Linear/ReLU/.../Linear, softmax cross-entropy, mean over the
batch), float32, He-uniform init (kaiming_uniform_, nonlinearity='relu'), zero biases; batch 1 with
lr 0.01, batches 32/128 with lr 0.1; data pre-loaded as one tensor and sliced; then test accuracy on
the 10,000 test images and single-sample predict latency (softmax probabilities, median and p99 over
10,000 calls under torch.no_grad() with model.eval()).

Prints one line per configuration:
  peer=PyTorch net=B batch=32 threads=1 epoch_s=... samples_per_s=... test_acc=... predict_median_us=...
  predict_p99_us=... train_alloc_bytes=na predict_alloc_bytes=na

--export-weights DIR trains net B one epoch at batch 32 and writes its weights to DIR/netB.safetensors (the
nn.Sequential names NetGen uses), then exits; NetGen then exports them as DIR/netB.onnx with its own SaveOnnx
(`NetGen.Benchmarks onnx`) for the ONNX Runtime peer.

Run it with Debian's /usr/bin/python3 (python3-torch); compare.sh preloads Debian's OpenBLAS.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NETS = {"A": [784, 128, 10], "B": [784, 128, 64, 10]}
TRAIN_COUNT = 60_000
PREDICT_CALLS = 10_000
PREDICT_WARMUP = 2_000


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist(folder):
    def images(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).reshape(-1, 784).astype(np.float32) / 255.0)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).astype(np.int64))

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def make_net(name, seed):
    torch.manual_seed(seed)
    sizes = NETS[name]
    layers = []
    for i in range(len(sizes) - 1):
        linear = nn.Linear(sizes[i], sizes[i + 1])
        nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def train_epoch(model, x, y, batch):
    lr = 0.01 if batch == 1 else 0.1
    opt = torch.optim.SGD(model.parameters(), lr=lr)  # plain SGD: no momentum, no weight decay
    model.train()
    n = x.shape[0]
    t0 = time.perf_counter()
    for start in range(0, n, batch):
        xb = x[start:start + batch]
        yb = y[start:start + batch]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def measure(name, batch, threads, data):
    train_x, train_y, test_x, test_y = data
    torch.set_num_threads(threads)
    model = make_net(name, seed=0)
    # Fixed seeded order; permuting once up front keeps the timed loop to plain slicing.
    perm = torch.randperm(TRAIN_COUNT, generator=torch.Generator().manual_seed(0))
    x = train_x[perm].contiguous()
    y = train_y[perm].contiguous()
    seconds = train_epoch(model, x, y, batch)

    model.eval()
    with torch.no_grad():
        correct = (model(test_x).argmax(1) == test_y).sum().item()
        tests = test_x.shape[0]
        for i in range(PREDICT_WARMUP):
            torch.softmax(model(test_x[i % tests:i % tests + 1]), 1)
        latencies = []
        clock = time.perf_counter_ns
        for i in range(PREDICT_CALLS):
            j = (i * 7919) % tests  # cycle through the test set, as the NetGen runner does
            t0 = clock()
            torch.softmax(model(test_x[j:j + 1]), 1)
            latencies.append(clock() - t0)
    latencies.sort()
    median = latencies[len(latencies) // 2] / 1000.0
    p99 = latencies[int(len(latencies) * 0.99)] / 1000.0
    return (f"peer=PyTorch net={name} batch={batch} threads={threads} epoch_s={seconds:.3f} "
            f"samples_per_s={TRAIN_COUNT / seconds:.0f} test_acc={100.0 * correct / tests:.2f} "
            f"predict_median_us={median:.2f} predict_p99_us={p99:.2f} train_alloc_bytes=na predict_alloc_bytes=na")


def save_safetensors(path, tensors):
    """Writes tensors in the safetensors format (8-byte header length, JSON header, raw little-endian data): int64
    tensors (BatchNorm2d's num_batches_tracked, 0-d: shape []) as I64, every other tensor as F32."""
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        dtype, as_type = ("I64", torch.int64) if tensor.dtype == torch.int64 else ("F32", torch.float32)
        data = tensor.detach().to(as_type).contiguous().numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def export_weights(folder, data):
    train_x, train_y, _, _ = data
    torch.set_num_threads(1)
    model = make_net("B", seed=0)
    perm = torch.randperm(TRAIN_COUNT, generator=torch.Generator().manual_seed(0))
    train_epoch(model, train_x[perm].contiguous(), train_y[perm].contiguous(), 32)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "netB.safetensors")
    save_safetensors(path, model.state_dict())
    print(f"wrote {path}", file=sys.stderr)


def versions():
    lines = [f"torch={torch.__version__} numpy={np.__version__} python={sys.version.split()[0]}"]
    try:
        import threadpoolctl  # optional
        for info in threadpoolctl.threadpool_info():
            lines.append(f"threadpool: {info.get('internal_api')} {info.get('version')} {info.get('filepath')} "
                         f"threads={info.get('num_threads')} arch={info.get('architecture')}")
    except ImportError:
        pass
    # Which BLAS the process actually mapped (LD_LIBRARY_PATH may swap Debian's reference BLAS for OpenBLAS).
    with open("/proc/self/maps") as f:
        libs = sorted({l.split()[-1] for l in f if "blas" in l.lower() or "lapack" in l.lower()})
    lines.append("mapped BLAS: " + (" ".join(libs) or "none"))
    lines.append(torch.__config__.show().strip())
    lines.append(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')} "
                 f"LD_LIBRARY_PATH={os.environ.get('LD_LIBRARY_PATH', '')}")
    return "\n".join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nets", default="A,B")
    p.add_argument("--batches", default="1,32,128")
    p.add_argument("--threads", default="1")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--data", default=os.path.join(here, "..", "..", "data", "mnist"))
    p.add_argument("--export-weights", metavar="DIR", help="train net B (batch 32), write DIR/netB.safetensors, then exit")
    p.add_argument("--versions", action="store_true", help="print torch/BLAS versions and configuration, then exit")
    args = p.parse_args()
    torch.set_num_interop_threads(1)
    if args.versions:
        print(versions())
        return 0
    data = load_mnist(args.data)
    if args.export_weights:
        export_weights(args.export_weights, data)
        return 0
    for net in args.nets.split(","):
        for batch in (int(b) for b in args.batches.split(",")):
            for threads in (int(t) for t in args.threads.split(",")):
                for _ in range(args.repeat):
                    print(measure(net, batch, threads, data), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
