#!/usr/bin/env bash
# Fetches real photos for the benchmarks from a public Debian package (through
# scripts/fetch_photos.py) and derives the test images every benchmark reads:
#   bench/data/photo-2400x1600.jpg  centre crop of a 2560x1600 wallpaper (no resampling)
#   bench/data/photo-1200x800.jpg   that crop halved with Pillow's Lanczos
# plus the same pixels as binary PPM (.ppm) so the Swift harness times resampling without
# depending on a decoder. JPEGs are quality 95. Idempotent: existing files are kept.
# Usage: bench/fetch_photos.sh [PHOTO_STEM]   (default: plasma_ColorfulCups)
set -euo pipefail
cd "$(dirname "$0")/.."
stem="${1:-plasma_ColorfulCups}"
data=bench/data
python3 scripts/fetch_photos.py "$data/photos" --source plasma-workspace-wallpapers >/dev/null
python3 -c 'import PIL' 2>/dev/null || python3 -m pip install -q pillow
python3 - "$data" "$stem" <<'PY'
import sys
from pathlib import Path
from PIL import Image

data, stem = Path(sys.argv[1]), sys.argv[2]
source = Image.open(data / "photos" / f"{stem}.jpg").convert("RGB")
if source.size != (2560, 1600):
    sys.exit(f"{stem}.jpg is {source.size}, expected the 2560x1600 original")
large = source.crop((80, 0, 2480, 1600))
images = {"2400x1600": large, "1200x800": large.resize((1200, 800), Image.LANCZOS)}
for name, image in images.items():
    for ext, kwargs in ((".jpg", {"quality": 95}), (".ppm", {})):
        dest = data / f"photo-{name}{ext}"
        if not dest.exists():
            image.save(dest, **kwargs)
print(f"bench data ready in {data}: photo-2400x1600 and photo-1200x800 (.jpg, .ppm) from {stem}")
PY
