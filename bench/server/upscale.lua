-- wrk script: POST /v1/upscale with a raw JPEG body; prints throughput and latency percentiles as
-- one JSON line. Environment: IMAGE (path), KEY (API key). It defines no response() callback:
-- that would make wrk hand every ~150 KB body to Lua, and on a 2-core machine the load generator's
-- CPU comes out of the server's. Responses by status come from the server's own counter instead.
local f = assert(io.open(os.getenv("IMAGE"), "rb"))
wrk.method = "POST"
wrk.path = "/v1/upscale?model=lanczos3&scale=2"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "image/jpeg"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")

function done(summary, latency)
  local seconds = summary.duration / 1e6
  io.write(string.format('{"case": "POST /v1/upscale", "seconds": %.2f, "requests": %d, "non_2xx": %d, ' ..
    '"p50_ms": %.1f, "p90_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, "socket_errors": %d}\n',
    seconds, summary.requests, summary.errors.status,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
