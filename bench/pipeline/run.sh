#!/usr/bin/env bash
# Pipeline throughput benchmark (issue #6): the whole `retouch process` job (decode, detect,
# erase where routed, upscale, QA, encode, report) on 800x600 photos, half with synthetic
# overlays, at concurrency 1 and 2, for Lanczos and each installed neural upscaler.
# Usage: bench/pipeline/run.sh [--images N] [--neural-images N] [--models a,b,...]
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install_models.sh >/dev/null
venv=.venv-tools
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import PIL, numpy" 2>/dev/null \
    || "$venv/bin/pip" install --quiet --disable-pip-version-check pillow==13.0.0 numpy==2.4.6
swift build -c release --product retouch 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true

data=bench/data/pipeline
if [ ! -d "$data/photos" ]; then
    python3 scripts/fetch_photos.py "$data/photos"
fi
if [ ! -d "$data/overlays/images" ]; then
    "$venv/bin/python" training/overlays/generate.py --photos "$data/photos" --out "$data/overlays" --variants 1
fi
exec "$venv/bin/python" bench/pipeline/bench.py --retouch .build/release/retouch --data "$data" "$@"
