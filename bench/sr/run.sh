#!/usr/bin/env bash
# Runs the super-resolution benchmark: installs the models if needed, builds sr-bench in
# release, and runs bench/sr/bench.py in its own venv (bench/data/sr/.venv, git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install_models.sh
VENV=bench/data/sr/.venv
if [ ! -x "$VENV/bin/python" ]; then
    mkdir -p bench/data/sr
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c "import onnxruntime, numpy, PIL" 2>/dev/null ||
    "$VENV/bin/pip" install --quiet --disable-pip-version-check onnxruntime==1.31.1 numpy pillow
swift build -c release --product sr-bench 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
exec "$VENV/bin/python" bench/sr/bench.py "$@"
