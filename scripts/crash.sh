#!/usr/bin/env bash
# The long version of the crash and fault tests (Tests/RetouchServerTests/CrashTests.swift):
# 50 jobs with a worker SIGKILLed at a random moment per job, on SQLite and PostgreSQL, then the
# server killed mid-upload, the full disk and the PostgreSQL restart. CI runs the same tests with
# 5 jobs. Usage: scripts/crash.sh [JOBS]     (default 50; prints the kill delays it used)
set -euo pipefail
cd "$(dirname "$0")/.."
export RETOUCH_TEST_POSTGRES_URL="${RETOUCH_TEST_POSTGRES_URL:-$(scripts/postgres.sh start)}"
RETOUCH_CRASH_JOBS="${1:-50}" swift test --filter CrashTests
