#!/usr/bin/env python3
"""Text detection, masks, erasing and routing on the synthetic overlay set, against a baseline a
user could assemble in Python: rapidocr's boxes, dilated, filled with OpenCV's Telea inpainting.

Uses only the TEST split of training/overlays/generate.py's set: photos the router never saw.
For each overlay image:
  - pixel recall / precision of the mask against the ground truth (ours: `retouch erase-text`'s
    stroke mask; baseline: the dilated rapidocr boxes)
  - PSNR / SSIM of the erased image against the clean crop, for ours and the baseline
For each clean image: the share of the image each mask covers (ours plain and with --route).
Router: ROC AUC, accuracy at 0.6 and a reliability table from features.jsonl (see
training/overlays/README.md). Speed: detect + erase at 800x600 on one thread (in-process work seconds and whole-command CPU seconds).
Real scene-text photos: a contact sheet (before, mask, after) in bench/out/text/.

usage: bench/text/evaluate.py [--retouch BIN] [--limit N] [--engine NAME]
Needs: pip install pillow numpy opencv-python-headless scikit-image rapidocr==3.10.0 onnxruntime==1.31.1
"""
import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import fetch_photos  # noqa: E402

DATA = ROOT / "bench/data/overlays"
OUT = ROOT / "bench/out/text"
BASELINE_DILATE = 5
TELEA_RADIUS = 5


def baseline_engine():
    from rapidocr import RapidOCR
    return RapidOCR(params={"Global.use_cls": False, "Global.use_rec": False, "Global.log_level": "error"})


def baseline_mask(engine, path, size):
    result = engine(str(path))
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    for box in (result.boxes if result.boxes is not None else []):
        draw.polygon([tuple(map(float, p)) for p in box], fill=255)
    kernel = np.ones((2 * BASELINE_DILATE + 1, 2 * BASELINE_DILATE + 1), np.uint8)
    return cv2.dilate(np.asarray(mask), kernel) >= 128


def baseline_erase(path, mask):
    bgr = cv2.imread(str(path))
    filled = cv2.inpaint(bgr, mask.astype(np.uint8) * 255, TELEA_RADIUS, cv2.INPAINT_TELEA)
    return cv2.cvtColor(filled, cv2.COLOR_BGR2RGB)


def ours(retouch, path, out, mask_out, engine, route=False):
    args = [retouch, "erase-text", str(path), "-o", str(out), "--mask-out", str(mask_out), "--json",
            "--threads", "1", "--engine", engine]
    if route:
        args.append("--route")
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"retouch erase-text failed on {path}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def load_rgb(path):
    return np.asarray(Image.open(path).convert("RGB"))


def quality(erased, clean):
    return (peak_signal_noise_ratio(clean, erased, data_range=255),
            structural_similarity(clean, erased, channel_axis=2, data_range=255))


def masks_vs_truth(mask, truth):
    hit = (mask & truth).sum()
    return hit, truth.sum(), mask.sum()


def router_report():
    features = DATA / "features.jsonl"
    if not features.exists():
        return "router: no features.jsonl (run training/overlays/extract_features.py)\n"
    result = subprocess.run([sys.executable, str(ROOT / "training/overlays/train_router.py"), str(features),
                             "--evaluate-only"], capture_output=True, text=True)
    return result.stdout + result.stderr


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def speed(retouch, engine, photos, n=5):
    """`erase-text` on 800x600 crops, one thread: per image, the in-process CPU and wall seconds of
    detection, masks, routing and fill (no process start, model load or codecs), and the CPU
    seconds (user + sys) of the whole command. CPU seconds are what a busy machine does not inflate."""
    work, work_cpu, cpu = [], [], []
    for i, photo in enumerate(photos[:n]):
        src = Image.open(photo).convert("RGB").resize((800, 600), Image.LANCZOS)
        path = OUT / f"speed_{i}.jpg"
        src.save(path, quality=92)
        before = children_cpu_seconds()
        report = ours(retouch, path, OUT / f"speed_{i}_out.png", OUT / f"speed_{i}_mask.png", engine)
        cpu.append(children_cpu_seconds() - before)
        work.append(report["work_seconds"])
        work_cpu.append(report["work_cpu_seconds"])
    return work, work_cpu, cpu


def contact_sheet(retouch, engine):
    folder = ROOT / "bench/data/scene-text"
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(csv.DictReader(open(Path(__file__).parent / "scene_sources.tsv"), delimiter="\t"))
    tiles = []
    for row in rows:
        dest = folder / row["name"]
        if not dest.exists():
            dest.write_bytes(fetch_photos.read_from_deb(fetch_photos.fetch_deb(row["source"]), row["path"]))
        out, mask = OUT / f"scene_{dest.stem}.png", OUT / f"scene_{dest.stem}_mask.png"
        report = ours(retouch, dest, out, mask, engine)
        strip = [Image.open(dest).convert("RGB"), Image.open(mask).convert("RGB"), Image.open(out).convert("RGB")]
        height = 240
        strip = [im.resize((round(im.width * height / im.height), height)) for im in strip]
        tile = Image.new("RGB", (sum(im.width for im in strip) + 20, height), (255, 255, 255))
        x = 0
        for im in strip:
            tile.paste(im, (x, 0))
            x += im.width + 10
        tiles.append((tile, report))
    sheet = Image.new("RGB", (max(t.width for t, _ in tiles), sum(t.height + 10 for t, _ in tiles)), (255, 255, 255))
    y = 0
    for tile, _ in tiles:
        sheet.paste(tile, (0, y))
        y += tile.height + 10
    path = OUT / "scene_text_contact_sheet.png"
    sheet.save(path)
    return path, [(r["overlay_probability"], r["mask_coverage"]) for _, r in tiles]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--retouch", default=str(ROOT / ".build/release/retouch"))
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--limit", type=int, default=0, help="at most N test images of each label")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    rows = [r for r in csv.DictReader(open(DATA / "manifest.tsv"), delimiter="\t") if r["split"] == "test"]
    overlays = [r for r in rows if r["label"] == "1"]
    cleans = [r for r in rows if r["label"] == "0"]
    if args.limit:
        overlays, cleans = overlays[: args.limit], cleans[: args.limit]
    engine = baseline_engine()

    totals = {"ours": [0, 0, 0], "baseline": [0, 0, 0]}
    scores = {"ours": [], "baseline": []}
    kinds = {}
    base_seconds = []
    for row in overlays:
        path = DATA / "images" / f"{row['id']}.jpg"
        truth = np.asarray(Image.open(DATA / "masks" / f"{row['id']}.png")) >= 128
        clean = load_rgb(DATA / "clean" / f"{row['id']}.jpg")
        out, mask_path = OUT / f"{row['id']}_ours.png", OUT / f"{row['id']}_ours_mask.png"
        ours(args.retouch, path, out, mask_path, args.engine)
        mask = np.asarray(Image.open(mask_path).convert("L")) >= 128
        start = time.perf_counter()
        bmask = baseline_mask(engine, path, (truth.shape[1], truth.shape[0]))
        berased = baseline_erase(path, bmask)
        base_seconds.append(time.perf_counter() - start)
        for name, m, erased in (("ours", mask, load_rgb(out)), ("baseline", bmask, berased)):
            counts = masks_vs_truth(m, truth)
            totals[name] = [a + b for a, b in zip(totals[name], counts)]
            scores[name].append(quality(erased, clean))
        for kind in row["kinds"].split("+"):
            k = kinds.setdefault(kind, [0, 0])
            k[0] += (mask & truth).sum()
            k[1] += truth.sum()

    coverage = {"ours": [], "ours_routed": [], "baseline": []}
    for row in cleans:
        path = DATA / "images" / f"{row['id']}.jpg"
        m = OUT / f"{row['id']}_mask.png"
        ours(args.retouch, path, OUT / f"{row['id']}_ours.png", m, args.engine)
        coverage["ours"].append((np.asarray(Image.open(m).convert("L")) >= 128).mean())
        ours(args.retouch, path, OUT / f"{row['id']}_ours.png", m, args.engine, route=True)
        coverage["ours_routed"].append((np.asarray(Image.open(m).convert("L")) >= 128).mean())
        size = Image.open(path).size
        coverage["baseline"].append(baseline_mask(engine, path, size).mean())

    lines = [f"test split: {len(overlays)} overlay images, {len(cleans)} clean images (photos unseen in training)"]
    for name in ("ours", "baseline"):
        hit, truth_n, mask_n = totals[name]
        psnr = np.mean([s[0] for s in scores[name]])
        ssim = np.mean([s[1] for s in scores[name]])
        lines.append(f"{name:9s} pixel recall {hit / truth_n:.4f}  precision {hit / max(1, mask_n):.4f}  "
                     f"PSNR {psnr:.2f} dB  SSIM {ssim:.4f}")
    gain = np.mean([a[0] - b[0] for a, b in zip(scores["ours"], scores["baseline"])])
    lines.append(f"PSNR gain of ours over the baseline, mean per image: {gain:+.2f} dB")
    lines.append("recall by overlay kind (ours): " + ", ".join(f"{k} {v[0] / v[1]:.3f}" for k, v in sorted(kinds.items())))
    for name, values in coverage.items():
        lines.append(f"clean images, mask coverage {name}: mean {100 * np.mean(values):.3f}%  "
                     f"median {100 * np.median(values):.3f}%")
    lines.append(f"baseline seconds per image (rapidocr + Telea, this machine): {np.mean(base_seconds):.3f}")
    work, work_cpu, cpu = speed(args.retouch, args.engine, [DATA / "images" / f"{r['id']}.jpg" for r in cleans])
    listed = lambda values: ", ".join(f"{t:.2f}" for t in values)  # noqa: E731
    lines.append(f"retouch erase-text at 800x600, one thread, medians: work (detect, mask, route, fill) "
                 f"CPU {statistics.median(work_cpu):.3f} s ({listed(work_cpu)}), wall {statistics.median(work):.3f} s "
                 f"({listed(work)}); whole command CPU {statistics.median(cpu):.3f} s ({listed(cpu)})")
    sheet, scene = contact_sheet(args.retouch, args.engine)
    lines.append(f"scene-text contact sheet: {sheet}; p(overlay), coverage: " +
                 ", ".join(f"({p:.2f}, {100 * c:.1f}%)" for p, c in scene))
    lines.append(router_report())
    text = "\n".join(lines)
    print(text)
    (OUT / "results.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
