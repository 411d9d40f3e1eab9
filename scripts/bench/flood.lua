-- A registration flood from many clients (scripts/bench-flood.sh): every request has its own username,
-- address and client IP, the last one in X-Forwarded-For, which the server reads because the bench
-- starts it with TRUSTED_PROXIES=127.0.0.1. The answers are counted: 202 (a hash was made), 503 with
-- and without `Retry-After: 1` (the password-hashing gate was full), anything else.
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
  table.insert(threads, thread)
end

thread_id = 0
accepted, busy_retry, busy_plain, other, other_status = 0, 0, 0, 0, ""
local counter = 0

function request()
  counter = counter + 1
  local id = "f" .. thread_id .. "n" .. counter
  -- 10.0.0.0/8 split between up to four threads: 4 194 304 distinct addresses each.
  local n = ((thread_id - 1) * 4194304 + counter) % 16777216
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536), math.floor(n / 256) % 256, n % 256)
  local body = '{"username":"' .. id .. '","email":"' .. id ..
    '@example.com","password":"correct horse battery staple"}'
  return wrk.format("POST", "/api/auth/register",
    { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip }, body)
end

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  elseif status == 503 then
    if (headers["retry-after"] or headers["Retry-After"]) == "1" then
      busy_retry = busy_retry + 1
    else
      busy_plain = busy_plain + 1
    end
  else
    other = other + 1
    other_status = tostring(status)
  end
end

function done(summary, latency, requests)
  local a, r, p, o, s = 0, 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    a = a + thread:get("accepted")
    r = r + thread:get("busy_retry")
    p = p + thread:get("busy_plain")
    o = o + thread:get("other")
    if thread:get("other_status") ~= "" then s = thread:get("other_status") end
  end
  local seconds = summary.duration / 1e6
  -- One line for the bench script to read.
  io.write(string.format(
    "FLOOD accepted=%d busy_retry_after_1=%d busy_without_retry_after=%d other=%d other_status=%s " ..
    "errors=%d seconds=%.2f accepted_per_s=%.1f p50_ms=%.1f p99_ms=%.1f\n",
    a, r, p, o, s == "" and "-" or s,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    seconds, a / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
