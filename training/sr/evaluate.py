#!/usr/bin/env python3
"""Quick evaluation of an exported model with Python onnxruntime on bench/sr's photos and
protocol (bench.py's own fetch, degradation and PSNR/SSIM-Y code, imported, not copied):
bicubic and Lanczos baselines, the model, and CPU seconds per output megapixel on one thread.
bench/sr/run.sh gives the full table through Retouch's Swift runtime; this needs no Swift build.

usage: evaluate.py MODEL.onnx SCALE [--padding 8]
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench/sr"))
import bench  # noqa: E402


def upscale(session, lr, padding):
    img = np.pad(np.asarray(lr.convert("RGB")), ((padding, padding), (padding, padding), (0, 0)), mode="reflect")
    x = (img.astype(np.float32) / 255).transpose(2, 0, 1)[None].copy()
    start = time.process_time()
    y = session.run(None, {"input": x})[0][0]
    seconds = time.process_time() - start
    s = y.shape[1] // img.shape[0]
    y = y[:, padding * s:y.shape[1] - padding * s, padding * s:y.shape[2] - padding * s]
    return Image.fromarray(np.clip(np.rint(y.transpose(1, 2, 0) * 255), 0, 255).astype(np.uint8)), seconds


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("scale", type=int)
    p.add_argument("--padding", type=int, default=8)
    args = p.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    pairs = bench.prepare(bench.fetch_photos())
    rows = {"bicubic": [], "lanczos": [], Path(args.model).stem: []}
    seconds = megapixels = 0.0
    for photo in bench.PHOTOS:
        hr, lr_path = pairs[(photo, args.scale)]
        lr = Image.open(lr_path)
        rows["bicubic"].append(bench.quality(hr, lr.resize(hr.size, Image.BICUBIC), args.scale))
        rows["lanczos"].append(bench.quality(hr, lr.resize(hr.size, Image.LANCZOS), args.scale))
        upscale(session, lr, args.padding)  # warm-up
        sr, s = upscale(session, lr, args.padding)
        seconds += s
        megapixels += sr.width * sr.height / 1e6
        rows[Path(args.model).stem].append(bench.quality(hr, sr, args.scale))
    print(f"{args.scale}x on {', '.join(bench.PHOTOS)} (bicubic-degraded; PSNR/SSIM-Y, border {args.scale} cropped)")
    for name, scores in rows.items():
        print(f"  {name:<22} PSNR-Y {np.mean([s[0] for s in scores]):6.2f}  SSIM-Y {np.mean([s[1] for s in scores]):.4f}"
              f"  per photo {' '.join(f'{s[0]:.2f}' for s in scores)}")
    print(f"  model: {seconds / megapixels:.3f} CPU s per output MP (Python onnxruntime, 1 thread, untiled)")


if __name__ == "__main__":
    main()
