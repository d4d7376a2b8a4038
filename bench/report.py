#!/usr/bin/env python3
"""Prints bench/run.sh's results as a table: our times against each peer's, as ratios.

Reads OUT_DIR/ours.jsonl (retouch-bench), OUT_DIR/peers.jsonl (peers.py) and
OUT_DIR/memory.jsonl (retouch-bench memory). Times are medians in ms; a ratio is the peer's
time over ours, so above 1 means Retouch is faster. "1t" is one thread, "Nt" N threads.
The first table is wall-clock time; the second is the CPU time of the single-thread runs,
which stays meaningful when other processes share the machine.

usage: report.py OUT_DIR
"""
import json
import sys
from pathlib import Path


def load(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.startswith("{")]


def fmt(value):
    return "-" if value is None else f"{value:.1f}"


def ratio(peer, ours):
    return "-" if peer is None or ours is None else f"{peer / ours:.2f}x"


def table(header, rows):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def main():
    out = Path(sys.argv[1])
    ours = load(out / "ours.jsonl")
    peers = load(out / "peers.jsonl")
    cores = max([m["threads"] for m in ours] + [1])

    def find(rows, op, threads, tool=None, key="median_ms"):
        for m in rows:
            if m["op"] == op and m["threads"] == threads and (tool is None or m.get("tool") == tool):
                return m.get(key)
        return None

    ops = list(dict.fromkeys([m["op"] for m in ours] + [m["op"] for m in peers]))
    sizes = {m["op"]: f'{m["input"]}->{m["output"]}' if m["input"] != m["output"] else m["input"]
             for m in ours + peers}

    header = ["operation", "size", "ours 1t", f"ours {cores}t", "Pillow", "libvips 1t", f"libvips {cores}t",
              "skimage", "Pillow/ours 1t", "vips/ours 1t", f"vips/ours {cores}t", "skimage/ours"]
    rows = []
    for op in ops:
        o1, on = find(ours, op, 1), find(ours, op, cores) if cores > 1 else None
        pil, v1 = find(peers, op, 1, "pillow"), find(peers, op, 1, "libvips")
        vn = find(peers, op, cores, "libvips") if cores > 1 else None
        sk = find(peers, op, 1, "scikit-image")
        rows.append([op, sizes[op], fmt(o1), fmt(on), fmt(pil), fmt(v1), fmt(vn), fmt(sk),
                     ratio(pil, o1), ratio(v1, o1), ratio(vn, on), ratio(sk, o1)])
    print("wall-clock medians (ms)")
    table(header, rows)

    header = ["operation", "size", "ours", "Pillow", "libvips", "skimage", "Pillow/ours", "vips/ours", "skimage/ours"]
    rows = []
    for op in ops:
        o, pil = find(ours, op, 1, key="cpu_ms"), find(peers, op, 1, "pillow", "cpu_ms")
        v, sk = find(peers, op, 1, "libvips", "cpu_ms"), find(peers, op, 1, "scikit-image", "cpu_ms")
        rows.append([op, sizes[op], fmt(o), fmt(pil), fmt(v), fmt(sk), ratio(pil, o), ratio(v, o), ratio(sk, o)])
    print()
    print("single-thread CPU-time medians (ms)")
    table(header, rows)

    memory_file = out / "memory.jsonl"
    if memory_file.exists():
        print()
        for m in load(memory_file):
            print(f'peak memory {m["op"]} {m["input"]} threads={m["threads"]}: '
                  f'{m["peak_over_baseline_bytes"] / 2**20:.1f} MiB over baseline, '
                  f'{m["input_plus_output_bytes"] / 2**20:.1f} MiB input+output buffers '
                  f'(ratio {m["ratio"]:.2f})')


if __name__ == "__main__":
    main()
