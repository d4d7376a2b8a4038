#!/usr/bin/env bash
# Times Retouch against Pillow, libvips and scikit-image in one run on the same photos and
# prints a table of medians and ratios (see bench/report.py); raw JSON lines stay in bench/out/.
# Usage: bench/run.sh            RUNS=N (default 9) sets the timed runs per measurement.
# Installs what the peers need (pip: pillow pyvips scikit-image; apt: libvips42) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-9}"
out=bench/out
mkdir -p "$out"

if ! python3 -c 'import PIL, pyvips, skimage' 2>/dev/null; then
    python3 -m pip install -q pillow pyvips scikit-image
fi
if ! python3 -c 'import pyvips; pyvips.Image.black(1, 1)' 2>/dev/null; then
    SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libvips42 >/dev/null
fi

bench/fetch_photos.sh
swift build -c release --product retouch-bench 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]|^Building|^Build complete' || true
bench=.build/release/retouch-bench
cores=$(nproc)

echo "timing retouch ($runs runs each)..." >&2
"$bench" --data bench/data --runs "$runs" > "$out/ours.jsonl"
echo "timing Pillow, libvips, scikit-image..." >&2
python3 bench/peers.py bench/data --runs "$runs" --pillow --skimage > "$out/peers.jsonl"
VIPS_CONCURRENCY=1 python3 bench/peers.py bench/data --runs "$runs" --vips >> "$out/peers.jsonl"
if [ "$cores" -gt 1 ]; then
    VIPS_CONCURRENCY="$cores" python3 bench/peers.py bench/data --runs "$runs" --vips >> "$out/peers.jsonl"
fi
# Peak memory: each upscale alone in a fresh process.
: > "$out/memory.jsonl"
for scale in 2 4; do
    for threads in 1 "$cores"; do
        "$bench" memory --data bench/data --scale "$scale" --threads "$threads" >> "$out/memory.jsonl"
    done
done

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); medians in ms" >&2
python3 bench/report.py "$out"
