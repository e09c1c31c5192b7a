#!/usr/bin/env python3
"""Markdown table of medians from the key=value lines written by compare.sh (standard library only).

Usage: summarize.py RESULTS.txt              (the MNIST epoch protocol)
       summarize.py --sequence RESULTS.txt   (the recurrent comparison: compare.sh --sequence)
       summarize.py --cnn RESULTS.txt        (the convolutional comparison, LeNet-5: compare.sh --cnn)

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


def ratio(theirs, ours):
    return theirs / ours if theirs and ours else None


def per_call(rows, key, count_key=None, count=None):
    """Median of key / calls: the runners print totals over count_key (or a fixed count of) calls."""
    values = []
    for r in rows:
        total, n = number(r.get(key)), number(r.get(count_key)) if count_key else count
        if total is not None and n:
            values.append(total / n)
    return statistics.median(values) if values else None


SEQUENCE_PREDICT_CALLS = 2_000


def main_sequence(path):
    """Recurrent comparison: training µs/sample per (net, batch), single predict per net, streaming step.
    Ratios are peer time / NetGen time from the same run (x > 1: NetGen faster)."""
    rows = parse(path)

    def peer_of(r):
        return r["peer"] + ("/" + r["api"] if "api" in r else "")

    def order(peer):
        return (PEER_ORDER.get(peer.split("/")[0], 9), peer)

    train = defaultdict(list)
    predict = defaultdict(list)
    stream = defaultdict(list)
    for r in rows:
        if r["net"] == "STREAM":
            stream[peer_of(r)].append(r)
            continue
        if r.get("mode") != "predict":
            train[(r["net"], int(r["batch"]), peer_of(r))].append(r)
        predict[(r["net"], peer_of(r))].append(r)

    print("### Training (1 thread; the first N images of a seeded order; epoch s = 60,000 × µs/sample)")
    print()
    print("| net | batch | peer | runs | N | µs/sample | epoch s | last loss | train alloc B | peer / NetGen |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(train, key=lambda k: (k[0] != "LSTM", k[0], k[1], order(k[2]))):
        net, batch, peer = key
        g = train[key]
        us = median(g, "us_per_sample")
        ours = median(train.get((net, batch, "NetGen"), []), "us_per_sample")
        x = ratio(us, ours) if peer != "NetGen" else None
        print(f"| {net} | {batch} | {peer} | {len(g)} | {fmt(median(g, 'samples'))} | {fmt(us, 2)} | "
              f"{fmt(median(g, 'epoch_s'), 1)} | {fmt(median(g, 'last_loss'), 3)} | {fmt(median(g, 'train_alloc_bytes'))} | "
              f"{fmt(x, 2)} |")
    print()
    print("### Single-sample predict (softmax probabilities; 2,000 calls after 200 warm-up calls, medians over all runs)")
    print()
    print("| net | peer | runs | median µs | p99 µs | alloc B/call | peer / NetGen |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for key in sorted(predict, key=lambda k: (k[0] != "LSTM", k[0], order(k[1]))):
        net, peer = key
        g = predict[key]
        pm = median(g, "predict_median_us")
        ours = median(predict.get((net, "NetGen"), []), "predict_median_us")
        x = ratio(pm, ours) if peer != "NetGen" else None
        print(f"| {net} | {peer} | {len(g)} | {fmt(pm, 2)} | {fmt(median(g, 'predict_p99_us'), 2)} | "
              f"{fmt(per_call(g, 'predict_alloc_bytes', count=SEQUENCE_PREDICT_CALLS), 1)} | {fmt(x, 2)} |")
    print()
    print("### Streaming step (LSTM(1→32) + Linear(32, 1), one step per call; median minus the timer's own cost)")
    print()
    print("| peer | runs | mean ns | median ns | p99 ns | timer ns | alloc B/step | peer / NetGen (median) | peer / NetGen (mean) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    ours_stream = stream.get("NetGen", [])
    for peer in sorted(stream, key=order):
        g = stream[peer]
        mean, med = median(g, "step_mean_ns"), median(g, "step_median_ns")
        xm = ratio(med, median(ours_stream, "step_median_ns")) if peer != "NetGen" else None
        xa = ratio(mean, median(ours_stream, "step_mean_ns")) if peer != "NetGen" else None
        print(f"| {peer} | {len(g)} | {fmt(mean, 1)} | {fmt(med, 1)} | {fmt(median(g, 'step_p99_ns'), 1)} | "
              f"{fmt(median(g, 'timer_ns'), 1)} | {fmt(per_call(g, 'step_alloc_bytes', 'steps'), 2)} | {fmt(xm, 2)} | {fmt(xa, 2)} |")
    print()

    # The targets, against PyTorch (and ONNX Runtime for the prediction).
    def train_x(net, batch):
        return ratio(median(train.get((net, batch, "PyTorch"), []), "us_per_sample"),
                     median(train.get((net, batch, "NetGen"), []), "us_per_sample"))

    def predict_x(net, peer):
        return ratio(median(predict.get((net, peer), []), "predict_median_us"),
                     median(predict.get((net, "NetGen"), []), "predict_median_us"))

    ort = [p for (n, p) in predict if n == "LSTM" and p.startswith("OnnxRuntime")]
    ort_x = min((predict_x("LSTM", p) for p in ort if predict_x("LSTM", p)), default=None)
    stream_ns = median(ours_stream, "step_median_ns")
    stream_x = ratio(median(stream.get("PyTorch", []), "step_median_ns"), stream_ns)

    def check(value, target):
        return "–" if value is None else ("met" if value >= target else "not met")

    print("### NetGen against the targets (PyTorch time / NetGen time)")
    print()
    print("| what | ratio | target | |")
    print("|---|---:|---:|---|")
    for net in ("LSTM", "GRU"):
        print(f"| {net} training, batch 1 | {fmt(train_x(net, 1), 2)} | ≥ 15 | {check(train_x(net, 1), 15)} |")
        print(f"| {net} training, batch 32 | {fmt(train_x(net, 32), 2)} | ≥ 3 | {check(train_x(net, 32), 3)} |")
    for net in ("LSTM", "GRU"):
        print(f"| {net} single predict | {fmt(predict_x(net, 'PyTorch'), 2)} | ≥ 10 | {check(predict_x(net, 'PyTorch'), 10)} |")
    print(f"| LSTM single predict vs ONNX Runtime (fastest API) | {fmt(ort_x, 2)} | > 1 | {check(ort_x, 1.000001)} |")
    print(f"| streaming step (median) | {fmt(stream_x, 2)} | ≥ 50 | {check(stream_x, 50)} |")
    ok = "–" if stream_ns is None else ("met" if stream_ns <= 300 else "not met")
    print(f"| streaming step, NetGen ns | {fmt(stream_ns, 1)} | ≤ 300 | {ok} |")
    allocs = [number(r.get(k)) for r in rows if r["peer"] == "NetGen"
              for k in ("train_alloc_bytes", "predict_alloc_bytes", "step_alloc_bytes") if k in r]
    zero = "–" if not allocs else ("met" if all(a == 0 for a in allocs if a is not None) else "not met")
    print(f"| NetGen bytes allocated (training, predict, step), max over runs | "
          f"{fmt(max((a for a in allocs if a is not None), default=None))} | 0 | {zero} |")
    return 0


CNN_PREDICT_CALLS = 2_000


def main_cnn(path):
    """Convolutional comparison (LeNet-5): training µs/sample per batch, single predict, NetGen against the targets.
    Ratios are peer time / NetGen time from the same run (x > 1: NetGen faster)."""
    rows = [r for r in parse(path) if r.get("net") == "LeNet5"]

    def peer_of(r):
        return r["peer"] + ("/" + r["api"] if "api" in r else "")

    def order(peer):
        return (PEER_ORDER.get(peer.split("/")[0], 9), peer)

    train = defaultdict(list)
    predict = defaultdict(list)
    for r in rows:
        if r.get("mode") != "predict":
            train[(int(r["batch"]), peer_of(r))].append(r)
        predict[peer_of(r)].append(r)

    print("### LeNet-5 training (1 thread; the first N images of a seeded order, dropout active; epoch s = 60,000 × µs/sample)")
    print()
    print("| batch | peer | runs | N | µs/sample | epoch s | samples/s | last loss | test acc % | train alloc B | peer / NetGen |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(train, key=lambda k: (k[0], order(k[1]))):
        batch, peer = key
        g = train[key]
        us = median(g, "us_per_sample")
        ours = median(train.get((batch, "NetGen"), []), "us_per_sample")
        x = ratio(us, ours) if peer != "NetGen" else None
        print(f"| {batch} | {peer} | {len(g)} | {fmt(median(g, 'samples'))} | {fmt(us, 2)} | {fmt(median(g, 'epoch_s'), 2)} | "
              f"{fmt(median(g, 'samples_per_s'))} | {fmt(median(g, 'last_loss'), 3)} | {fmt(median(g, 'test_acc'), 2)} | "
              f"{fmt(median(g, 'train_alloc_bytes'))} | {fmt(x, 2)} |")
    print()
    print("### LeNet-5 single-sample predict (softmax probabilities; 2,000 calls after 200 warm-up calls, medians over all runs)")
    print()
    print("| peer | runs | median µs | p99 µs | alloc B/call | max abs diff from PyTorch | peer / NetGen |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ours_predict = median(predict.get("NetGen", []), "predict_median_us")
    for peer in sorted(predict, key=order):
        g = predict[peer]
        pm = median(g, "predict_median_us")
        x = ratio(pm, ours_predict) if peer != "NetGen" else None
        diff = median(g, "max_abs_diff")
        print(f"| {peer} | {len(g)} | {fmt(pm, 2)} | {fmt(median(g, 'predict_p99_us'), 2)} | "
              f"{fmt(per_call(g, 'predict_alloc_bytes', count=CNN_PREDICT_CALLS), 1)} | "
              f"{'–' if diff is None else f'{diff:.2g}'} | {fmt(x, 2)} |")
    print()

    def train_x(batch):
        return ratio(median(train.get((batch, "PyTorch"), []), "us_per_sample"),
                     median(train.get((batch, "NetGen"), []), "us_per_sample"))

    def check(value, target):
        return "–" if value is None else ("met" if value >= target else "not met")

    predict_x = ratio(median(predict.get("PyTorch", []), "predict_median_us"), ours_predict)
    ort_x = min((x for x in (ratio(median(g, "predict_median_us"), ours_predict)
                             for p, g in predict.items() if p.startswith("OnnxRuntime")) if x), default=None)
    print("### NetGen against the targets (peer time / NetGen time)")
    print()
    print("| what | ratio | target | |")
    print("|---|---:|---:|---|")
    print(f"| LeNet-5 training, batch 1, vs PyTorch | {fmt(train_x(1), 2)} | ≥ 10 | {check(train_x(1), 10)} |")
    print(f"| LeNet-5 training, batch 32, vs PyTorch | {fmt(train_x(32), 2)} | ≥ 2 | {check(train_x(32), 2)} |")
    print(f"| LeNet-5 single predict vs PyTorch | {fmt(predict_x, 2)} | ≥ 10 | {check(predict_x, 10)} |")
    print(f"| LeNet-5 single predict vs ONNX Runtime (fastest API) | {fmt(ort_x, 2)} | > 1 | {check(ort_x, 1.000001)} |")
    allocs = [number(r.get(k)) for r in rows if r["peer"] == "NetGen"
              for k in ("train_alloc_bytes", "predict_alloc_bytes") if k in r]
    allocs = [a for a in allocs if a is not None]
    zero = "–" if not allocs else ("met" if all(a == 0 for a in allocs) else "not met")
    print(f"| NetGen bytes allocated (training, predict), max over runs | {fmt(max(allocs, default=None))} | 0 | {zero} |")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--sequence"] and len(args) == 2:
        sys.exit(main_sequence(args[1]))
    if args[:1] == ["--cnn"] and len(args) == 2:
        sys.exit(main_cnn(args[1]))
    if len(args) != 1:
        raise SystemExit(__doc__)
    sys.exit(main(args[0]))
