-- GET /api/health while scripts/bench-flood.sh floods registrations: one line with its latency.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "HEALTH requests=%d per_s=%.0f errors=%d non_2xx=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.requests / seconds,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
