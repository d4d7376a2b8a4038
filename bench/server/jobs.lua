-- wrk script: POST /v1/jobs with one small PNG in multipart; prints accepted jobs per second.
-- Environment: IMAGE (path), KEY (API key).
local f = assert(io.open(os.getenv("IMAGE"), "rb"))
local image = f:read("*all")
f:close()
local boundary = "retouch-bench-boundary"
wrk.method = "POST"
wrk.path = "/v1/jobs"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
wrk.body = "--" .. boundary .. "\r\n" ..
  'Content-Disposition: form-data; name="image_file"; filename="tile.png"\r\n\r\n' .. image .. "\r\n" ..
  "--" .. boundary .. "\r\n" ..
  'Content-Disposition: form-data; name="config_json"\r\n\r\n{"steps": ["decode", "encode"]}\r\n' ..
  "--" .. boundary .. "--\r\n"

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() accepted = 0; other = 0 end
function response(status) if status == 202 then accepted = accepted + 1 else other = other + 1 end end

function done(summary, latency)
  local a, o = 0, 0
  for _, thread in ipairs(threads) do a = a + thread:get("accepted"); o = o + thread:get("other") end
  local seconds = summary.duration / 1e6
  io.write(string.format('{"case": "POST /v1/jobs (SQLite)", "seconds": %.2f, "accepted": %d, "other": %d, ' ..
    '"jobs_per_second": %.1f, "p99_ms": %.1f}\n', seconds, a, o, a / seconds, latency:percentile(99) / 1e3))
end
