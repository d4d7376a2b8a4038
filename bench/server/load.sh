#!/usr/bin/env bash
# Load and soak test of `retouch serve` on loopback with wrk (not run by CI).
#
# Load (default): POST /v1/upscale (Lanczos 2x of a 600x400 JPEG) at each of CONNECTIONS for
# SECONDS_PER_LEVEL each, then one line per level: throughput, p50/p99 latency, responses by
# status, 5xx and socket errors, and the server's resident memory before and after.
# Soak (--soak): SOAK_SECONDS (default 600) at SOAK_CONNECTIONS, resident memory sampled every
# 10 s; fails (exit 1) when it grows more than SOAK_RSS_GROWTH_MB (default 64) from the end of the
# first minute (allocator warm-up) to the end, or when any 5xx was answered.
#
# Usage: bench/server/load.sh [--soak]
#   CONNECTIONS="1 8 32 64 128"  SECONDS_PER_LEVEL=15  W=$(nproc) (server workers)  QUEUE=64
#   IMAGE=path.jpg (default: a generated 600x400 JPEG)  BIN=folder with a release `retouch`
set -euo pipefail
cd "$(dirname "$0")/../.."
mode="${1:-load}"
levels="${CONNECTIONS:-1 8 32 64 128}"
seconds="${SECONDS_PER_LEVEL:-15}"
workers="${W:-$(nproc)}"
queue="${QUEUE:-64}"
bin="${BIN:-.build/release}"
work=$(mktemp -d /tmp/retouch-load.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { echo "load.sh: wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -x "$bin/retouch" ] || swift build -c release --product retouch 2>&1 | grep -E 'error' || true
image="${IMAGE:-$work/photo.jpg}"
if [ ! -f "$image" ]; then
    python3 - "$image" <<'PY'
import sys
from PIL import Image, ImageDraw, ImageFilter
import random
random.seed(7)
img = Image.new("RGB", (600, 400))
draw = ImageDraw.Draw(img)
for _ in range(300):
    x, y = random.randrange(600), random.randrange(400)
    draw.ellipse([x, y, x + random.randrange(10, 120), y + random.randrange(10, 120)],
                 fill=tuple(random.randrange(256) for _ in range(3)))
img.filter(ImageFilter.GaussianBlur(1.5)).save(sys.argv[1], quality=90)
PY
fi

key=$("$bin/retouch" keys create load --db "$work/db.sqlite" 2>/dev/null)
"$bin/retouch" serve --port 0 --db "$work/db.sqlite" --blobs "$work/blobs" --workers "$workers" --queue "$queue" \
    --job-workers 0 --log-level warning > "$work/serve.out" 2> "$work/serve.err" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o '[0-9]*$' "$work/serve.out")
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
. bench/server/statuses.sh
# connections seconds -> one JSON line: wrk's figures plus "responses" by status from the server.
run_wrk() {
    local threads=$(( $1 < 2 ? $1 : 2 )) line
    statuses_snapshot "$work/statuses.before"
    line=$(IMAGE="$image" KEY="$key" wrk -t"$threads" -c"$1" -d"$2s" --timeout 30s -s bench/server/upscale.lua \
        "http://127.0.0.1:$port" | grep '^{')
    statuses_settled "$work/statuses.after"
    python3 -c "
import json, sys
r = json.loads(sys.argv[1]); r['responses'] = json.loads(sys.argv[2])
r['ok_per_second'] = round((r['requests'] - r['non_2xx']) / r['seconds'], 3)
print(json.dumps(r))" "$line" "$(statuses_delta "$work/statuses.before" "$work/statuses.after")"
}
echo "{\"conditions\": {\"cores\": $(nproc), \"load_average\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"server_workers\": $workers, \"queue\": $queue, \"image\": \"$(basename "$image")\"}}"
# Warm-up, so the first level does not pay for page faults and lazy set-up.
run_wrk 4 3 > /dev/null

if [ "$mode" = "--soak" ]; then
    soak="${SOAK_SECONDS:-600}"
    bound_mb="${SOAK_RSS_GROWTH_MB:-64}"
    conns="${SOAK_CONNECTIONS:-32}"
    run_wrk "$conns" "$soak" > "$work/soak.json" &
    wrk_pid=$!
    : > "$work/rss"
    while kill -0 "$wrk_pid" 2>/dev/null; do echo "$(date +%s) $(rss_kb)" >> "$work/rss"; sleep 10; done
    wait "$wrk_pid"
    python3 - "$work/soak.json" "$work/rss" "$bound_mb" <<'PY'
import json, sys
result = json.loads(open(sys.argv[1]).read())
samples = [tuple(map(int, line.split())) for line in open(sys.argv[2]) if len(line.split()) == 2]
start = samples[0][0]
settled = [kb for t, kb in samples if t - start >= 60] or [samples[-1][1]]
growth_mb = (samples[-1][1] - settled[0]) / 1024
errors_5xx = sum(n for status, n in result["responses"].items() if status.startswith("5"))
result.update(case="soak", rss_first_kb=samples[0][1], rss_after_warmup_kb=settled[0], rss_end_kb=samples[-1][1],
              rss_max_kb=max(kb for _, kb in samples), rss_growth_mb=round(growth_mb, 1),
              rss_growth_bound_mb=float(sys.argv[3]), responses_5xx=errors_5xx)
print(json.dumps(result))
sys.exit(0 if growth_mb <= float(sys.argv[3]) and errors_5xx == 0 else 1)
PY
    exit $?
fi

for c in $levels; do
    before=$(rss_kb)
    line=$(run_wrk "$c" "$seconds")
    after=$(rss_kb)
    python3 -c "
import json, sys
r = json.loads(sys.argv[1])
r.update(connections=int(sys.argv[2]), rss_before_kb=int(sys.argv[3]), rss_after_kb=int(sys.argv[4]),
         responses_5xx=sum(n for s, n in r['responses'].items() if s.startswith('5')))
print(json.dumps(r))" "$line" "$c" "$before" "$after"
done
kill -TERM "$server"
wait "$server" 2>/dev/null || true
