#!/usr/bin/env python3
"""Times `retouch process` on 800x600 photos at concurrency 1 and 2 and prints one table per
upscaler: images per second, the speed-up from 1 to 2, the share of images cleaned, and the
pipeline's overhead (the time not spent inside a step).

Two overhead figures are printed:
  in-image  - per image, its wall time minus the sum of its steps (scheduling, hand-offs);
  whole-run - at concurrency 1, the run's wall time minus the sum of all steps (adds process
              start, model loading, directory scan, ledger and report writing).
"""
import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT = 800, 600
# One per distinct network; waifu2x's denoise variants cost the same as waifu2x-photo.
NEURAL_DEFAULTS = ["waifu2x-photo", "realesr-animevideov3", "realesrgan-x4plus"]


def prepare_inputs(data: Path, count: int, name: str) -> Path:
    """The first `count` generator images (clean and overlay alternate), cropped to 800x600."""
    out = data / name
    sources = sorted((data / "overlays/images").glob("*.jpg"))[:count]
    if out.exists() and len(list(out.glob("*.jpg"))) == len(sources):
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for path in sources:
        image = Image.open(path).convert("RGB")
        scale = max(WIDTH / image.width, HEIGHT / image.height)
        resized = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        left, top = (resized.width - WIDTH) // 2, (resized.height - HEIGHT) // 2
        resized.crop((left, top, left + WIDTH, top + HEIGHT)).save(out / path.name, "JPEG", quality=92)
    return out


def run_process(retouch: str, inputs: Path, out: Path, model: str, scale: int, concurrency: int) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([retouch, "process", str(inputs), "-o", str(out), "--upscale-model", model,
                    "--scale", str(scale), "--concurrency", str(concurrency)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    report = json.loads((out / "report.json").read_text())
    images = [r for r in report["images"] if r["status"] == "processed"]
    step_total = sum(s["seconds"] for r in images for s in r["steps"])
    per_step = {}
    for r in images:
        for s in r["steps"]:
            per_step[s["step"]] = per_step.get(s["step"], 0) + s["seconds"]
    return {
        "processed": len(images),
        "failed": report["summary"]["failed"],
        "cleaned": report["summary"]["cleaned"],
        "rejected": report["summary"]["rejected"],
        "throughput": len(images) / wall,
        "in_image_overhead": report["summary"]["overheadFraction"],
        "whole_run_overhead": max(0.0, (wall - step_total) / wall) if concurrency == 1 else None,
        "per_step": {k: v / max(1, len(images)) for k, v in per_step.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--retouch", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--images", type=int, default=24, help="images for the Lanczos runs")
    parser.add_argument("--neural-images", type=int, default=4, help="images for each neural model")
    parser.add_argument("--models", default="", help="comma-separated subset of the cases to run (default: lanczos3 and each installed network)")
    args = parser.parse_args()

    models = json.loads(subprocess.run([args.retouch, "models", "--json"], check=True, capture_output=True, text=True).stdout)
    cases = [("lanczos3", 2, args.images)]
    available = {e["name"]: e for e in models["upscalers"] if e["family"] == "neural" and e["available"]}
    for name in NEURAL_DEFAULTS:
        if name in available:
            scale = 2 if 2 in available[name]["scales"] else max(available[name]["scales"])
            cases.append((name, scale, args.neural_images))
    if args.models:
        wanted = args.models.split(",")
        cases = [c for c in cases if c[0] in wanted]

    rows = []
    for model, scale, count in cases:
        inputs = prepare_inputs(args.data, count, f"800x600-{count}")
        one = run_process(args.retouch, inputs, args.data / "out-1", model, scale, 1)
        two = run_process(args.retouch, inputs, args.data / "out-2", model, scale, 2)
        rows.append((model, scale, count, one, two))
        print(json.dumps({"model": model, "scale": scale, "images": count, "c1": one, "c2": two}), file=sys.stderr)

    print(f"{'upscaler':28} {'scale':>5} {'images':>6} {'cleaned':>7} {'img/s c1':>9} {'img/s c2':>9} "
          f"{'c2/c1':>6} {'ovh in-image':>12} {'ovh run':>8}")
    for model, scale, count, one, two in rows:
        print(f"{model:28} {scale:>5} {count:>6} {two['cleaned']:>7} {one['throughput']:>9.2f} {two['throughput']:>9.2f} "
              f"{two['throughput'] / one['throughput']:>6.2f} {two['in_image_overhead'] * 100:>11.1f}% "
              f"{one['whole_run_overhead'] * 100:>7.1f}%")
    print("\nseconds per image by step (concurrency 1):")
    for model, scale, count, one, _ in rows:
        steps = ", ".join(f"{k} {v:.3f}" for k, v in one["per_step"].items())
        print(f"  {model} x{scale}: {steps}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
