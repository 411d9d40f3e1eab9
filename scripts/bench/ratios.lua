-- The calls of scripts/bench-ratios.sh, chosen by BENCH_CALL, and one RESULT line per run for the
-- script to read. Only the calls that need a new body per request define request(): otherwise wrk
-- sends one prepared request over and over, at the least cost to the load generator.
--   get       GET of the URL given to wrk, with `Authorization: Bearer $BENCH_TOKEN` when set
--   login     the bench account's login (scripts/bench/login.lua)
--   register  a new account per request, unique names as in scripts/bench/register.lua
--   verify    verify-email with a code and registration token that match nothing (a unique address
--             each time): the refusal path, `410 code_expired`, without argon2
--   verify_from_many  the same, each request from another client address (X-Forwarded-For)
local call = os.getenv("BENCH_CALL") or "get"
-- Distinguishes the names of two runs on one database.
local tag = os.getenv("BENCH_TAG") or "r"
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

thread_id = 0
local counter = 0

if call == "get" then
  local token = os.getenv("BENCH_TOKEN")
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
elseif call == "login" then
  wrk.method = "POST"
  wrk.body = '{"login":"bench","password":"correct horse battery staple"}'
  wrk.headers["Content-Type"] = "application/json"
elseif call == "register" then
  function request()
    counter = counter + 1
    local id = tag .. "t" .. thread_id .. "n" .. counter
    local body = '{"username":"' .. id .. '","email":"' .. id ..
      '@example.com","password":"correct horse battery staple"}'
    return wrk.format("POST", "/api/auth/register", { ["Content-Type"] = "application/json" }, body)
  end
elseif call == "verify" or call == "verify_from_many" then
  function request()
    counter = counter + 1
    local id = tag .. "v" .. thread_id .. "n" .. counter
    local body = '{"email":"' .. id .. '@example.com","code":"042917",' ..
      '"registration_token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'
    local headers = { ["Content-Type"] = "application/json" }
    if call == "verify_from_many" then
      -- Another client each time, as a trusted proxy in front reports it (TRUSTED_PROXIES).
      headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", thread_id, math.floor(counter / 256) % 256, counter % 256)
    end
    return wrk.format("POST", "/api/auth/verify-email", headers, body)
  end
end

-- BENCH_PAUSE_MS: a pause before each request, for a client that probes rather than loads (the health
-- check during a login storm: a monitor asking every few milliseconds, not a second flood).
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "")
if pause then
  function delay()
    return pause
  end
end

-- ok_per_s leaves out the answers of 400 and up: a `503` of the password-hashing gate is quick and
-- would otherwise count as throughput.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d per_s=%.1f ok_per_s=%.1f errors=%d non_2xx=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.requests / seconds, (summary.requests - summary.errors.status) / seconds,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000))
end
