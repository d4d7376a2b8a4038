"""Seeded synthetic hole masks for inpainting benchmarks.

Three kinds, each drawn until the mask covers a target fraction of the image
(2-15% unless told otherwise):
  strokes  free-form brush strokes (random walks with round caps), like scratches
           or a user's brush;
  blobs    unions of rotated ellipses, like objects to remove;
  boxes    one to three axis-aligned rectangles, like captions or logos.
Masks are uint8 arrays, 255 = hole. The same (kind, size, seed) gives the same mask.
"""
import math

import cv2
import numpy as np

KINDS = ("strokes", "blobs", "boxes")


def coverage(mask):
    return float((mask > 0).mean())


def _strokes(rng, w, h, target):
    mask = np.zeros((h, w), np.uint8)
    short = min(w, h)
    while coverage(mask) < target:
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        width = int(rng.integers(max(3, short // 100), max(5, short // 25)))
        angle = rng.uniform(0, 2 * math.pi)
        for _ in range(int(rng.integers(4, 12))):
            angle += rng.normal(0, 0.6)
            step = rng.uniform(short * 0.03, short * 0.12)
            nx = float(np.clip(x + step * math.cos(angle), 0, w - 1))
            ny = float(np.clip(y + step * math.sin(angle), 0, h - 1))
            cv2.line(mask, (int(x), int(y)), (int(nx), int(ny)), 255, width, cv2.LINE_8)
            x, y = nx, ny
            if coverage(mask) >= target:
                break
    return mask


def _blobs(rng, w, h, target):
    mask = np.zeros((h, w), np.uint8)
    short = min(w, h)
    # One or two blob centres, each grown from overlapping ellipses, so the holes are
    # object-sized rather than confetti.
    centres = [(rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h) for _ in range(int(rng.integers(1, 3)))]
    while coverage(mask) < target:
        cx, cy = centres[int(rng.integers(len(centres)))]
        cx += rng.normal(0, short * 0.05)
        cy += rng.normal(0, short * 0.05)
        axes = (int(rng.uniform(0.03, 0.10) * short), int(rng.uniform(0.03, 0.10) * short))
        cv2.ellipse(mask, (int(cx), int(cy)), axes, rng.uniform(0, 180), 0, 360, 255, -1)
    return mask


def _boxes(rng, w, h, target):
    mask = np.zeros((h, w), np.uint8)
    count = int(rng.integers(1, 4))
    area = target * w * h / count
    for _ in range(count):
        aspect = rng.uniform(0.3, 3.0)
        bw = int(min(w - 2, math.sqrt(area * aspect)))
        bh = int(min(h - 2, area / max(bw, 1)))
        x = int(rng.integers(1, max(2, w - bw - 1)))
        y = int(rng.integers(1, max(2, h - bh - 1)))
        mask[y:y + bh, x:x + bw] = 255
    return mask


def make_hole(kind, width, height, seed, low=0.02, high=0.15, target=None):
    """A hole mask of `kind` for a width x height image; `target` fixes the coverage."""
    rng = np.random.default_rng(seed)
    fraction = target if target is not None else rng.uniform(low, high)
    draw = {"strokes": _strokes, "blobs": _blobs, "boxes": _boxes}[kind]
    return draw(rng, width, height, fraction)


if __name__ == "__main__":
    import sys
    kind, w, h, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    m = make_hole(kind, w, h, seed)
    cv2.imwrite(out, m)
    print(f"{out}: {kind} {coverage(m):.3f}")
