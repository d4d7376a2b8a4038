#!/usr/bin/env bash
# The main job on a small sample: sets up, fetches a few real photos from public packages,
# and runs Retouch on them. Usage: scripts/sample.sh [OUT_DIR]   (default: sample/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
out="${1:-sample}"
python3 scripts/fetch_photos.py "$out/photos" --source sporco --source imgaug
mkdir -p "$out/upscaled"
for photo in "$out"/photos/*; do
    name="$(basename "${photo%.*}")"
    .build/release/retouch upscale "$photo" -o "$out/upscaled/$name.jpg" --scale 2 --model lanczos3
done
echo "sample: results in $(pwd)/$out/upscaled"
