-- wrk script: POST /v1/upscale with a raw JPEG body; counts responses by status and prints them,
-- with latency percentiles, as one JSON line. Environment: IMAGE (path), KEY (API key).
local f = assert(io.open(os.getenv("IMAGE"), "rb"))
wrk.method = "POST"
wrk.path = "/v1/upscale?model=lanczos3&scale=2"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "image/jpeg"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() statuses = {} end
function response(status) statuses[status] = (statuses[status] or 0) + 1 end

function done(summary, latency)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do counts[status] = (counts[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counts) do table.insert(parts, string.format('"%d": %d', status, n)) end
  local seconds = summary.duration / 1e6
  io.write(string.format('{"case": "POST /v1/upscale", "seconds": %.2f, "responses": {%s}, "ok_per_second": %.3f, ' ..
    '"p50_ms": %.1f, "p90_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, "socket_errors": %d}\n',
    seconds, table.concat(parts, ", "), (counts[200] or 0) / seconds,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
