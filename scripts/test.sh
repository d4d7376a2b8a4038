#!/usr/bin/env bash
# Sets up and runs the whole test suite. Usage: scripts/test.sh [extra swift test args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --debug
swift test "$@"
