#!/usr/bin/env python3
"""Times the operations retouch-bench times, in-process, with the tools a user would
otherwise pick: Pillow and libvips (pyvips) for codecs and resampling, scikit-image for
PSNR/SSIM.

Prints one JSON line per measurement, in the harness's format plus a "tool" field.
libvips threads come from VIPS_CONCURRENCY, so bench/run.sh starts this once per thread count;
Pillow and scikit-image are single-threaded.

usage: peers.py DATA_DIR --runs N [--pillow] [--vips] [--skimage]
"""
import argparse
import io
import json
import os
import statistics
import time


def measure(tool, op, size_in, size_out, threads, runs, body):
    body()
    times, cpu = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        body()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    print(json.dumps({"tool": tool, "op": op, "input": size_in, "output": size_out, "threads": threads,
                      "median_ms": statistics.median(times), "min_ms": min(times),
                      "cpu_ms": statistics.median(cpu), "runs": runs}), flush=True)


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


def skimage_cases(data, runs):
    import numpy as np
    from PIL import Image
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity
    small = Image.open(f"{data}/photo-1200x800.jpg").convert("RGB")
    half = small.resize((small.width // 2, small.height // 2), Image.LANCZOS)
    a = np.asarray(small)
    b = np.asarray(half.resize(small.size, Image.LANCZOS))
    size = f"{small.width}x{small.height}"

    def luma(image):
        rgb = image.astype(np.float64)
        return 16 + (65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]) / 255

    def ssim(x, y, channel_axis):
        return structural_similarity(x, y, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                     data_range=255, channel_axis=channel_axis)

    # Y is computed inside the timed call, as retouch computes it inside Metrics.
    measure("scikit-image", "psnr-rgb", size, size, 1, runs, lambda: peak_signal_noise_ratio(a, b, data_range=255))
    measure("scikit-image", "psnr-y", size, size, 1, runs,
            lambda: peak_signal_noise_ratio(luma(a), luma(b), data_range=255))
    measure("scikit-image", "ssim-rgb", size, size, 1, runs, lambda: ssim(a, b, -1))
    measure("scikit-image", "ssim-y", size, size, 1, runs, lambda: ssim(luma(a), luma(b), None))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--pillow", action="store_true")
    parser.add_argument("--vips", action="store_true")
    parser.add_argument("--skimage", action="store_true")
    args = parser.parse_args()
    if args.pillow:
        pillow_cases(args.data, args.runs)
    if args.vips:
        vips_cases(args.data, args.runs)
    if args.skimage:
        skimage_cases(args.data, args.runs)


if __name__ == "__main__":
    main()
