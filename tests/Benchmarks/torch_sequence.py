#!/usr/bin/python3
"""PyTorch peer of the NetGen recurrent comparison (`NetGen.Benchmarks sequence`, tests/Benchmarks/compare.sh --sequence).

Row-MNIST: each 28x28 image read as 28 steps of 28 pixels. LSTM = nn.LSTM(28, 128, batch_first=True) and
GRU = nn.GRU(28, 128, batch_first=True), the last step's hidden state into nn.Linear(128, 10); softmax
cross-entropy (mean over the batch), float32, PyTorch's default initialization, plain SGD (batch 1 lr 0.01,
batch 32 lr 0.1) over the first N training images of a fixed seeded order; data pre-loaded as one tensor and
sliced by index. Four warm-up batches from the end of the shuffled set (images the timed run does not use),
then the timed run; epoch_s is the 60,000-image epoch the timed µs/sample implies. Single-sample predict
latency (softmax probabilities, median and p99 over 2,000 calls after 200 warm-up calls, under
torch.no_grad() with model.eval()).

STREAM = nn.LSTMCell(1, 32) + nn.Linear(32, 1), called once per step under torch.no_grad() on a sine
(the inputs pre-built as one tensor and indexed), 200,000 timed steps after 20,000 warm-up steps: per-step
median (minus the timer's own median cost) and p99, and the mean over a second, untimed-per-step run.

TCN = the TCN of samples/AddingProblem (Conv1d 2->12 k=1, seven residual causal Conv1d 12->12 k=8 with dilations
1-64, Linear(12, 1) on the last step) streamed one step per call with a ring of past inputs per convolution
(CachedTcn, checked against the full causal convolution first); timed as STREAM.

Prints one line per configuration, like the NetGen runner:
  peer=PyTorch net=LSTM batch=1 threads=1 samples=N last_loss=... us_per_sample=... epoch_s=...
  predict_median_us=... predict_p99_us=... train_alloc_bytes=na predict_alloc_bytes=na
  peer=PyTorch net=STREAM batch=1 threads=1 steps=200000 step_mean_ns=... step_median_ns=... step_p99_ns=... timer_ns=...
  step_alloc_bytes=na

--export-weights DIR trains the LSTM on N images at batch 32 and writes its weights to DIR/lstm.safetensors (with
NetGen's names: 0.weight_ih_l0 … for the LSTM, 1.weight, 1.bias for the Linear), which NetGen exports as
DIR/lstm.onnx with its own SaveOnnx (`NetGen.Benchmarks onnx`) for the ONNX Runtime peer, and DIR/lstm.probs.txt
(PyTorch's probabilities for the first 100 test images, which that peer checks).

Run it with Debian's /usr/bin/python3 (python3-torch); compare.sh preloads Debian's OpenBLAS.
"""
import argparse
import math
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
STREAM_STEPS = 200_000
STREAM_WARMUP = 20_000


def load_mnist(folder):
    def images(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).reshape(-1, 28, 28).astype(np.float32) / 255.0)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).astype(np.int64))

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


class RowNet(nn.Module):
    """nn.LSTM or nn.GRU over the 28 rows, the last hidden state into Linear(128, 10) (logits)."""

    def __init__(self, kind):
        super().__init__()
        self.rnn = (nn.LSTM if kind == "LSTM" else nn.GRU)(28, 128, batch_first=True)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1])


class RowTransformer(nn.Module):
    """The transformer of samples/SequenceMnist: Linear(28, 64) per row plus learned positions, two pre-norm
    nn.TransformerEncoderLayer(64, 4, 128, GELU, no dropout), LayerNorm, the mean over the rows, Linear(64, 10)."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(28, 64)
        self.pos = nn.Parameter(torch.randn(28, 64) * 0.02)
        self.blocks = nn.Sequential(*[nn.TransformerEncoderLayer(64, 4, 128, dropout=0.0, activation="gelu",
                                                                 batch_first=True, norm_first=True) for _ in range(2)])
        self.norm = nn.LayerNorm(64)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(self.norm(self.blocks(self.embed(x) + self.pos)).mean(dim=1))


def shuffled(data):
    train_x, train_y, _, _ = data
    perm = torch.randperm(TRAIN_COUNT, generator=torch.Generator().manual_seed(0))
    return train_x[perm].contiguous(), train_y[perm].contiguous()


def train(model, x, y, batch, samples, warmup=True):
    lr = 0.01 if batch == 1 else 0.1
    opt = torch.optim.SGD(model.parameters(), lr=lr)  # plain SGD: no momentum, no weight decay
    model.train()

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


def measure(kind, batch, threads, samples, data):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = RowTransformer() if kind == "TRANSFORMER" else RowNet(kind)
    x, y = shuffled(data)
    seconds, loss = train(model, x, y, batch, samples)
    per_sample = seconds * 1e6 / (samples // batch * batch)

    test_x = data[2]
    tests = test_x.shape[0]
    model.eval()
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
    return (f"peer=PyTorch net={kind} batch={batch} threads={threads} samples={samples} last_loss={loss:.3f} "
            f"us_per_sample={per_sample:.2f} epoch_s={per_sample * TRAIN_COUNT / 1e6:.3f} "
            f"predict_median_us={median:.2f} predict_p99_us={p99:.2f} train_alloc_bytes=na predict_alloc_bytes=na")


def time_steps(net, step, xs, steps, warmup):
    """Per-step latencies of step(x) over xs (warm-up steps first, untimed in the result), the timer's own cost, and the
    mean over a second run without per-step timing: the line every streaming peer prints."""
    clock = time.perf_counter_ns
    latencies = [0] * steps
    with torch.no_grad():
        for i in range(-warmup, steps):
            x = xs[i + warmup]
            t0 = clock()
            step(x)
            if i >= 0:
                latencies[i] = clock() - t0
        # The timer's own cost: the same pair of clock reads around nothing.
        empty = [0] * steps
        for i in range(steps):
            t0 = clock()
            empty[i] = clock() - t0
        t0 = clock()
        for i in range(steps):
            step(xs[warmup + i])
        mean = (clock() - t0) / steps
    latencies.sort()
    empty.sort()
    return (f"peer=PyTorch net={net} batch=1 threads={torch.get_num_threads()} steps={steps} step_mean_ns={mean:.1f} "
            f"step_median_ns={latencies[steps // 2] - empty[steps // 2]:.1f} "
            f"step_p99_ns={latencies[int(steps * 0.99)]:.1f} timer_ns={empty[steps // 2]:.1f} step_alloc_bytes=na")


def stream(threads, steps):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cell = nn.LSTMCell(1, 32)
    fc = nn.Linear(32, 1)
    cell.eval()
    fc.eval()
    warmup = steps // 10
    xs = torch.sin(torch.arange(-warmup, steps, dtype=torch.float32) * 0.01).reshape(-1, 1, 1)
    state = [torch.zeros(1, 32), torch.zeros(1, 32)]

    def step(x):
        state[0], state[1] = cell(x, (state[0], state[1]))
        return fc(state[0])

    return time_steps("STREAM", step, xs, steps, warmup)


class CachedTcn:
    """The TCN of samples/AddingProblem streamed as PyTorch would run it live: per causal convolution a ring of its last
    (k - 1)·d inputs ([H, C]) and the tap indices of every ring position precomputed, so a step is, per layer, an
    index_select, a cat and one addmv (no recomputation over the receptive field). Checked against the full causal
    convolution of the same weights on 64 steps before timing."""

    CHANNELS, KERNEL, DILATIONS = 12, 8, (1, 2, 4, 8, 16, 32, 64)

    def __init__(self):
        torch.manual_seed(0)
        c, k = self.CHANNELS, self.KERNEL
        self.first = nn.Conv1d(2, c, 1)
        self.blocks = [nn.Conv1d(c, c, k, dilation=d) for d in self.DILATIONS]
        self.fc = nn.Linear(c, 1)
        self.flat = [b.weight.detach().reshape(c, c * k) for b in self.blocks]  # [o, (c, k)], as the window below
        self.taps = []
        for d in self.DILATIONS:
            h = (k - 1) * d
            self.taps.append((torch.arange(h).reshape(-1, 1) + torch.arange(k - 1).reshape(1, -1) * d) % h)
        self.reset()

    def reset(self):
        self.rings = [torch.zeros((self.KERNEL - 1) * d, self.CHANNELS) for d in self.DILATIONS]
        self.slots = [0] * len(self.DILATIONS)

    def step(self, x):  # x: [2]
        h = torch.relu(torch.addmv(self.first.bias, self.first.weight[:, :, 0], x))
        for i, block in enumerate(self.blocks):
            ring, slot = self.rings[i], self.slots[i]
            window = torch.cat((ring.index_select(0, self.taps[i][slot]), h.unsqueeze(0))).t().reshape(-1)  # [(c, k)]
            ring[slot] = h
            self.slots[i] = slot + 1 if slot + 1 < ring.shape[0] else 0
            h = torch.relu(h + torch.relu(torch.addmv(block.bias, self.flat[i], window)))
        return self.fc(h)

    def full(self, xs):  # xs: [T, 2], the causal network over all steps at once: the last step's output
        h = torch.relu(self.first(xs.t().unsqueeze(0)))
        for d, block in zip(self.DILATIONS, self.blocks):
            h = torch.relu(h + torch.relu(block(F.pad(h, ((self.KERNEL - 1) * d, 0)))))
        return self.fc(h[0, :, -1])


def stream_tcn(threads, steps):
    torch.set_num_threads(threads)
    tcn = CachedTcn()
    warmup = steps // 10
    xs = torch.sin(torch.arange(-warmup, steps, dtype=torch.float32) * 0.01).reshape(-1, 1).expand(-1, 2).contiguous()
    with torch.no_grad():
        check = torch.rand(64, 2)
        for t in range(64):
            y = tcn.step(check[t])
        expected = tcn.full(check)
        if not torch.allclose(y, expected, atol=1e-4, rtol=1e-4):
            raise SystemExit(f"the cached TCN step disagrees with the full convolution: {y} vs {expected}")
    tcn.reset()
    return time_steps("TCN", tcn.step, xs, steps, warmup)


def export_weights(folder, samples, data):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = RowNet("LSTM")
    x, y = shuffled(data)
    train(model, x, y, 32, samples, warmup=False)
    model.eval()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "lstm.safetensors")
    # NetGen numbers the modules as an nn.Sequential would: the LSTM is module 0, the Linear module 1.
    save_safetensors(path, {("0." + k[4:] if k.startswith("rnn.") else "1." + k[3:]): v for k, v in model.state_dict().items()})
    with torch.no_grad():
        probs = torch.softmax(model(data[2]), 1)
        correct = (probs.argmax(1) == data[3]).sum().item()
    # PyTorch's probabilities for the first 100 test images: the ONNX Runtime peer reports its largest difference.
    np.savetxt(os.path.join(folder, "lstm.probs.txt"), probs[:100].numpy(), fmt="%.9g")
    print(f"wrote {path} (PyTorch test accuracy {100.0 * correct / data[2].shape[0]:.2f} %)", file=sys.stderr)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nets", default="LSTM,GRU,STREAM")
    p.add_argument("--batches", default="1,32")
    p.add_argument("--threads", default="1")
    p.add_argument("--samples", type=int, default=6000)
    p.add_argument("--stream-steps", type=int, default=STREAM_STEPS)
    p.add_argument("--data", default=os.path.join(here, "..", "..", "data", "mnist"))
    p.add_argument("--export-weights", metavar="DIR", help="train the LSTM on N images (batch 32), write DIR/lstm.safetensors, exit")
    args = p.parse_args()
    torch.set_num_interop_threads(1)
    nets = args.nets.split(",")
    # Row-MNIST only for the nets that read it (the streaming ones run on a sine).
    data = load_mnist(args.data) if args.export_weights or any(n in ("LSTM", "GRU", "TRANSFORMER") for n in nets) else None
    if args.export_weights:
        export_weights(args.export_weights, args.samples, data)
        return 0
    for net in nets:
        for threads in (int(t) for t in args.threads.split(",")):
            if net == "STREAM":
                print(stream(threads, args.stream_steps), flush=True)
                continue
            if net == "TCN":
                print(stream_tcn(threads, args.stream_steps), flush=True)
                continue
            if net not in ("LSTM", "GRU", "TRANSFORMER"):
                raise SystemExit(f"unknown net {net}")
            for batch in (int(b) for b in args.batches.split(",")):
                print(measure(net, batch, threads, args.samples, data), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
