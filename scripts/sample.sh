#!/usr/bin/env bash
# The main job on a small sample: sets up, fetches real photos from public packages, puts
# synthetic overlays (date stamps, captions, watermarks, price tags, seller text) on half of the
# crops with the project's generator, and runs `retouch process` on them: routing, text erasing,
# 2x upscale, QA and a report. Usage: scripts/sample.sh [OUT_DIR]   (default: sample/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
out="${1:-sample}"

dpkg -s fonts-dejavu-core >/dev/null 2>&1 || {
    SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
    $SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null
}
venv=.venv-tools
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import PIL, numpy" 2>/dev/null \
    || "$venv/bin/pip" install --quiet --disable-pip-version-check pillow==13.0.0 numpy==2.4.6

python3 scripts/fetch_photos.py "$out/photos" --source sporco --source imgaug
"$venv/bin/python" training/overlays/generate.py --photos "$out/photos" --out "$out/overlays" --variants 1
.build/release/retouch process "$out/overlays/images" -o "$out/results" --scale 2
echo "sample: report at $(cd "$out/results" && pwd)/report.json"
