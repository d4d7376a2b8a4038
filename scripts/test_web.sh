#!/usr/bin/env bash
# Browser tests of the web page (Tests/WebBrowser): a real `retouch serve` (debug build) on a free
# loopback port, driven through Debian's headless Chromium with selenium from PyPI in .venv-web.
# Screenshots go to test-artifacts/web/. Exits non-zero when a test fails.
# Needs the Debian packages scripts/setup.sh installs (chromium, chromium-driver, fonts-dejavu-core).
# Usage: scripts/test_web.sh [unittest args, e.g. -k batch]
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in chromium chromedriver; do
    command -v "$tool" >/dev/null || { echo "test_web: $tool is missing; run scripts/setup.sh" >&2; exit 1; }
done

VENV=.venv-web
PYTHON_DEPS=(selenium==4.51.0 pillow==13.0.0)
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! "$VENV/bin/python" -c "import selenium, PIL" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_DEPS[@]}"
fi

swift build --product retouch 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
test -x .build/debug/retouch || { echo "test_web: the debug build failed" >&2; exit 1; }

mkdir -p test-artifacts/web
RETOUCH_BIN="$PWD/.build/debug/retouch" "$VENV/bin/python" -m unittest discover -s Tests/WebBrowser -p 'test_*.py' -v "$@"
