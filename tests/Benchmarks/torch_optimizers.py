#!/usr/bin/python3
"""PyTorch peer of the optimizer comparison (tests/Benchmarks/compare.sh --optimizers; NetGen's side is
tests/NetGen.Benchmarks/Optimizers.cs, SmallNetworks.cs and FirstUse.cs).

Optimizers, torch.optim with its defaults but the learning rate (the same for NetGen):
  Sgd      SGD(lr=0.1)
  Momentum SGD(lr=0.01, momentum=0.9)
  Nesterov SGD(lr=0.01, momentum=0.9, nesterov=True)
  Adam     Adam(lr=0.001)                       betas (0.9, 0.999), eps 1e-8, weight_decay 0
  AdamW    AdamW(lr=0.001)                      weight_decay 0.01

--case mnist: net B (784-128-64-10) as torch_epoch.py builds it (He-uniform init, seed 0), one epoch over the 60,000
  MNIST training images in the same seeded order (torch_epoch.py's protocol), per optimizer and batch, 1 thread;
  epoch seconds and test accuracy.
--case small: 64-100-10 (ReLU, softmax cross-entropy) on DIR/digits.* and 30-32-1 (ReLU, then a sigmoid head:
  BCEWithLogitsLoss) on DIR/binary.*, the files `NetGen.Benchmarks smalldata --out DIR` writes; batch 32, --passes
  passes over the data in its stored order after an untimed warm-up (--warmup-s) on a throwaway network.
--case firstuse: a fresh process's first training step (batch 32, random inputs) and first single prediction; with
  --launched-unix-ns, the time from the launcher's clock to the end of that step (the interpreter's start and
  `import torch` included).

Prints key=value lines: peer=PyTorch case=... net=... optimizer=... batch=... threads=1 ...
Run it with Debian's /usr/bin/python3 (python3-torch); compare.sh preloads Debian's OpenBLAS.
"""
import time

START_NS = time.time_ns()  # before `import torch`: the first-use case reports it

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_epoch import TRAIN_COUNT, load_mnist, make_net

ALL = "Sgd,Momentum,Nesterov,Adam,AdamW"
RATES = {"Sgd": 0.1, "Momentum": 0.01, "Nesterov": 0.01, "Adam": 0.001, "AdamW": 0.001}
NETB_WEIGHTS = 784 * 128 + 128 * 64 + 64 * 10
SMALL = {"Digits": ("digits", [64, 100, 10]), "Binary": ("binary", [30, 32, 1])}


def make_optimizer(name, params):
    if name not in RATES:
        raise SystemExit(f"unknown optimizer '{name}': expected one of {ALL}")
    lr = RATES[name]
    if name == "Sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "Momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "Nesterov":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
    if name == "Adam":
        return torch.optim.Adam(params, lr=lr)
    return torch.optim.AdamW(params, lr=lr)  # weight_decay=0.01, PyTorch's default and NetGen's


def mnist(args):
    train_x, train_y, test_x, test_y = load_mnist(args.data)
    perm = torch.randperm(TRAIN_COUNT, generator=torch.Generator().manual_seed(0))
    x = train_x[perm].contiguous()
    y = train_y[perm].contiguous()
    for optimizer in args.optimizers.split(","):
        for batch in (int(b) for b in args.batches.split(",")):
            model = make_net("B", seed=0)
            opt = make_optimizer(optimizer, model.parameters())
            model.train()
            t0 = time.perf_counter()
            for start in range(0, TRAIN_COUNT, batch):
                opt.zero_grad(set_to_none=True)
                F.cross_entropy(model(x[start:start + batch]), y[start:start + batch]).backward()
                opt.step()
            seconds = time.perf_counter() - t0
            model.eval()
            with torch.no_grad():
                correct = (model(test_x).argmax(1) == test_y).sum().item()
            print(f"peer=PyTorch case=mnist net=B optimizer={optimizer} batch={batch} threads=1 epoch_s={seconds:.3f} "
                  f"us_per_example={seconds * 1e6 / TRAIN_COUNT:.3f} samples_per_s={TRAIN_COUNT / seconds:.0f} "
                  f"weights={NETB_WEIGHTS} test_acc={100.0 * correct / test_x.shape[0]:.2f} "
                  f"steps={(TRAIN_COUNT + batch - 1) // batch} train_alloc_bytes=na steady_alloc_bytes=na", flush=True)


def small_net(sizes, seed):
    """Linear/ReLU/.../Linear, initialized as NetGen does: He uniform before a ReLU, Glorot uniform before the head."""
    torch.manual_seed(seed)
    layers = []
    for i in range(len(sizes) - 1):
        linear = nn.Linear(sizes[i], sizes[i + 1])
        if i < len(sizes) - 2:
            nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu")
        else:
            nn.init.xavier_uniform_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def read_small(folder, stem, features, labels):
    def read(name, dtype):
        path = os.path.join(folder, name)
        data = np.fromfile(path, dtype=dtype)
        if data.size == 0:
            raise SystemExit(f"{path}: empty, expected {dtype} values")
        return data

    x = read(f"{stem}.x.f32", "<f4")
    if x.size % features:
        raise SystemExit(f"{stem}.x.f32: {x.size} values, expected a multiple of {features}")
    n = x.size // features
    y = read(f"{stem}.y.i32" if labels else f"{stem}.y.f32", "<i4" if labels else "<f4")
    if y.size != n:
        raise SystemExit(f"{stem}.y: {y.size} values, expected {n} (one per example of {stem}.x.f32)")
    x = torch.from_numpy(x.reshape(n, features).copy())
    y = torch.from_numpy(y.astype(np.int64) if labels else y.reshape(n, 1).copy())
    return x, y


def small(args):
    if not args.small_data:
        raise SystemExit("--case small needs --small-data DIR (written by `NetGen.Benchmarks smalldata --out DIR`)")
    for net in args.nets.split(","):
        if net not in SMALL:
            raise SystemExit(f"unknown small net '{net}': expected Digits or Binary")
        stem, sizes = SMALL[net]
        binary = sizes[-1] == 1
        x, y = read_small(args.small_data, stem, sizes[0], labels=not binary)
        loss_fn = F.binary_cross_entropy_with_logits if binary else F.cross_entropy
        n = x.shape[0]
        weights = sum(sizes[i] * sizes[i + 1] for i in range(len(sizes) - 1))
        for optimizer in args.optimizers.split(","):
            for batch in (int(b) for b in args.batches.split(",")):
                def one_pass(model, opt, track=False):
                    total = 0.0
                    for start in range(0, n, batch):
                        opt.zero_grad(set_to_none=True)
                        xb, yb = x[start:start + batch], y[start:start + batch]
                        loss = loss_fn(model(xb), yb)
                        loss.backward()
                        opt.step()
                        if track:  # the last pass only: .item() is not part of the other passes' work
                            total += loss.item() * xb.shape[0]
                    return total / n

                warm = small_net(sizes, seed=1)
                warm_opt = make_optimizer(optimizer, warm.parameters())
                t0 = time.perf_counter()
                while True:
                    one_pass(warm, warm_opt)
                    if time.perf_counter() - t0 >= args.warmup_s:
                        break
                model = small_net(sizes, seed=0)
                opt = make_optimizer(optimizer, model.parameters())
                model.train()
                t0 = time.perf_counter()
                for p in range(args.passes):
                    last_loss = one_pass(model, opt, track=p == args.passes - 1)
                seconds = time.perf_counter() - t0
                with torch.no_grad():
                    out = model(x)
                    correct = ((out >= 0) == (y >= 0.5)).sum().item() if binary else (out.argmax(1) == y).sum().item()
                us = seconds * 1e6 / (args.passes * n)
                print(f"peer=PyTorch case=small net={net} optimizer={optimizer} batch={batch} threads=1 examples={n} "
                      f"features={sizes[0]} passes={args.passes} seconds={seconds:.4f} us_per_example={us:.4f} "
                      f"weights={weights} flops_per_example={6 * weights} gflops={6.0 * weights / (us * 1e3):.3f} "
                      f"last_loss={last_loss:.4f} train_acc={100.0 * correct / n:.2f} train_alloc_bytes=na "
                      f"steady_alloc_bytes=na", flush=True)


def first_use(args):
    sizes = {"Digits": [64, 100, 10], "B": [784, 128, 64, 10]}.get(args.net)
    if sizes is None:
        raise SystemExit(f"unknown net '{args.net}': expected Digits or B")
    gen = torch.Generator().manual_seed(1)
    x = torch.rand(32, sizes[0], generator=gen)
    y = torch.randint(0, sizes[-1], (32,), generator=gen)
    t0 = time.perf_counter_ns()
    model = small_net(sizes, seed=0)
    opt = make_optimizer(args.optimizer, model.parameters())
    t1 = time.perf_counter_ns()
    opt.zero_grad(set_to_none=True)
    F.cross_entropy(model(x), y).backward()
    opt.step()
    t2 = time.perf_counter_ns()
    step_end_ns = time.time_ns()
    with torch.no_grad():
        torch.softmax(model(x[:1]), 1)
    t3 = time.perf_counter_ns()
    launched = (f"{(step_end_ns - args.launched_unix_ns) / 1e6:.1f}" if args.launched_unix_ns else "na")
    print(f"peer=PyTorch case=firstuse net={args.net} optimizer={args.optimizer} batch=32 threads=1 first=train "
          f"ctor_ms={(t1 - t0) / 1e6:.2f} train_ms={(t2 - t1) / 1e6:.2f} predict_ms={(t3 - t2) / 1e6:.2f} "
          f"script_to_first_step_ms={(step_end_ns - START_NS) / 1e6:.1f} launch_to_first_step_ms={launched}", flush=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--case", choices=["mnist", "small", "firstuse"], default="mnist")
    p.add_argument("--optimizers", default=ALL)
    p.add_argument("--batches", default=None, help="mnist: 32,128; small: 32")
    p.add_argument("--nets", default="Digits,Binary", help="small: Digits,Binary")
    p.add_argument("--passes", type=int, default=50)
    p.add_argument("--warmup-s", type=float, default=0.5)
    p.add_argument("--small-data", metavar="DIR")
    p.add_argument("--net", default="Digits", help="firstuse: Digits or B")
    p.add_argument("--optimizer", default="Sgd", help="firstuse: the optimizer")
    p.add_argument("--launched-unix-ns", type=int, default=0)
    p.add_argument("--data", default=os.path.join(here, "..", "..", "data", "mnist"))
    args = p.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    if args.case == "firstuse":
        first_use(args)
    elif args.case == "small":
        args.batches = args.batches or "32"
        small(args)
    else:
        args.batches = args.batches or "32,128"
        mnist(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
