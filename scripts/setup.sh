#!/usr/bin/env bash
# Installs everything Retouch needs on Debian 12 and builds it. Idempotent: a second run
# only checks. Usage: scripts/setup.sh [--debug]   (release build by default; --debug is the
# test set-up: no release build, plus the browser-test packages)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(pkg-config libturbojpeg0-dev libpng-dev libwebp-dev liblcms2-dev zlib1g-dev libsqlite3-dev
              python3 python3-venv python3-pip unzip)
# The test set-up (--debug, from scripts/test.sh) adds what the web page's browser tests need:
# headless Chromium, its WebDriver and a font. The main job does without them.
if [ "${1:-}" = "--debug" ]; then
    APT_PACKAGES+=(chromium chromium-driver fonts-dejavu-core)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
    echo "setup: no Swift toolchain on PATH. Install Swift 6.3 (swift.org) and put its usr/bin on PATH." >&2
    exit 1
fi

if [ -x scripts/install_models.sh ]; then
    scripts/install_models.sh
fi

if [ "${1:-}" != "--debug" ]; then
    swift build -c release --product retouch 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
    test -x .build/release/retouch || { echo "setup: release build failed" >&2; exit 1; }
    echo "setup: built $(pwd)/.build/release/retouch"
fi
