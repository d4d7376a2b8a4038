#!/usr/bin/env python3
"""Synthetic overlay set for the text detector, the text masks and the overlay router.

Takes real photos (fetched from public packages by scripts/fetch_photos.py), cuts several
random crops from each, and for every crop writes a clean copy (a negative) and a copy with
1-3 overlays of the kinds sellers and cameras add, with a pixel ground-truth mask:

  datestamp  camera date imprint drawn as 7-segment digits (segments drawn here), orange/red/yellow glow
  caption    outlined caption (fill + stroke), 1-2 lines, top or bottom
  watermark  large diagonal semi-transparent text, sometimes tiled across the image
  pricetag   solid (rounded) box with a price or offer in a contrasting colour
  seller     multi-line seller text (handle, phone, site), with a drop shadow or plain

Photos are split by photo, never by crop, into train and test, so no photo is seen on both
sides. Everything is seeded: the same arguments give byte-identical files.

Fonts: DejaVu from Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core), read from
/usr/share/fonts/truetype/dejavu.

Output (OUT defaults to bench/data/overlays):
  OUT/manifest.tsv        id, split, photo, label (1 overlay / 0 clean), kinds, width, height, mask_fraction
  OUT/images/ID.jpg       the image to analyse (JPEG q92, like a marketplace upload)
  OUT/masks/ID.png        ground truth, 255 where an overlay visibly covers the pixel: opacity >= 0.1
                          and some channel changed by >= 10 (a white mark on white sky is not there to remove)
  OUT/clean/ID.jpg        for overlay images: the same crop without overlays (same JPEG settings)

usage: generate.py [--photos DIR] [--out DIR] [--variants N] [--seed S] [--test-share F] [--only-split S]

`--variants 24 --only-split train --out bench/data/overlays-24` writes a larger set of the
training photos' crops (the first 6 are the default set's) for fitting the router, without
touching the held-back photos.
"""
import argparse
import csv
import hashlib
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[2]
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansCondensed-Bold.ttf", "DejaVuSerif-Bold.ttf",
         "DejaVuSansMono-Bold.ttf", "DejaVuSans-Oblique.ttf"]
KINDS = ["datestamp", "caption", "watermark", "pricetag", "seller"]
JPEG_QUALITY = 92
GT_OPACITY = 0.1
GT_VISIBLE_CHANGE = 10

WORDS = ["vintage", "leather", "bag", "brand", "new", "mint", "condition", "retro", "lamp", "camera", "classic",
         "bike", "sofa", "original", "box", "handmade", "oak", "table", "summer", "dress", "rare", "collector",
         "edition", "garden", "tools", "set", "boots", "size", "large", "sale", "deal", "only", "today", "free",
         "shipping", "pickup", "local", "best", "offer", "quality", "used", "like", "great", "price"]
SHOPS = ["bestdeals", "retro_finds", "anna.shop", "mikes-garage", "homegoods", "urbanvintage", "tradepost",
         "petra_sells", "the.attic", "cornerstore", "flipmarket", "oldtown"]


def font(name, size):
    path = FONT_DIR / name
    if not path.exists():
        raise SystemExit(f"missing font {path}: install Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core)")
    return ImageFont.truetype(str(path), size)


def photo_split(photos, test_share, seed):
    """Deterministic split by photo name (hash of seed and name), independent of listing order."""
    def key(p):
        return hashlib.sha256(f"{seed}:{p.name}".encode()).hexdigest()
    ordered = sorted(photos, key=key)
    n_test = round(len(ordered) * test_share)
    return {p.name: ("test" if i < n_test else "train") for i, p in enumerate(ordered)}


def rng_for(seed, *parts):
    digest = hashlib.sha256(":".join(map(str, (seed,) + parts)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def random_crop(photo, rng):
    w, h = photo.size
    cw = int(w * rng.uniform(0.55, 1.0))
    ch = int(h * rng.uniform(0.55, 1.0))
    x = int(rng.integers(0, w - cw + 1))
    y = int(rng.integers(0, h - ch + 1))
    crop = photo.crop((x, y, x + cw, y + ch))
    long_side = int(rng.integers(640, 1281))
    scale = min(long_side / max(cw, ch), 1.6)
    size = (max(64, round(cw * scale)), max(64, round(ch * scale)))
    return crop.resize(size, Image.LANCZOS)


class Canvas:
    """The crop as floats plus the union opacity of everything drawn on it."""

    def __init__(self, image):
        self.rgb = np.asarray(image, dtype=np.float32).copy()
        self.original = self.rgb.copy()
        self.opacity = np.zeros(self.rgb.shape[:2], dtype=np.float32)
        self.used_corners = set()

    @property
    def size(self):
        return self.rgb.shape[1], self.rgb.shape[0]

    def blend(self, coverage, colour, opacity=1.0):
        """Paints `colour` where `coverage` (HxW in [0,1]) is, at `opacity`."""
        a = np.clip(coverage, 0, 1) * opacity
        self.rgb = self.rgb * (1 - a[..., None]) + np.asarray(colour, np.float32) * a[..., None]
        self.opacity = 1 - (1 - self.opacity) * (1 - a)

    def image(self):
        return Image.fromarray(np.clip(self.rgb + 0.5, 0, 255).astype(np.uint8))

    def mask(self):
        visible = np.abs(self.rgb - self.original).max(axis=2) >= GT_VISIBLE_CHANGE
        return Image.fromarray(((self.opacity >= GT_OPACITY) & visible).astype(np.uint8) * 255)


def coverage_of(layer):
    return np.asarray(layer, dtype=np.float32) / 255.0


def text_coverage(size, xy, text, fnt, stroke=0, anchor="la", spacing=4):
    layer = Image.new("L", size, 0)
    ImageDraw.Draw(layer).multiline_text(xy, text, font=fnt, fill=255, stroke_width=stroke, stroke_fill=255,
                                         anchor=anchor, spacing=spacing)
    return layer


def text_size(text, fnt, stroke=0, spacing=4):
    box = ImageDraw.Draw(Image.new("L", (1, 1))).multiline_textbbox((0, 0), text, font=fnt, stroke_width=stroke,
                                                                    spacing=spacing)
    return box[2] - box[0], box[3] - box[1], box


def corner_position(canvas, w, h, rng, corners=("tl", "tr", "bl", "br")):
    """Top-left of a w x h box in one of `corners`, preferring corners no earlier overlay took."""
    W, H = canvas.size
    margin = int(min(W, H) * rng.uniform(0.02, 0.06))
    free = [c for c in corners if c not in canvas.used_corners] or list(corners)
    corner = free[int(rng.integers(0, len(free)))]
    canvas.used_corners.add(corner)
    x = margin if corner[1] == "l" else W - margin - w
    y = margin if corner[0] == "t" else H - margin - h
    return max(0, x), max(0, y)


# --- 7-segment date stamp -------------------------------------------------------------

SEGMENTS = {"0": "abcdef", "1": "bc", "2": "abged", "3": "abgcd", "4": "fgbc", "5": "afgcd", "6": "afgedc",
            "7": "abc", "8": "abcdefg", "9": "abcdfg"}


def segment_polygons(digit, x, y, w, h, t):
    """Hexagonal segments of one digit cell (top-left x, y; width w; height h; thickness t)."""
    half = t / 2
    def horizontal(cy):
        x0, x1 = x + half, x + w - half
        return [(x0, cy), (x0 + half, cy - half), (x1 - half, cy - half), (x1, cy), (x1 - half, cy + half),
                (x0 + half, cy + half)]
    def vertical(cx, y0, y1):
        y0, y1 = y0 + half, y1 - half
        return [(cx, y0), (cx + half, y0 + half), (cx + half, y1 - half), (cx, y1), (cx - half, y1 - half),
                (cx - half, y0 + half)]
    mid = y + h / 2
    shapes = {"a": horizontal(y + half), "g": horizontal(mid), "d": horizontal(y + h - half),
              "f": vertical(x + half, y, mid), "b": vertical(x + w - half, y, mid),
              "e": vertical(x + half, mid, y + h), "c": vertical(x + w - half, mid, y + h)}
    return [shapes[s] for s in SEGMENTS[digit]]


def draw_datestamp(canvas, rng):
    W, H = canvas.size
    year, month, day = int(rng.integers(1988, 2026)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    style = int(rng.integers(0, 4))
    text = [f"'{year % 100:02d} {month:2d} {day:2d}", f"{year} {month:02d} {day:02d}",
            f"{month:02d}.{day:02d}.'{year % 100:02d}", f"{day:02d}/{month:02d}/{year}"][style]
    digit_h = max(14, int(H * rng.uniform(0.035, 0.07)))
    digit_w = digit_h * rng.uniform(0.5, 0.62)
    thick = max(2.0, digit_h * rng.uniform(0.11, 0.16))
    gap = digit_w * 0.35
    skew = rng.uniform(0, 0.18)
    widths = [digit_w if c.isdigit() else gap for c in text]
    total_w = sum(widths) + gap * (len(text) - 1)
    x0, y0 = corner_position(canvas, int(total_w + digit_h * skew), digit_h, rng, ("br", "br", "bl", "tr"))
    layer = Image.new("L", canvas.size, 0)
    draw = ImageDraw.Draw(layer)
    def sk(points):
        return [(px + (y0 + digit_h - py) * skew, py) for px, py in points]
    x = x0
    for c, w in zip(text, widths):
        if c.isdigit():
            for poly in segment_polygons(c, x, y0, w, digit_h, thick):
                draw.polygon(sk(poly), fill=255)
        elif c in "./":
            if c == ".":
                b = y0 + digit_h
                draw.polygon(sk([(x, b - thick), (x + thick, b - thick), (x + thick, b), (x, b)]), fill=255)
            else:
                draw.line(sk([(x + w, y0), (x, y0 + digit_h)]), fill=255, width=max(1, int(thick * 0.8)))
        elif c == "'":
            draw.polygon(sk([(x, y0), (x + thick, y0), (x + thick * 0.6, y0 + digit_h * 0.3),
                             (x - thick * 0.2, y0 + digit_h * 0.3)]), fill=255)
        x += w + gap
    colour = [(255, 140, 20), (255, 90, 30), (255, 200, 40), (250, 60, 40)][int(rng.integers(0, 4))]
    glow = layer.filter(ImageFilter.MaxFilter(3)).filter(ImageFilter.GaussianBlur(max(1.0, thick * 0.5)))
    canvas.blend(coverage_of(glow), colour, rng.uniform(0.35, 0.6))
    canvas.blend(coverage_of(layer), colour, rng.uniform(0.85, 1.0))


# --- text overlays ----------------------------------------------------------------------

def phrase(rng, lo=2, hi=4):
    n = int(rng.integers(lo, hi + 1))
    words = [WORDS[int(rng.integers(0, len(WORDS)))] for _ in range(n)]
    text = " ".join(words)
    return text.upper() if rng.random() < 0.3 else text.capitalize()


def draw_caption(canvas, rng):
    W, H = canvas.size
    lines = 1 if rng.random() < 0.65 else 2
    text = "\n".join(phrase(rng) for _ in range(lines))
    size = max(14, int(H * rng.uniform(0.04, 0.08)))
    fnt = font(FONTS[int(rng.integers(0, 4))], size)
    stroke = max(1, int(size * rng.uniform(0.06, 0.12)))
    w, h, box = text_size(text, fnt, stroke)
    while w > W * 0.92 and size > 14:
        size = int(size * 0.85)
        fnt = font(FONTS[1], size)
        stroke = max(1, int(size * 0.08))
        w, h, box = text_size(text, fnt, stroke)
    x = (W - w) // 2 - box[0]
    top = rng.random() < 0.35
    y = (int(H * rng.uniform(0.03, 0.08)) if top else H - h - int(H * rng.uniform(0.04, 0.1))) - box[1]
    if w > W * 0.5:
        canvas.used_corners.update(("tl", "tr") if top else ("bl", "br"))
    fill, edge = [((255, 255, 255), (0, 0, 0)), ((255, 230, 0), (0, 0, 0)), ((0, 0, 0), (255, 255, 255)),
                  ((255, 255, 255), (200, 20, 20))][int(rng.integers(0, 4))]
    canvas.blend(coverage_of(text_coverage(canvas.size, (x, y), text, fnt, stroke)), edge)
    canvas.blend(coverage_of(text_coverage(canvas.size, (x, y), text, fnt)), fill)


def draw_watermark(canvas, rng):
    W, H = canvas.size
    shop = SHOPS[int(rng.integers(0, len(SHOPS)))]
    text = [f"© {shop}", "SAMPLE", f"www.{shop.replace('_', '').replace('.', '')}.com", shop.upper(), "PREVIEW"][
        int(rng.integers(0, 5))]
    size = max(18, int(min(W, H) * rng.uniform(0.07, 0.16)))
    fnt = font(FONTS[int(rng.integers(0, 3))], size)
    w, h, box = text_size(text, fnt)
    stamp = Image.new("L", (w + 8, h + 8), 0)
    ImageDraw.Draw(stamp).text((4 - box[0], 4 - box[1]), text, font=fnt, fill=255)
    angle = rng.uniform(18, 45) * (1 if rng.random() < 0.7 else -1)
    stamp = stamp.rotate(angle, resample=Image.BICUBIC, expand=True)
    layer = Image.new("L", canvas.size, 0)
    if rng.random() < 0.3:
        step_x, step_y = int(stamp.width * 1.3), int(stamp.height * 1.2)
        for yy in range(-stamp.height // 2, H, step_y):
            for xx in range(-stamp.width // 2 + (yy // step_y % 2) * step_x // 2, W, step_x):
                layer.paste(255, (xx, yy), stamp)
    else:
        cx = int(W * rng.uniform(0.3, 0.7)) - stamp.width // 2
        cy = int(H * rng.uniform(0.3, 0.7)) - stamp.height // 2
        layer.paste(255, (cx, cy), stamp)
    colour = (255, 255, 255) if rng.random() < 0.75 else (0, 0, 0)
    canvas.blend(coverage_of(layer), colour, rng.uniform(0.25, 0.55))


def draw_pricetag(canvas, rng):
    W, H = canvas.size
    text = [f"${rng.integers(5, 500)}.{rng.integers(0, 100):02d}", f"€ {rng.integers(5, 300)},{rng.integers(0, 100):02d}",
            f"-{5 * rng.integers(2, 15)}%", "SALE", "NEW", f"{rng.integers(10, 90)}% OFF", "SOLD"][int(rng.integers(0, 7))]
    size = max(14, int(H * rng.uniform(0.045, 0.09)))
    fnt = font(FONTS[int(rng.integers(1, 3))], size)
    w, h, box = text_size(text, fnt)
    pad_x, pad_y = int(size * rng.uniform(0.3, 0.7)), int(size * rng.uniform(0.2, 0.45))
    bw, bh = w + 2 * pad_x, h + 2 * pad_y
    x, y = corner_position(canvas, bw, bh, rng)
    plate, ink = [((220, 30, 30), (255, 255, 255)), ((255, 215, 0), (0, 0, 0)), ((255, 255, 255), (200, 0, 0)),
                  ((20, 20, 20), (255, 255, 255)), ((0, 120, 200), (255, 255, 255))][int(rng.integers(0, 5))]
    box_layer = Image.new("L", canvas.size, 0)
    radius = int(min(bw, bh) * rng.uniform(0, 0.3))
    ImageDraw.Draw(box_layer).rounded_rectangle((x, y, x + bw, y + bh), radius=radius, fill=255)
    canvas.blend(coverage_of(box_layer), plate, 1.0 if rng.random() < 0.8 else rng.uniform(0.75, 0.9))
    canvas.blend(coverage_of(text_coverage(canvas.size, (x + pad_x - box[0], y + pad_y - box[1]), text, fnt)), ink)


def draw_seller(canvas, rng):
    W, H = canvas.size
    shop = SHOPS[int(rng.integers(0, len(SHOPS)))]
    candidates = [f"@{shop}", f"Call 555-{rng.integers(1000, 9999)}", f"www.{shop.replace('_', '')}.com",
                  phrase(rng, 2, 3), "Free shipping", f"Ref. {rng.integers(10000, 99999)}"]
    order = rng.permutation(len(candidates))[: int(rng.integers(2, 5))]
    text = "\n".join(candidates[i] for i in order)
    size = max(12, int(H * rng.uniform(0.028, 0.05)))
    fnt = font(FONTS[[0, 1, 4, 5][int(rng.integers(0, 4))]], size)
    spacing = int(size * 0.3)
    w, h, box = text_size(text, fnt, spacing=spacing)
    x, y = corner_position(canvas, w, h, rng)
    x, y = x - box[0], y - box[1]
    colour = [(255, 255, 255), (20, 20, 20), (255, 240, 120), (230, 230, 230)][int(rng.integers(0, 4))]
    if rng.random() < 0.6:
        shadow = text_coverage(canvas.size, (x + max(1, size // 12), y + max(1, size // 12)), text, fnt, spacing=spacing)
        shadow = shadow.filter(ImageFilter.GaussianBlur(max(0.6, size / 20)))
        shade = (0, 0, 0) if sum(colour) > 380 else (255, 255, 255)
        canvas.blend(coverage_of(shadow), shade, 0.7)
    canvas.blend(coverage_of(text_coverage(canvas.size, (x, y), text, fnt, spacing=spacing)), colour,
                 1.0 if rng.random() < 0.7 else rng.uniform(0.6, 0.85))


DRAW = {"datestamp": draw_datestamp, "caption": draw_caption, "watermark": draw_watermark,
        "pricetag": draw_pricetag, "seller": draw_seller}


def choose_kinds(rng):
    count = 1 if rng.random() < 0.6 else (2 if rng.random() < 0.75 else 3)
    return sorted(rng.choice(KINDS, size=count, replace=False).tolist(), key=KINDS.index)


def save_jpeg(image, path):
    image.save(path, "JPEG", quality=JPEG_QUALITY, subsampling=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", default=str(ROOT / "bench/data/photos"))
    parser.add_argument("--out", default=str(ROOT / "bench/data/overlays"))
    parser.add_argument("--variants", type=int, default=6, help="crops per photo (each gives a clean and an overlay image)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--test-share", type=float, default=0.4)
    parser.add_argument("--only-split", choices=["train", "test"], help="write only this split's photos")
    args = parser.parse_args()

    photos = sorted(p for p in Path(args.photos).iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not photos:
        raise SystemExit(f"no photos in {args.photos}: run scripts/fetch_photos.py {args.photos} first")
    split = photo_split(photos, args.test_share, args.seed)
    out = Path(args.out)
    for sub in ("images", "masks", "clean"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    rows = []
    for photo_path in photos:
        if args.only_split and split[photo_path.name] != args.only_split:
            continue
        photo = Image.open(photo_path).convert("RGB")
        stem = photo_path.stem
        for v in range(args.variants):
            rng = rng_for(args.seed, stem, v)
            crop = random_crop(photo, rng)
            clean_id = f"{stem}_{v}_clean"
            save_jpeg(crop, out / "images" / f"{clean_id}.jpg")
            rows.append([clean_id, split[photo_path.name], photo_path.name, 0, "", crop.width, crop.height, "0"])

            canvas = Canvas(crop)
            kinds = choose_kinds(rng)
            for kind in kinds:
                DRAW[kind](canvas, rng)
            overlay_id = f"{stem}_{v}_overlay"
            save_jpeg(canvas.image(), out / "images" / f"{overlay_id}.jpg")
            save_jpeg(crop, out / "clean" / f"{overlay_id}.jpg")
            mask = canvas.mask()
            mask.save(out / "masks" / f"{overlay_id}.png")
            fraction = float(np.asarray(mask).mean() / 255)
            rows.append([overlay_id, split[photo_path.name], photo_path.name, 1, "+".join(kinds), crop.width,
                         crop.height, f"{fraction:.5f}"])
    with open(out / "manifest.tsv", "w", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "split", "photo", "label", "kinds", "width", "height", "mask_fraction"])
        writer.writerows(rows)
    n_test = sum(1 for r in rows if r[1] == "test")
    print(f"{len(rows)} images from {len(photos)} photos in {out} ({len(rows) - n_test} train, {n_test} test)")


if __name__ == "__main__":
    main()
