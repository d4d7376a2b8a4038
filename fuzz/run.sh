#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time.
#   fuzz/run.sh TARGET SECONDS [libFuzzer flags...]
# TARGET is decode, mask, regions, config (Sources/RetouchFuzzEntries) or multipart
# (Sources/RetouchServerFuzzEntries).
# Builds the fuzz binary (.build-fuzz, with -sanitize=fuzzer plus AddressSanitizer unless
# RETOUCH_FUZZ_ASAN=0), writes the target's seeds into fuzz/corpus/TARGET, fuzzes from that corpus,
# and copies any crash, timeout, leak or out-of-memory input into
# Tests/RetouchFuzzTests/Regressions/TARGET, where CI replays it. Exits 1 when one was found.
# Prints the execution count, the figure RELIABILITY.md records. RETOUCH_FUZZ_BUILD=0 skips the
# (re)build, for running several targets from one build.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer flags...]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer flags...]}
shift 2
case "$target" in decode|mask|regions|config|multipart) ;; *)
    echo "unknown target $target; use decode, mask, regions, config or multipart" >&2; exit 2 ;;
esac

# Debug configuration: assertions and overflow checks stay on. (Adding -Xswiftc -O was tried:
# it dropped the Swift modules' coverage counters, leaving libFuzzer blind.)
# swiftc keeps only its last -sanitize= option and SwiftPM orders its own arbitrarily, so with two
# sanitizers the Swift code could lose its coverage counters; the combined flag, passed last, fixes that.
sanitizers=(--sanitize=fuzzer)
[[ "${RETOUCH_FUZZ_ASAN:-1}" == 1 ]] && sanitizers+=(--sanitize=address -Xswiftc -sanitize=fuzzer,address)
# The multipart target links the HTTP stack, so it has a binary of its own.
product=retouch-fuzz
[[ "$target" == multipart ]] && product=retouch-fuzz-multipart
if [[ "${RETOUCH_FUZZ_BUILD:-1}" == 1 ]]; then
    RETOUCH_FUZZ=1 swift build --manifest-cache none --scratch-path .build-fuzz "${sanitizers[@]}" \
        --product "$product" >&2
fi
binary=.build-fuzz/debug/$product

corpus=fuzz/corpus/$target artifacts=fuzz/artifacts/$target logs=fuzz/logs
mkdir -p "$corpus" "$artifacts" "$logs"
RETOUCH_FUZZ_TARGET=$target RETOUCH_FUZZ_SEEDS=$corpus "$binary"

log=$logs/$target.log
status=0
# Swift's runtime keeps some allocations alive until exit by design; leak detection stays on
# for everything else. Output goes to a log: a symbolizer child can hold a pipe open.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} RETOUCH_FUZZ_TARGET=$target "$binary" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$@" >"$log" 2>&1 </dev/null || status=$?

regressions=Tests/RetouchFuzzTests/Regressions/$target
found=0
for file in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/leak-* "$artifacts"/oom-*; do
    [[ -e "$file" ]] || continue
    cp "$file" "$regressions/" && found=$((found + 1))
    echo "kept $file as $regressions/$(basename "$file")"
done
rm -f "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/leak-* "$artifacts"/oom-*

runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
echo "$target: ${runs:-unknown} executions in ${seconds}s (libFuzzer exit $status), log $log, corpus $(ls "$corpus" | wc -l) files"
if (( found > 0 || status != 0 )); then
    grep -m1 -E 'ERROR|Fatal error|fuzz invariant|deadly signal' "$log" || tail -20 "$log"
    exit 1
fi
