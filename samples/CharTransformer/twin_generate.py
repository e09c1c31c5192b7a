#!/usr/bin/python3
"""Times greedy generation with the PyTorch twin of CharModel, for the per-token comparison with NetGen's Step.

    /usr/bin/python3 samples/CharTransformer/twin_generate.py [--tokens 2000] [--threads 1]

The twin (the generated header's module, with the trained artifacts/char-transformer/model.safetensors) has no key/value
cache (nn.MultiheadAttention recomputes every step), so each token runs the model on the window so far (padded to the 64
positions its table has), sliding as TokenGeneration does (at 64 steps, start over on the last 32). Eval mode,
torch.no_grad, one thread by default.
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twin_train import T, load_twin  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--artifacts", default=os.path.join("artifacts", "char-transformer"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = load_twin(os.path.join(args.artifacts, "model.safetensors"))
    model.eval()
    text = [52, 73, 70, 1]  # "The "
    window = list(text)

    def run(count):
        nonlocal window
        with torch.no_grad():
            for _ in range(count):
                if len(window) > T:
                    window = window[-(T // 2) - 1:]
                # The twin's positions are a table of T rows: run the window padded to T (causal, so the padding after the
                # last step cannot change it) and read that step's output.
                x = torch.zeros(1, T, 1)
                x[0, :len(window), 0] = torch.tensor(window, dtype=torch.float32)
                z = model(x)
                window.append(int(z[0, len(window) - 1].argmax()))

    run(200)  # warm up
    start = time.perf_counter()
    run(args.tokens)
    seconds = time.perf_counter() - start
    print("peer=PyTorch generation tokens=%d threads=%d us_per_token=%.2f tokens_per_s=%.0f" % (
        args.tokens, args.threads, seconds * 1e6 / args.tokens, args.tokens / seconds))


if __name__ == "__main__":
    main()
