#!/usr/bin/env bash
# Server and queue benchmarks, each as one JSON line on standard output:
#   1. in-process baseline: decode + Lanczos 2x + JPEG encode of a 600x400 JPEG on W threads;
#   2. POST /v1/upscale of the same JPEG through `retouch serve --workers W` under wrk with 64
#      connections from a second process (throughput of 200s, latency percentiles, responses by status);
#   3. POST /v1/jobs of a one-image job on SQLite under wrk (enqueue rate);
#   4. N one-image jobs through 4 `retouch worker` processes on PostgreSQL, then a check that every
#      job succeeded with exactly one result (skipped without PostgreSQL: set RETOUCH_TEST_POSTGRES_URL
#      or let scripts/postgres.sh start one).
# Usage: bench/server/run.sh     SECONDS_PER_CASE=20 W=$(nproc) JOBS=10000 set the run length, server
# workers and the number of queued jobs; ROUNDS=2 how many alternating baseline/server rounds share
# the run length; SCRATCH_PATH the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${SECONDS_PER_CASE:-20}"
workers="${W:-$(nproc)}"
njobs="${JOBS:-10000}"
work=$(mktemp -d /tmp/retouch-server-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

command -v wrk >/dev/null || { SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo); $SUDO apt-get install -y -qq wrk >/dev/null; }
bench/fetch_photos.sh >/dev/null
scratch="${SCRATCH_PATH:-.build}"
swift build -c release --scratch-path "$scratch" --product retouch 2>&1 | grep -E 'error|warning: unre' || true
swift build -c release --scratch-path "$scratch" --product retouch-server-bench 2>&1 | grep -E 'error|warning: unre' || true
bin="$scratch/release"
image=bench/data/photo-600x400.jpg
[ -f "$image" ] || python3 -c "
from PIL import Image
Image.open('bench/data/photo-1200x800.jpg').resize((600, 400), Image.LANCZOS).save('$image', quality=90)"

# The server, with its job store in the scratch folder and a key for wrk.
key=$("$bin/retouch" keys create bench --db "$work/db.sqlite" 2>/dev/null)
"$bin/retouch" serve --port 0 --db "$work/db.sqlite" --blobs "$work/blobs" --workers "$workers" --queue 64 \
    --job-workers 0 --max-queued-jobs 1000000 --log-level warning > "$work/serve.out" 2> "$work/serve.err" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o '[0-9]*$' "$work/serve.out")
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
. bench/server/statuses.sh
upscale() { IMAGE="$image" KEY="$key" wrk -t1 -c64 -d"$1s" --timeout 30s -s bench/server/upscale.lua "http://127.0.0.1:$port"; }
# A warm-up, as for any server measurement (first-touch page faults, allocator growth, lazy
# set-up), then baseline and server in alternating rounds, so that a slow spell of a shared
# machine falls on both sides rather than on whichever ran second.
upscale 3 > /dev/null
statuses_settled "$work/statuses.warm"
rounds="${ROUNDS:-2}"
slice=$(( (seconds + rounds - 1) / rounds ))
statuses_snapshot "$work/statuses.before"
for _ in $(seq "$rounds"); do
    "$bin/retouch-server-bench" baseline "$image" --threads "$workers" --seconds "$slice" >> "$work/baseline.jsonl"
    before=$(cpu_ticks)
    upscale "$slice" | grep '^{' >> "$work/upscale.jsonl"
    after=$(cpu_ticks)
    echo "$((after - before))" >> "$work/ticks"
    # Requests wrk left in flight must finish before the next baseline slice, or they would share its cores.
    statuses_settled "$work/statuses.round"
done
statuses_settled "$work/statuses.after"
# Throughput from wrk's own counts in its windows; the server's own CPU per image, whatever wrk
# takes; responses by status (including requests still in flight when wrk stopped) from the server.
python3 - "$work" "$(getconf CLK_TCK)" "$(statuses_delta "$work/statuses.before" "$work/statuses.after")" <<'PY'
import json, sys
work, tick = sys.argv[1], int(sys.argv[2])
base = [json.loads(line) for line in open(f"{work}/baseline.jsonl")]
runs = [json.loads(line) for line in open(f"{work}/upscale.jsonl")]
ticks = sum(int(line) for line in open(f"{work}/ticks"))
images, seconds = sum(b["images"] for b in base), sum(b["seconds"] for b in base)
print(json.dumps({"case": "in-process upscale", "model": base[0]["model"], "threads": base[0]["threads"],
                  "rounds": len(base), "images": images, "seconds": round(seconds, 2),
                  "images_per_second": round(images / seconds, 1),
                  "cpu_ms_per_image": round(sum(b["cpu_ms_per_image"] * b["images"] for b in base) / images, 2)}))
ok = sum(r["requests"] - r["non_2xx"] for r in runs)
wall = sum(r["seconds"] for r in runs)
result = {"case": "POST /v1/upscale", "rounds": len(runs), "seconds": round(wall, 2),
          "requests": sum(r["requests"] for r in runs), "non_2xx": sum(r["non_2xx"] for r in runs),
          "ok_per_second": round(ok / wall, 1),
          "ratio_to_in_process": round(ok / wall / (images / seconds), 3),
          "ratio_by_round": [round((r["requests"] - r["non_2xx"]) / r["seconds"] / (b["images"] / b["seconds"]), 3)
                             for r, b in zip(runs, base)],
          "worst_round_p50_ms": max(r["p50_ms"] for r in runs), "worst_round_p99_ms": max(r["p99_ms"] for r in runs),
          "max_ms": max(r["max_ms"] for r in runs), "socket_errors": sum(r["socket_errors"] for r in runs),
          "responses": json.loads(sys.argv[3]),
          "server_cpu_ms_per_image": round(ticks * 1000 / tick / max(ok, 1), 2)}
print(json.dumps(result))
PY
python3 -c "
from PIL import Image
Image.new('RGB', (16, 16), (200, 120, 40)).save('$work/tile.png')"
IMAGE="$work/tile.png" KEY="$key" wrk -t1 -c16 -d10s -s bench/server/jobs.lua "http://127.0.0.1:$port" | grep '^{'
kill -TERM "$server" 2>/dev/null || true

url="${RETOUCH_TEST_POSTGRES_URL:-$(scripts/postgres.sh start 2>/dev/null || true)}"
if [ -z "$url" ]; then echo '{"case": "queue on PostgreSQL", "skipped": "no PostgreSQL"}'; exit 0; fi
schema="bench_$(date +%s)"
"$bin/retouch-server-bench" enqueue --db "$url" --schema "$schema" --blobs "$work/blobs" --jobs "$njobs"
start=$(date +%s.%N)
for n in 1 2 3 4; do
    "$bin/retouch" worker --db "$url" --schema "$schema" --blobs "$work/blobs" --log-level warning \
        > "$work/worker$n.log" 2>&1 &
done
"$bin/retouch-server-bench" verify --db "$url" --schema "$schema" --jobs "$njobs"
# Lost leases and retried writes are part of the design; show them rather than hide them.
grep -h -E "warning|error" "$work"/worker*.log >&2 || true
end=$(date +%s.%N)
python3 -c "print('{\"case\": \"4 workers on PostgreSQL\", \"jobs\": $njobs, \"jobs_per_second\": %.1f}' % ($njobs / ($end - $start)))"
psql "$url" -qc "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1 || true
