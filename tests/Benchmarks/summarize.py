#!/usr/bin/env python3
"""Markdown table of medians from the key=value lines written by compare.sh (standard library only).

Usage: summarize.py RESULTS.txt

Rows: one per (peer[/api], net, batch, threads, mode), medians over the rounds. Ratio columns compare
NetGen with that row measured in the same run (x > 1: NetGen is faster):
  epoch x   = NetGen samples/s (same net and batch, 1 thread) / row samples/s
  predict x = row predict median / NetGen predict median (same net, median over all NetGen lines)
NetGen has no multi-threaded mode yet: 2-thread peer rows are compared with NetGen on 1 thread.
"""
import statistics
import sys
from collections import defaultdict

PEER_ORDER = {"NetGen": 0, "PyTorch": 1, "TorchSharp": 2, "OnnxRuntime": 3}


def parse(path):
    rows = []
    with open(path) as f:
        for line in f:
            if not line.startswith("peer="):
                continue
            rows.append(dict(kv.split("=", 1) for kv in line.split() if "=" in kv))
    return rows


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def median(rows, key):
    values = [v for v in (number(r.get(key)) for r in rows) if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def main(path):
    rows = parse(path)
    groups = defaultdict(list)
    for r in rows:
        peer = r["peer"] + ("/" + r["api"] if "api" in r else "")
        key = (peer, r["net"], int(r["batch"]), int(r["threads"]), r.get("mode", "epoch"))
        groups[key].append(r)

    netgen_speed = {}
    netgen_predict = {}
    for net in {k[1] for k in groups}:
        for (peer, n, batch, threads, mode), g in groups.items():
            if peer == "NetGen" and n == net and mode == "epoch":
                netgen_speed[(net, batch, threads)] = median(g, "samples_per_s")
        netgen_predict[net] = median([r for r in rows if r["peer"] == "NetGen" and r["net"] == net], "predict_median_us")

    print("| peer | net | batch | threads | runs | epoch s | samples/s | test acc % | predict median µs | "
          "predict p99 µs | train alloc B | predict alloc B/call | NetGen epoch x | NetGen predict x |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(groups, key=lambda k: (k[1], k[4] != "epoch", k[2], k[3], PEER_ORDER.get(k[0].split("/")[0], 9), k[0])):
        peer, net, batch, threads, mode = key
        g = groups[key]
        speed = median(g, "samples_per_s") if mode != "predict" else None  # predict rows: latency only
        pm = median(g, "predict_median_us")
        alloc = median(g, "predict_alloc_bytes")
        epoch_x = predict_x = None
        if peer != "NetGen":
            # Against NetGen with the same number of threads where it has that mode (mini-batches), else 1 thread.
            ours = netgen_speed.get((net, batch, threads)) or netgen_speed.get((net, batch, 1))
            if mode == "epoch" and ours and speed:
                epoch_x = ours / speed
            if mode != "infer" and pm and netgen_predict.get(net):
                predict_x = pm / netgen_predict[net]
        label = peer + (f" ({mode})" if mode != "epoch" else "")
        print(f"| {label} | {net} | {batch} | {threads} | {len(g)} | {fmt(median(g, 'epoch_s'), 3)} | {fmt(speed)} | "
              f"{fmt(median(g, 'test_acc'), 2)} | {fmt(pm, 2)} | {fmt(median(g, 'predict_p99_us'), 2)} | "
              f"{fmt(median(g, 'train_alloc_bytes'))} | {fmt(alloc / 10_000 if alloc is not None else None, 1)} | "
              f"{fmt(epoch_x, 2)} | {fmt(predict_x, 2)} |")
    print()
    print("epoch x = NetGen samples/s (same thread count; batch 1 is single-threaded in NetGen) / peer samples/s; "
          "predict x = peer predict median / NetGen predict median; both from the same run (x > 1: NetGen faster). "
          "NetGen's 2 threads are TrainingThreads = 2 (deterministic data-parallel mini-batches). Predict allocations are over 10,000 calls, shown per call; PyTorch's are not measurable (na). "
          "OnnxRuntime (infer) rows: batched inference of the test set on 1 thread, samples/s.")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1]))
