"""Inpainting bench: our engines against OpenCV on real photos with synthetic holes.

    python3 bench/inpaint/run_bench.py [--images 10] [--fsr fast|best] [--no-build]

Fetches the photos (fetch.py), draws seeded holes on each (holes.py; one each of strokes,
blobs and boxes, 2-15% of the image), fills them with `diffuse`, `patch` and `auto` (through
the release-built `inpaint-bench` harness, one thread) and with OpenCV's cv2.inpaint
(Telea, Navier-Stokes; radius 5) and cv2.xphoto.inpaint (FSR), and reports PSNR and SSIM
inside the hole and over the image, and seconds per fill. Also times `patch` on a 1024x768
photo with a 5% hole, and fills the real PASCAL VOC object masks for a visual check.
Writes data/results/{results.md,results.csv,sheet.png}.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np
from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import fetch  # noqa: E402
import holes  # noqa: E402

OURS = ("diffuse", "patch", "auto")
THEIRS = ("cv2-telea", "cv2-ns", "cv2-fsr")
RESULTS = os.path.join(fetch.DATA, "results")


def harness(no_build):
    if not no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "inpaint-bench"], cwd=ROOT, check=True)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(binpath, "inpaint-bench")


def run_ours(binary, engine, rgb, mask, workdir, seed=0):
    src, msk, out = (os.path.join(workdir, n) for n in ("in.ppm", "mask.pgm", "out.ppm"))
    Image.fromarray(rgb).save(src)
    Image.fromarray(mask).save(msk)
    result = subprocess.run([binary, src, msk, out, engine, str(seed), "1"], check=True,
                            capture_output=True, text=True)
    report = json.loads(result.stdout)
    return np.asarray(Image.open(out).convert("RGB")), report["seconds"], report["regions"]


def run_theirs(method, rgb, mask, fsr):
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    start = time.perf_counter()
    if method == "cv2-telea":
        out = cv2.inpaint(bgr, mask, 5, cv2.INPAINT_TELEA)
    elif method == "cv2-ns":
        out = cv2.inpaint(bgr, mask, 5, cv2.INPAINT_NS)
    else:
        out = np.zeros_like(bgr)
        flag = cv2.xphoto.INPAINT_FSR_BEST if fsr == "best" else cv2.xphoto.INPAINT_FSR_FAST
        # xphoto's mask marks the valid pixels, the opposite of cv2.inpaint's.
        cv2.xphoto.inpaint(bgr, (mask == 0).astype(np.uint8) * 255, out, flag)
    seconds = time.perf_counter() - start
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB), seconds


def psnr(a, b, where=None):
    d = (a.astype(np.float64) - b.astype(np.float64)) ** 2
    mse = d[where].mean() if where is not None else d.mean()
    return 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def ssim_map(a, b):
    """SSIM (Wang et al. 2004) of the luma, 11x11 Gaussian window, sigma 1.5."""
    def luma(x):
        return x.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    x, y = luma(a), luma(b)
    blur = lambda z: cv2.GaussianBlur(z, (11, 11), 1.5)  # noqa: E731
    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    return ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))


def thumb(rgb, mask=None, width=220):
    image = Image.fromarray(rgb)
    if mask is not None:
        overlay = np.array(rgb)
        overlay[mask > 0] = (255, 0, 255)
        image = Image.fromarray(overlay)
    return image.resize((width, round(rgb.shape[0] * width / rgb.shape[1])), Image.LANCZOS)


def contact_sheet(rows, labels, path):
    width = 220
    heights = [max(t.height for t in row[1]) for row in rows]
    sheet = Image.new("RGB", (width * len(labels) + 160, sum(heights) + 20 * (len(rows) + 1)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, label in enumerate(labels):
        draw.text((160 + i * width + 4, 4), label, fill="black")
    y = 20
    for (name, tiles), h in zip(rows, heights):
        draw.text((4, y + 4), name[:24], fill="black")
        for i, tile in enumerate(tiles):
            if tile is not None:
                sheet.paste(tile, (160 + i * width, y))
        y += h + 20
    sheet.save(path)


def voc_mask(path):
    """The largest object of a VOC instance mask, grown by 4 px over its outline."""
    index = np.asarray(Image.open(path))
    ids = [i for i in np.unique(index) if 0 < i < 255]
    biggest = max(ids, key=lambda i: (index == i).sum())
    mask = (index == biggest).astype(np.uint8) * 255
    return cv2.dilate(mask, np.ones((9, 9), np.uint8))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=10)
    parser.add_argument("--fsr", choices=("fast", "best"), default="fast")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    fetch.main()
    binary = harness(args.no_build)
    os.makedirs(RESULTS, exist_ok=True)
    names = fetch.photo_names()[:args.images]
    methods = THEIRS + OURS
    rows, sheet_rows = [], []
    with tempfile.TemporaryDirectory() as work:
        for i, name in enumerate(names):
            rgb = np.asarray(Image.open(os.path.join(fetch.PHOTOS, name)).convert("RGB"))
            for k, kind in enumerate(holes.KINDS):
                mask = holes.make_hole(kind, rgb.shape[1], rgb.shape[0], seed=len(holes.KINDS) * i + k)
                tiles = evaluate(binary, work, name, kind, rgb, mask, methods, args.fsr, rows)
                # One row per photo on the sheet, the hole kinds taking turns.
                if k == i % len(holes.KINDS):
                    sheet_rows.append((f"{name[:-4]} ({kind})", tiles))
        timing = time_patch_target(binary, work)
        voc_rows = visual_voc(binary, work)
    labels = ["input + hole"] + list(methods) + ["ground truth"]
    contact_sheet(sheet_rows + voc_rows, labels, os.path.join(RESULTS, "sheet.png"))
    write_tables(rows, timing, methods, args)


def evaluate(binary, work, name, kind, rgb, mask, methods, fsr, rows):
    """Fills one hole with every method, appends a result row each; returns sheet tiles."""
    hole = mask > 0
    tiles = [thumb(rgb, mask)]
    for method in methods:
        if method in OURS:
            out, seconds, regions = run_ours(binary, method, rgb, mask, work)
        else:
            out, seconds = run_theirs(method, rgb, mask, fsr)
            regions = {}
        smap = ssim_map(out, rgb)
        rows.append(dict(image=name, kind=kind, coverage=round(holes.coverage(mask), 3), method=method,
                         psnr_hole=psnr(out, rgb, hole), psnr_image=psnr(out, rgb),
                         ssim_hole=float(smap[hole].mean()), ssim_image=float(smap.mean()),
                         seconds=seconds, regions=json.dumps(regions)))
        tiles.append(thumb(out))
        print(f"{name:32} {kind:8} {method:10} hole PSNR {rows[-1]['psnr_hole']:6.2f} dB  {seconds:7.3f} s", flush=True)
    tiles.append(thumb(rgb))
    return tiles


def time_patch_target(binary, work):
    """`patch`, `diffuse` and Telea on a 1024x768 photo with a 5% blob hole."""
    name = fetch.photo_names()[0]
    rgb = np.asarray(Image.open(os.path.join(fetch.PHOTOS, name)).convert("RGB").resize((1024, 768), Image.LANCZOS))
    mask = holes.make_hole("blobs", 1024, 768, seed=99, target=0.05)
    result = {"coverage": holes.coverage(mask)}
    for engine in ("patch", "diffuse"):
        result[engine] = min(run_ours(binary, engine, rgb, mask, work)[1] for _ in range(3))
    result["cv2-telea"] = min(run_theirs("cv2-telea", rgb, mask, "fast")[1] for _ in range(3))
    return result


def visual_voc(binary, work):
    rows = []
    for name in fetch.voc_names():
        rgb = np.asarray(Image.open(os.path.join(fetch.PHOTOS, name)).convert("RGB"))
        mask = voc_mask(os.path.join(fetch.PHOTOS, name.replace(".png", "_mask.png")))
        tiles = [thumb(rgb, mask)]
        for method in THEIRS:
            tiles.append(thumb(run_theirs(method, rgb, mask, "fast")[0]))
        for engine in OURS:
            tiles.append(thumb(run_ours(binary, engine, rgb, mask, work)[0]))
        tiles.append(thumb(rgb))
        rows.append((f"{name[:-4]} (VOC object)", tiles))
    return rows


def write_tables(rows, timing, methods, args):
    with open(os.path.join(RESULTS, "results.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [f"{len(rows) // len(methods)} holes (2-15%; {len(rows) // len(methods) // len(holes.KINDS)} photos x "
             f"{', '.join(holes.KINDS)}); FSR mode: {args.fsr}; one thread",
             "", "| method | PSNR hole | PSNR image | SSIM hole | SSIM image | seconds |", "|---|---|---|---|---|---|"]
    for method in methods:
        sel = [r for r in rows if r["method"] == method]
        mean = lambda k: sum(r[k] for r in sel) / len(sel)  # noqa: E731
        lines.append(f"| {method} | {mean('psnr_hole'):.2f} | {mean('psnr_image'):.2f} | {mean('ssim_hole'):.3f} "
                     f"| {mean('ssim_image'):.4f} | {mean('seconds'):.3f} |")
    lines += ["", "PSNR inside the hole by hole kind:", "",
              "| method | " + " | ".join(holes.KINDS) + " |", "|---" * (len(holes.KINDS) + 1) + "|"]
    for method in methods:
        cells = []
        for kind in holes.KINDS:
            sel = [r["psnr_hole"] for r in rows if r["method"] == method and r["kind"] == kind]
            cells.append(f"{sum(sel) / len(sel):.2f}" if sel else "-")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    lines += ["", "By hole kind (PSNR dB / SSIM; seconds per fill):", "",
              "| kind | method | PSNR hole | PSNR image | SSIM hole | SSIM image | seconds |", "|---|---|---|---|---|---|---|"]
    for kind in holes.KINDS:
        for method in methods:
            sel = [r for r in rows if r["method"] == method and r["kind"] == kind]
            if not sel:
                continue
            mean = lambda k: sum(r[k] for r in sel) / len(sel)  # noqa: E731
            lines.append(f"| {kind} | {method} | {mean('psnr_hole'):.2f} | {mean('psnr_image'):.2f} | "
                         f"{mean('ssim_hole'):.3f} | {mean('ssim_image'):.4f} | {mean('seconds'):.3f} |")
    lines += ["", f"1024x768, {timing['coverage']:.1%} blob hole, best of 3: patch {timing['patch']:.3f} s, "
              f"diffuse {timing['diffuse']:.3f} s, cv2 Telea {timing['cv2-telea']:.3f} s"]
    text = "\n".join(lines)
    with open(os.path.join(RESULTS, "results.md"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
