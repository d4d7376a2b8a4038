#!/usr/bin/env python3
"""Times the operations retouch-bench times, with Pillow and libvips (pyvips), in-process.

Prints one JSON line per measurement, in the harness's format plus a "tool" field.
libvips threads come from VIPS_CONCURRENCY, so bench/run.sh starts this once per thread count;
Pillow is single-threaded and is timed only with --pillow.

usage: peers.py DATA_DIR --runs N [--pillow] [--vips]
"""
import argparse
import io
import json
import os
import statistics
import time


def measure(tool, op, size_in, size_out, threads, runs, body):
    body()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"tool": tool, "op": op, "input": size_in, "output": size_out, "threads": threads,
                      "median_ms": statistics.median(times), "min_ms": min(times), "runs": runs}), flush=True)


def pillow_cases(data, runs):
    from PIL import Image
    small = Image.open(f"{data}/photo-1200x800.jpg"); small.load()
    large = Image.open(f"{data}/photo-2400x1600.jpg"); large.load()
    jpeg = open(f"{data}/photo-2400x1600.jpg", "rb").read()

    def decode():
        Image.open(io.BytesIO(jpeg)).load()

    def encode():
        large.save(io.BytesIO(), "JPEG", quality=90)

    measure("pillow", "decode-jpeg", "2400x1600", "2400x1600", 1, runs, decode)
    measure("pillow", "encode-jpeg-q90", "2400x1600", "2400x1600", 1, runs, encode)
    for op, image, factor in (("lanczos3-up2", small, 2), ("lanczos3-up4", small, 4), ("lanczos3-down2", large, 0.5)):
        w, h = int(image.width * factor), int(image.height * factor)
        measure("pillow", op, f"{image.width}x{image.height}", f"{w}x{h}", 1, runs,
                lambda image=image, w=w, h=h: image.resize((w, h), Image.LANCZOS))


def vips_cases(data, runs):
    import pyvips
    pyvips.cache_set_max(0)  # otherwise a repeated operation is answered from the cache
    threads = int(os.environ.get("VIPS_CONCURRENCY", "0")) or os.cpu_count()
    small = pyvips.Image.new_from_file(f"{data}/photo-1200x800.jpg").copy_memory()
    large = pyvips.Image.new_from_file(f"{data}/photo-2400x1600.jpg").copy_memory()
    jpeg = open(f"{data}/photo-2400x1600.jpg", "rb").read()

    def decode():
        pyvips.Image.new_from_buffer(jpeg, "").copy_memory()

    def encode():
        large.jpegsave_buffer(Q=90)

    measure("libvips", "decode-jpeg", "2400x1600", "2400x1600", threads, runs, decode)
    measure("libvips", "encode-jpeg-q90", "2400x1600", "2400x1600", threads, runs, encode)
    for op, image, factor in (("lanczos3-up2", small, 2), ("lanczos3-up4", small, 4), ("lanczos3-down2", large, 0.5)):
        size_out = f"{int(image.width * factor)}x{int(image.height * factor)}"
        measure("libvips", op, f"{image.width}x{image.height}", size_out, threads, runs,
                lambda image=image, factor=factor: image.resize(factor, kernel="lanczos3").write_to_memory())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--pillow", action="store_true")
    parser.add_argument("--vips", action="store_true")
    args = parser.parse_args()
    if args.pillow:
        pillow_cases(args.data, args.runs)
    if args.vips:
        vips_cases(args.data, args.runs)


if __name__ == "__main__":
    main()
