#!/usr/bin/env bash
# Sets up and runs the whole test suite: Debian packages, model files, a throwaway PostgreSQL
# on 127.0.0.1:55432 for the job-store tests, then `swift test`, then the web page's browser tests.
# Usage: scripts/test.sh [extra swift test args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --debug
export RETOUCH_TEST_POSTGRES_URL="${RETOUCH_TEST_POSTGRES_URL:-$(scripts/postgres.sh start)}"
swift test "$@"
scripts/test_web.sh
