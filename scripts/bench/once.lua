-- A fixed amount of work instead of a duration (scripts/bench-mail.sh): each line of the file
-- BENCH_BODIES is POSTed once, as JSON, to the path of the URL given to wrk, then wrk is stopped. Used
-- for a burst of registrations and for verifications whose codes work once. Run it with one thread
-- (-t1): the thread knows when the last answer is in, and one wrk thread sends far more requests than
-- these calls are answered at.
--   BENCH_ANSWERS  when set, the body of every 2xx answer is written there, one a line (a registration's
--                  answer names its address and carries its registration token)
-- When every body has had its answer, the thread notes the time and sends wrk SIGINT, which ends its
-- sleep of -d at once (-d is then only a cap, for answers lost to a socket error); until wrk stops, the
-- thread's connections stay idle. The RESULT line's seconds run from the thread's start to the last
-- answer; wrk's own duration also counts its shutdown (up to 100 ms).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local bodies = {}
local answers
local path = wrk.path
local reserved = 0
sent, answered, ok, busy, other, other_status = 0, 0, 0, 0, 0, ""
started, finished = "", ""

local function clock()
  local date = io.popen("date +%s.%N")
  local now = date:read("*l")
  date:close()
  return now
end

function init(args)
  for line in io.lines(os.getenv("BENCH_BODIES")) do
    if line ~= "" then table.insert(bodies, line) end
  end
  local file = os.getenv("BENCH_ANSWERS")
  if file and file ~= "" then answers = io.open(file, "a") end
  started = clock()
end

-- wrk asks for a delay before every request: none while bodies are left, otherwise an hour, so that a
-- connection with nothing left to send stays quiet while the others wait for their answers.
function delay()
  if reserved < #bodies then
    reserved = reserved + 1
    return 0
  end
  return 3600000
end

function request()
  -- wrk's start-up asks for one request to check it, before any connection asks for a delay: that one
  -- is never sent.
  if reserved == 0 then
    return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, bodies[1])
  end
  sent = sent + 1
  if sent > #bodies then
    -- Only after a reconnection, which asks for a request without a delay first; a cheap one.
    return wrk.format("GET", "/api/health")
  end
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, bodies[sent])
end

function response(status, headers, body)
  answered = answered + 1
  if status >= 200 and status < 300 then
    ok = ok + 1
    if answers then answers:write(body, "\n") end
  elseif status == 503 then
    busy = busy + 1
  else
    other = other + 1
    other_status = tostring(status)
  end
  if sent >= #bodies and answered == sent and finished == "" then
    if answers then answers:close(); answers = nil end
    -- popen, not os.execute: system() ignores SIGINT in wrk while its child runs, and would drop it.
    local stop = io.popen("date +%s.%N; kill -INT $PPID")
    finished = stop:read("*l")
    stop:close()
  end
end

function done(summary, latency, requests)
  local n, a, o, b, x, s, first, last = 0, 0, 0, 0, 0, "", nil, nil
  for _, thread in ipairs(threads) do
    n = n + thread:get("sent")
    a = a + thread:get("answered")
    o = o + thread:get("ok")
    b = b + thread:get("busy")
    x = x + thread:get("other")
    if thread:get("other_status") ~= "" then s = thread:get("other_status") end
    local t0, t1 = tonumber(thread:get("started")), tonumber(thread:get("finished"))
    if t0 and (not first or t0 < first) then first = t0 end
    if t1 and (not last or t1 > last) then last = t1 end
  end
  local complete = last ~= nil
  local seconds = complete and (last - first) or summary.duration / 1e6
  io.write(string.format(
    "RESULT complete=%s sent=%d answered=%d ok=%d busy_503=%d other=%d other_status=%s errors=%d " ..
    "started=%.6f finished=%.6f seconds=%.3f per_s=%.1f ok_per_s=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    tostring(complete), n, a, o, b, x, s == "" and "-" or s,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    first or 0, last or 0, seconds, a / seconds, o / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
