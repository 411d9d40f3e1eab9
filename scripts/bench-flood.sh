#!/usr/bin/env bash
# A registration flood from many clients against a release build: FLOOD_CONCURRENCY (500 and 50 by
# default) connections send registrations back to back for BENCH_DURATION, every one with its own
# username, address and client IP (X-Forwarded-For from a trusted proxy), with the mail limits and the
# CAPTCHA off, so that every request reaches the password-hashing gate. Meanwhile a second client
# measures GET /api/health. Reports per run: 202s, 503s with and without `Retry-After: 1`, the server's
# peak RSS (VmHWM) against MEMORY_CEILING_MIB, health p50/p99, and where the CPU went (the server, the
# load generator, anything else running on the machine). Results go to BENCHMARKS.md by hand.
#
# BENCH_SERVER_ENV adds variables to the server's environment (e.g. "MALLOC_MMAP_THRESHOLD_=131072").
# BENCH_PROBE_PATH measures another path in place of /api/health (e.g. /api/no-such-route, a 404 that
# touches neither the database pool nor a blocking thread: the control for health's own work).
# BENCH_FLOOD_NICE runs the flood's wrk at that niceness (e.g. 19), so that on a machine without spare
# cores the server is served first, as it would be with the load coming from elsewhere.
#
# Mail goes to a local SMTP sink (aiosmtpd from PyPI, in ~/.cache/otp-portal/bench-venv), so that the
# mail worker does its real work. wrk generates the load: it is C, so it takes far less of the two cores
# from the server than a client in Python would, and its Lua hooks give unique bodies and count answers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

duration=${BENCH_DURATION:-20}             # seconds of flood per run
# The probe starts 2 s into the flood and stops 2 s before its end, so it needs a few seconds between.
if ! [[ $duration =~ ^[0-9]+$ ]] || ((duration < 6)); then
    echo "BENCH_DURATION must be a whole number of seconds, at least 6 (got '$duration')" >&2
    exit 2
fi
read -ra concurrencies <<< "${FLOOD_CONCURRENCY:-500 50}"
port=${BENCH_PORT:-18182}
smtp_port=${BENCH_SMTP_PORT:-18525}
# The stated ceiling, argued in BENCHMARKS.md: baseline + argon2 slots x 19 MiB + the in-flight requests.
ceiling_mib=${MEMORY_CEILING_MIB:-128}
venv="$HOME/.cache/otp-portal/bench-venv"
B="http://127.0.0.1:$port"
probe=${BENCH_PROBE_PATH:-/api/health}

ensure_rust
ensure_wrk
ensure_aiosmtpd "$venv"
log "building otp-portal (release)"
cargo build --release --locked -p otp-portal

work=$(mktemp -d)
# A copy, so that another build into the shared target folder cannot swap the binary between runs.
cp "$CARGO_TARGET_DIR/release/otp-portal" "$work/otp-portal"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "${BENCH_KEEP:-}" ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

"$venv/bin/python" -m aiosmtpd -n -c aiosmtpd.handlers.Sink -l "127.0.0.1:$smtp_port" \
    > "$work/smtp.log" 2>&1 &
pids+=($!)
smtp_sink=$!
for _ in $(seq 100); do listening "$smtp_port" && break; sleep 0.1; done
listening "$smtp_port" || { log "the SMTP sink did not start"; cat "$work/smtp.log"; exit 1; }

# CPU time in clock ticks: of process $1 (user + system), and of the whole machine (busy, all cores).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# CPU time of this script's children that have been waited for (wrk, the sampler): cutime + cstime.
children_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }
# Cores busy on average over the flood, from two tick counts.
per_second() { awk -v a="$1" -v b="$2" -v t="$(getconf CLK_TCK)" -v d="$duration" 'BEGIN { printf "%.2f", (b - a) / t / d }'; }
field() { sed -nE "s/.*\b$2=([^ ]+).*/\1/p" <<< "$1"; }
status_kib() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Peak RSS and thread count of process $1, every 100 ms, until file $2 exists; the maxima go to $3.
sample() {
    local rss threads max_rss=0 max_threads=0
    while [ ! -e "$2" ] && [ -e "/proc/$1/status" ]; do
        read -r rss threads < <(awk '$1 == "VmRSS:" { r = $2 } $1 == "Threads:" { t = $2 }
                                    END { print r + 0, t + 0 }' "/proc/$1/status")
        [ "$rss" -gt "$max_rss" ] && max_rss=$rss
        [ "$threads" -gt "$max_threads" ] && max_threads=$threads
        sleep 0.1
    done
    echo "$max_rss $max_threads" > "$3"
}

summary=()
for concurrency in "${concurrencies[@]}"; do
    run="$work/c$concurrency"
    mkdir -p "$run"
    log "flood of $concurrency concurrent registrations for ${duration}s, on a fresh server"
    (
        cd "$run"
        exec env BIND_ADDR="127.0.0.1:$port" DATA_DIR="$run/data" DATABASE_URL="sqlite://$run/data/portal.db" \
            SMTP_URL="smtp://127.0.0.1:$smtp_port?tls=none" TRUSTED_PROXIES=127.0.0.1 \
            JWT_SECRET=bench-secret-bench-secret-bench-secret-0123 RUST_LOG=warn \
            LIMIT_MAIL_PER_IP_PER_HOUR=0 LIMIT_MAIL_PER_ADDRESS_PER_HOUR=0 LIMIT_MAIL_PER_HOUR=0 \
            LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR=0 CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR=0 \
            CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR=0 CAPTCHA_AFTER_MAIL_PER_HOUR=0 \
            ${BENCH_SERVER_ENV:-} "$work/otp-portal" serve > server.log 2>&1
    ) &
    server=$!
    pids+=("$server")
    for _ in $(seq 100); do curl -sf "$B/api/health" >/dev/null && break; sleep 0.1; done
    curl -sf "$B/api/health" >/dev/null || { log "the server did not start"; cat "$run/server.log"; exit 1; }

    log "GET $probe alone (5s); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    idle=$(wrk -t1 -c2 -d5s --latency -s scripts/bench/health.lua "$B$probe" | grep '^HEALTH')
    echo "$idle"
    baseline_kib=$(status_kib "$server" VmRSS)

    cpu_before=$(cpu_ticks "$server")
    machine_before=$(machine_ticks)
    generator_before=$(children_ticks)
    sink_before=$(cpu_ticks "$smtp_sink")
    sample "$server" "$run/stop" "$run/peaks" &
    pids+=($!)
    sampler=$!
    nice -n "${BENCH_FLOOD_NICE:-0}" \
        wrk -t2 -c"$concurrency" -d"${duration}s" --timeout 10s --latency -s scripts/bench/flood.lua "$B" \
        > "$run/flood.txt" 2>&1 &
    pids+=($!)
    flood=$!
    sleep 2
    log "GET $probe during the flood ($((duration - 4))s)"
    during=$(wrk -t1 -c2 -d"$((duration - 4))s" --timeout 10s --latency -s scripts/bench/health.lua "$B$probe" |
        grep '^HEALTH')
    echo "$during"
    wait "$flood" || true
    cores=$(per_second "$cpu_before" "$(cpu_ticks "$server")")
    machine=$(per_second "$machine_before" "$(machine_ticks)")
    sink=$(per_second "$sink_before" "$(cpu_ticks "$smtp_sink")")
    touch "$run/stop"
    wait "$sampler" || true
    # Both wrk runs and the sampler, all waited for by now.
    generator=$(per_second "$generator_before" "$(children_ticks)")
    # Whatever else ran on the machine meanwhile (other builds and tests): not the server, the load
    # generator or the SMTP sink.
    others=$(awk -v m="$machine" -v s="$cores" -v g="$generator" -v k="$sink" \
        'BEGIN { o = m - s - g - k; printf "%.2f", o < 0 ? 0 : o }')
    sed -n '/Latency Distribution/,/Requests\/sec/p' "$run/flood.txt"
    flood_line=$(grep '^FLOOD' "$run/flood.txt") || { cat "$run/flood.txt"; exit 1; }
    echo "$flood_line"
    hwm_kib=$(status_kib "$server" VmHWM)
    read -r peak_rss_kib peak_threads < "$run/peaks"
    rows=$(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select count(*) from registrations").fetchone()[0])' "$run/data/portal.db")
    saturated=$(grep -c 'password hashing saturated' "$run/server.log" || true)
    kill "$server"
    wait "$server" 2>/dev/null || true

    held=held
    [ "$hwm_kib" -gt $((ceiling_mib * 1024)) ] && held=EXCEEDED
    f() { field "$flood_line" "$1"; }
    summary+=("| $concurrency | $(f accepted) | $(f accepted_per_s) | $(f busy_retry_after_1) |\
 $(f busy_without_retry_after) | $(f other) | $(f errors) | $rows | $cores | $generator | $others |\
 $(mib "$baseline_kib") MiB |\
 $(mib "$hwm_kib") MiB ($held) | $peak_threads | $(field "$idle" p50_ms) / $(field "$idle" p99_ms) ms |\
 $(field "$during" p50_ms) / $(field "$during" p99_ms) ms, $(field "$during" errors) errors |")
    log "registrations stored: $rows; 'password hashing saturated' warnings logged: $saturated;" \
        "peak RSS sampled: $(mib "$peak_rss_kib") MiB; peak threads: $peak_threads;" \
        "CPU (cores): server $cores, wrk and sampler $generator, SMTP sink $sink, other processes $others"
done

log "summary: $(nproc) cores, ${duration}s per run, memory ceiling $ceiling_mib MiB, probe $probe${BENCH_FLOOD_NICE:+, flood at nice $BENCH_FLOOD_NICE}${BENCH_SERVER_ENV:+, server with $BENCH_SERVER_ENV}"
echo "| concurrent | 202 | 202/s | 503 + Retry-After: 1 | 503 without | other | socket errors | stored | server CPU (cores) |\
 wrk (cores) | other processes (cores) | RSS at start | peak RSS (VmHWM) | peak threads | probe p50 / p99 idle |\
 probe p50 / p99 flood |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${summary[@]}"
