#!/usr/bin/env python3
"""Runs `retouch detect --json --features` on every image of the generated set and writes one
JSON line per image (id, features, overlay_probability, regions, mask_coverage, seconds), plus
the stroke masks, for train_router.py and bench/text.

usage: extract_features.py [--set DIR] [--retouch BIN] [--out FILE] [--masks DIR] [--split train|test|all] [--jobs N]
"""
import argparse
import csv
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default=str(ROOT / "bench/data/overlays"))
    parser.add_argument("--retouch", default=str(ROOT / ".build/release/retouch"))
    parser.add_argument("--out", default=str(ROOT / "bench/data/overlays/features.jsonl"))
    parser.add_argument("--masks", default=str(ROOT / "bench/data/overlays/detected"))
    parser.add_argument("--split", default="all", choices=["train", "test", "all"])
    parser.add_argument("--jobs", type=int, default=2, help="images analysed at once (each on one thread)")
    args = parser.parse_args()

    data = Path(args.set)
    rows = [r for r in csv.DictReader(open(data / "manifest.tsv"), delimiter="\t")
            if args.split == "all" or r["split"] == args.split]
    Path(args.masks).mkdir(parents=True, exist_ok=True)

    def detect(row):
        mask = Path(args.masks) / f"{row['id']}.png"
        result = subprocess.run([args.retouch, "detect", str(data / "images" / f"{row['id']}.jpg"), "--json",
                                 "--features", "--threads", "1", "--mask-out", str(mask)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"retouch detect failed on {row['id']}: {result.stderr.strip()}")
        report = json.loads(result.stdout)
        report["id"] = row["id"]
        return report

    with open(args.out, "w") as out, ThreadPoolExecutor(args.jobs) as pool:
        for i, report in enumerate(pool.map(detect, rows)):
            out.write(json.dumps(report) + "\n")
            if (i + 1) % 100 == 0:
                print(f"{i + 1}/{len(rows)}", file=sys.stderr)
    print(f"wrote {args.out} ({len(rows)} images)")


if __name__ == "__main__":
    main()
