# Sourced by the server benches: responses by status, read from the server's own counter
# (retouch_http_requests_total) rather than from wrk, whose Lua response() callback would copy
# every result body and take CPU from the server on a small machine.
#   statuses_snapshot FILE            needs $port and $key
#   statuses_delta BEFORE AFTER       prints {"200": n, "429": n, ...} for POST /v1/upscale

statuses_snapshot() {
    curl -s -H "Authorization: Bearer $key" "http://127.0.0.1:$port/metrics" \
        | grep '^retouch_http_requests_total{.*route="/v1/upscale"' > "$1" || true
}

# Requests wrk abandoned when it stopped still finish; wait until the counter stops moving.
statuses_settled() {
    local previous
    previous=$(mktemp)
    for _ in $(seq 100); do
        statuses_snapshot "$previous"; sleep 0.3; statuses_snapshot "$1"
        cmp -s "$previous" "$1" && break
    done
    rm -f "$previous"
}

statuses_delta() {
    python3 - "$1" "$2" <<'PY'
import json, re, sys
def counts(path):
    result = {}
    for line in open(path):
        status = re.search(r'status="(\d+)"', line).group(1)
        result[status] = result.get(status, 0) + int(float(line.split()[-1]))
    return result
before, after = counts(sys.argv[1]), counts(sys.argv[2])
print(json.dumps({s: n - before.get(s, 0) for s, n in sorted(after.items()) if n > before.get(s, 0)}))
PY
}
