#!/usr/bin/python3
"""PyTorch peer of the NetGen convolutional comparison (`NetGen.Benchmarks cnn`, tests/Benchmarks/compare.sh --cnn).

Two networks on MNIST, each image 1x28x28 (--nets LeNet5,ResNet; LeNet5 by default):

LeNet5: nn.Sequential(Conv2d(1, 6, 5, padding=2), ReLU, MaxPool2d(2), Conv2d(6, 16, 5), ReLU, MaxPool2d(2), Flatten,
Linear(400, 120), ReLU, Dropout(0.5), Linear(120, 84), ReLU, Linear(84, 10)); plain SGD (batch 1 lr 0.01, batch 32
lr 0.1), in train mode (dropout active).

ResNet (85,426 parameters): nn.Sequential(Conv2d(1, 24, 3, padding=1, bias=False), BatchNorm2d(24), ReLU, MaxPool2d(2),
Residual(24 -> 24), ReLU, Residual(24 -> 48, stride 2, with a 1x1 stride-2 convolution + BatchNorm2d shortcut), ReLU,
Residual(48 -> 48), ReLU, Sequential(AdaptiveAvgPool2d(1), Flatten), Linear(48, 10)), each Residual's body
Conv2d(3x3, bias=False), BatchNorm2d, ReLU, Conv2d(3x3, bias=False), BatchNorm2d added to its input (or its shortcut);
SGD with momentum 0.9, Nesterov, weight decay 5e-4 (batch 1 lr 0.01, batch >= 2 lr 0.05), in train mode (batch
statistics).

Both: softmax cross-entropy (mean over the batch), float32, PyTorch's default initialization, over the first N
training images of a fixed seeded order; data pre-loaded as one tensor and sliced by index. Four warm-up batches from
the end of the shuffled set (images the timed run does not use), then the timed run; epoch_s is the 60,000-image epoch
the timed µs/sample implies. Then, in eval mode (dropout off, BatchNorm2d's running statistics) under
torch.no_grad(): test accuracy on the 10,000 test images (untimed) and single-sample predict latency (softmax
probabilities, median and p99 over 2,000 calls after 200 warm-up calls, the test images in order).

Prints one line per configuration (net, then threads, then batch), like the NetGen runner:
  peer=PyTorch net=LeNet5 batch=1 threads=1 samples=N last_loss=... us_per_sample=... epoch_s=... samples_per_s=...
  test_acc=... predict_median_us=... predict_p99_us=... train_alloc_bytes=na predict_alloc_bytes=na

--export-weights DIR trains each net of --nets on N images at batch 32 and writes, for LeNet5, its weights to
DIR/lenet5.safetensors (the nn.Sequential names NetGen uses: 0.weight, 0.bias, 3.*, 7.*, 10.*, 12.*), which NetGen
exports as DIR/lenet5.onnx with its own SaveOnnx (`NetGen.Benchmarks onnx --net LeNet5`) for the ONNX Runtime peer,
and DIR/lenet5.probs.txt (PyTorch's probabilities for the first 100 test images, which that peer checks); for ResNet,
its whole state_dict to DIR/resnet.safetensors (0.weight, 1.weight, 1.bias, 1.running_mean, 1.running_var,
1.num_batches_tracked (I64, 0-d), 4.body.0.weight, ..., 6.shortcut.0.weight, ..., 11.weight, 11.bias) and
DIR/resnet.probs.txt (eval mode).

Run it with Debian's /usr/bin/python3 (python3-torch); compare.sh preloads Debian's OpenBLAS.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_epoch import read_idx, save_safetensors  # the MNIST peer's IDX reader and safetensors writer (this folder)

TRAIN_COUNT = 60_000
PREDICT_CALLS = 2_000
PREDICT_WARMUP = 200


def load_mnist(folder):
    def images(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).astype(np.int64))

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def lenet5():
    """LeNet-5 as NetGen declares it; the module numbering is the one NetGen's safetensors names use."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


class Residual(nn.Module):
    """y = body(x) + shortcut(x); the identity without a shortcut (no `shortcut` module, so no state_dict entries)."""

    def __init__(self, body, shortcut=None):
        super().__init__()
        self.body = body
        if shortcut is not None:
            self.shortcut = shortcut

    def forward(self, x):
        return self.body(x) + (self.shortcut(x) if hasattr(self, "shortcut") else x)


def resnet():
    """The small residual network as NetGen declares it; the module numbering is the one NetGen's safetensors names use."""
    def block(cin, cout, stride=1):
        return nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout))

    return nn.Sequential(
        nn.Conv2d(1, 24, 3, padding=1, bias=False), nn.BatchNorm2d(24), nn.ReLU(), nn.MaxPool2d(2),  # 0-3
        Residual(block(24, 24)), nn.ReLU(),  # 4, 5
        Residual(block(24, 48, stride=2), nn.Sequential(nn.Conv2d(24, 48, 1, stride=2, bias=False), nn.BatchNorm2d(48))),  # 6
        nn.ReLU(),  # 7
        Residual(block(48, 48)), nn.ReLU(),  # 8, 9
        nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()),  # 10
        nn.Linear(48, 10))  # 11


NETS = {"LeNet5": lenet5, "ResNet": resnet}
FILES = {"LeNet5": "lenet5", "ResNet": "resnet"}  # DIR/<stem>.safetensors, DIR/<stem>.probs.txt


def optimizer(net, model, batch):
    if net == "ResNet":
        return torch.optim.SGD(model.parameters(), lr=0.01 if batch == 1 else 0.05, momentum=0.9, nesterov=True,
                               weight_decay=5e-4)
    return torch.optim.SGD(model.parameters(), lr=0.01 if batch == 1 else 0.1)  # plain SGD: no momentum, no weight decay


def shuffled(data):
    train_x, train_y, _, _ = data
    perm = torch.randperm(TRAIN_COUNT, generator=torch.Generator().manual_seed(0))
    return train_x[perm].contiguous(), train_y[perm].contiguous()


def train(net, model, x, y, batch, samples, warmup=True):
    opt = optimizer(net, model, batch)
    model.train()  # dropout active, batch statistics

    def step(start):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x[start:start + batch]), y[start:start + batch])
        loss.backward()
        opt.step()
        return loss

    if warmup:  # images the timed run does not use
        for start in range(TRAIN_COUNT - 4 * batch, TRAIN_COUNT, batch):
            step(start)
    loss = None
    t0 = time.perf_counter()
    for start in range(0, samples - batch + 1, batch):
        loss = step(start)
    seconds = time.perf_counter() - t0
    return seconds, (loss.item() if loss is not None else float("nan"))


def accuracy(model, data):
    _, _, test_x, test_y = data
    with torch.no_grad():
        correct = sum((model(test_x[s:s + 1000]).argmax(1) == test_y[s:s + 1000]).sum().item()
                      for s in range(0, test_x.shape[0], 1000))
    return 100.0 * correct / test_x.shape[0]


def measure(net, batch, threads, samples, data):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = NETS[net]()
    x, y = shuffled(data)
    seconds, loss = train(net, model, x, y, batch, samples)
    per_sample = seconds * 1e6 / (samples // batch * batch)

    model.eval()  # dropout off, running statistics
    acc = accuracy(model, data)
    test_x = data[2]
    tests = test_x.shape[0]
    latencies = []
    clock = time.perf_counter_ns
    with torch.no_grad():
        for i in range(-PREDICT_WARMUP, PREDICT_CALLS):
            j = (i + PREDICT_WARMUP) % tests  # the test images in order, as the NetGen runner does
            t0 = clock()
            torch.softmax(model(test_x[j:j + 1]), 1)
            if i >= 0:
                latencies.append(clock() - t0)
    latencies.sort()
    median = latencies[len(latencies) // 2] / 1000.0
    p99 = latencies[int(len(latencies) * 0.99)] / 1000.0
    return (f"peer=PyTorch net={net} batch={batch} threads={threads} samples={samples} last_loss={loss:.3f} "
            f"us_per_sample={per_sample:.2f} epoch_s={per_sample * TRAIN_COUNT / 1e6:.3f} "
            f"samples_per_s={1e6 / per_sample:.0f} test_acc={acc:.2f} "
            f"predict_median_us={median:.2f} predict_p99_us={p99:.2f} train_alloc_bytes=na predict_alloc_bytes=na")


def export_weights(net, folder, samples, data):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = NETS[net]()
    x, y = shuffled(data)
    train(net, model, x, y, 32, samples, warmup=False)
    model.eval()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, FILES[net] + ".safetensors")
    save_safetensors(path, model.state_dict())  # nn.Sequential names: NetGen's own (ResNet: BatchNorm2d's buffers too)
    with torch.no_grad():
        probs = torch.softmax(model(data[2][:100]), 1)
    # PyTorch's probabilities for the first 100 test images: the ONNX Runtime peer reports its largest difference.
    np.savetxt(os.path.join(folder, FILES[net] + ".probs.txt"), probs.numpy(), fmt="%.9g")
    print(f"wrote {path} (PyTorch test accuracy {accuracy(model, data):.2f} %)", file=sys.stderr)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nets", default="LeNet5")
    p.add_argument("--batches", default="1,32")
    p.add_argument("--threads", default="1")
    p.add_argument("--samples", type=int, default=6000)
    p.add_argument("--data", default=os.path.join(here, "..", "..", "data", "mnist"))
    p.add_argument("--export-weights", metavar="DIR",
                   help="train each net of --nets on N images (batch 32), write DIR/lenet5.* or DIR/resnet.*, exit")
    args = p.parse_args()
    nets = args.nets.split(",")
    for net in nets:
        if net not in NETS:
            raise SystemExit(f"--nets takes {','.join(NETS)}, not {net}")
    torch.set_num_interop_threads(1)
    data = load_mnist(args.data)
    if args.export_weights:
        for net in nets:
            export_weights(net, args.export_weights, args.samples, data)
        return 0
    for net in nets:
        for threads in (int(t) for t in args.threads.split(",")):
            for batch in (int(b) for b in args.batches.split(",")):
                if not 1 <= batch <= args.samples:
                    raise SystemExit(f"batch {batch} needs 1 <= batch <= --samples ({args.samples})")
                print(measure(net, batch, threads, args.samples, data), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
