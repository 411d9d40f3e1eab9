#!/usr/bin/env bash
# The portal's throughput as a share of what bounds it, all measured in one run on this machine:
#   - GET /api/me (a Bearer token checked, the session and account read) against the ceiling, a bare
#     actix-web JSON handler (backend/examples/bare_actix.rs, same worker count), on SQLite, on
#     PostgreSQL with one instance, and with two instances on one PostgreSQL database (both loaded at
#     once; each figure and the sum);
#   - POST /api/auth/login against the argon2 limit: cores / (time of one argon2id verification at our
#     parameters, from the criterion benchmark run just before, backend/benches/auth.rs);
#   - POST /api/auth/verify-email (the refusal path: no registration matches) and POST
#     /api/auth/register on SQLite and PostgreSQL.
# PostgreSQL is used when 127.0.0.1:5432 answers (BENCH_POSTGRES, as user postgres without a password,
# as the API suite's TEST_DATABASE_URL): a fresh database, dropped at the end. The servers run as in
# scripts/bench.sh: abuse limits off (all load comes from one IP), a temporary data folder, the
# development mailer. Prints a table; results go to BENCHMARKS.md by hand.
#
# BENCH_DURATION (seconds per wrk run, 10 by default), BENCH_PORT (first of four ports, 18183).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

duration=${BENCH_DURATION:-10}
port=${BENCH_PORT:-18183}
pg_server=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
cores=$(nproc)
# The calls that hash a password take 2 x cores connections: one per argon2 slot (a slot per core) and
# as many waiting, within the server's default queue (PASSWORD_HASH_QUEUE, 2 x cores). More would be
# answered `503` at once by the gate, and those quick refusals would swamp the figures.
hashing=$((2 * cores))

ensure_rust
ensure_libpq
ensure_wrk
log "building otp-portal and the bare actix-web example (release)"
cargo build --release --locked -p otp-portal --bin otp-portal --example bare_actix
log "argon2id at our parameters (criterion, backend/benches/auth.rs)"
cargo bench --locked -p otp-portal --bench auth -- argon2id
# The login path verifies a password: the verification's mean, in milliseconds.
mean_ms() {
    python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["mean"]["point_estimate"] / 1e6)' \
        "$CARGO_TARGET_DIR/criterion/argon2id/$1/new/estimates.json"
}
argon2_ms=$(mean_ms verify)
# One verification on every core at once: what the cores reach together (memory bandwidth shared).
argon2_batch_ms=$(mean_ms verify_on_every_core)

work=$(mktemp -d)
# Copies, so that another build into the shared target folder cannot swap a binary mid-run.
cp "$CARGO_TARGET_DIR/release/otp-portal" "$CARGO_TARGET_DIR/release/examples/bare_actix" "$work/"
pids=()
pg_db=""
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "$pg_db" ]; then
        psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
    for _ in $(seq 150); do curl -sf "$1" >/dev/null && return; sleep 0.1; done
    log "no answer from $1"; cat "$2" 2>/dev/null || true; exit 1
}

# Starts a portal: name, port, DATABASE_URL, then any further VAR=value to set (after the defaults,
# so they win). Sets $server to its pid.
start_portal() {
    local dir="$work/$1" port=$2 url=$3
    shift 3
    mkdir -p "$dir"
    (
        cd "$dir"
        # One SECRET_KEY for every instance (README, "PostgreSQL and several instances"); no JWT_SECRET,
        # so access tokens are EdDSA from the database's key ring, the default.
        exec env BIND_ADDR="127.0.0.1:$port" DATA_DIR="$dir/data" DATABASE_URL="$url" \
            SECRET_KEY=bench-secret-key-bench-secret-key-0123456789 RUST_LOG=warn \
            LIMIT_MAIL_PER_IP_PER_HOUR=0 LIMIT_MAIL_PER_ADDRESS_PER_HOUR=0 LIMIT_MAIL_PER_HOUR=0 \
            LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR=0 CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR=0 \
            CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR=0 CAPTCHA_AFTER_MAIL_PER_HOUR=0 \
            LIMIT_LOGINS_PER_IP_PER_HOUR=0 LIMIT_CODE_CHECKS_PER_IP_PER_HOUR=0 \
            "$@" "$work/otp-portal" serve > server.log 2>&1
    ) &
    server=$!
    pids+=("$server")
    wait_for "http://127.0.0.1:$port/api/health" "$dir/server.log"
}

# Registers and verifies the account "bench" on the portal at port $1 (data folder $2) and prints its
# access token.
make_account() {
    local B="http://127.0.0.1:$1" J='Content-Type: application/json' registration code
    registration=$(curl -sf -X POST "$B/api/auth/register" -H "$J" \
        -d '{"username":"bench","email":"bench@example.com","password":"correct horse battery staple"}' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["registration_token"])')
    for _ in $(seq 100); do ls "$2"/data/mail/*.eml >/dev/null 2>&1 && break; sleep 0.1; done
    code=$(grep -hoE '^ +[0-9]{6}' "$2"/data/mail/*.eml | tr -d ' \r' | head -1)
    curl -sf -X POST "$B/api/auth/verify-email" -H "$J" \
        -d "{\"email\":\"bench@example.com\",\"code\":\"$code\",\"registration_token\":\"$registration\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

field() { sed -nE "s/.*\b$2=([^ ]+).*/\1/p" <<< "$1"; }
rows=()
declare -A rate
# Runs wrk and records a row: key, label, connections, BENCH_CALL, URL, and optional BENCH_TAG.
measure() {
    local key=$1 label=$2 connections=$3 call=$4 url=$5 tag=${6:-r} out
    log "$label (${duration}s, $connections connections); load average $(cut -d' ' -f1-3 /proc/loadavg)"
    out=$(BENCH_CALL=$call BENCH_TAG=$tag BENCH_TOKEN=${token:-} \
        wrk -t2 -c"$connections" -d"${duration}s" --latency -s scripts/bench/ratios.lua "$url" | grep '^RESULT')
    echo "$out"
    record "$key" "$label" "$out"
}
# As measure, with GET /api/health probed meanwhile on one connection of its own, every 10 ms (a
# monitor of the portal while a login storm keeps every argon2 slot busy): records that too, as
# "$1_health".
measure_with_health() {
    local key=$1 label=$2 health_out probe
    health_out=$(mktemp)
    BENCH_CALL=get BENCH_TOKEN="" BENCH_PAUSE_MS=10 wrk -t1 -c1 -d"${duration}s" --latency -s scripts/bench/ratios.lua \
        "${5%/api/auth/login}/api/health" | grep '^RESULT' > "$health_out" &
    probe=$!
    measure "$@"
    wait "$probe"
    echo "$(cat "$health_out")"
    record "${key}_health" "$label: meanwhile \`GET /api/health\` (1 connection, every 10 ms)" "$(cat "$health_out")"
    rm -f "$health_out"
}
# The rate of a call is its successful answers a second; of verify-email, whose refusal is what is
# measured, all its answers.
record() {
    case $1 in
        verify*) rate[$1]=$(field "$3" per_s) ;;
        *) rate[$1]=$(field "$3" ok_per_s) ;;
    esac
    rows+=("| $2 | $(field "$3" per_s) | $(field "$3" ok_per_s) | $(field "$3" p50_ms) ms | $(field "$3" p99_ms) ms | $(field "$3" non_2xx) | $(field "$3" errors) |")
}

# The ceiling: a bare actix-web handler, measured as key $1 with label $2.
bare_port=$((port + 3))
measure_ceiling() {
    "$work/bare_actix" "$bare_port" > "$work/bare.log" 2>&1 &
    bare=$!
    pids+=("$bare")
    wait_for "http://127.0.0.1:$bare_port/" "$work/bare.log"
    token=""
    measure "$1" "$2" 32 get "http://127.0.0.1:$bare_port/"
    kill "$bare"; wait "$bare" 2>/dev/null || true
}
measure_ceiling ceiling "bare actix-web \`GET /\` (ceiling)"

# SQLite, one instance.
start_portal sqlite "$port" "sqlite://$work/sqlite/data/portal.db"
sqlite=$server
token=$(make_account "$port" "$work/sqlite")
B="http://127.0.0.1:$port"
measure me_sqlite "SQLite: \`GET /api/me\`" 32 get "$B/api/me"
token=""
measure_with_health login_sqlite "SQLite: \`POST /api/auth/login\`" "$hashing" login "$B/api/auth/login"
measure verify_sqlite "SQLite: \`POST /api/auth/verify-email\` (refused, 410)" 32 verify "$B"
measure register_sqlite "SQLite: \`POST /api/auth/register\`" "$hashing" register "$B"
kill "$sqlite"; wait "$sqlite" 2>/dev/null || true

if listening 5432 && command -v psql >/dev/null; then
    pg_db="otp_bench_ratios_$$"
    psql -q "$pg_server/postgres" -c "CREATE DATABASE $pg_db" >/dev/null
    pg_url="$pg_server/$pg_db"
    start_portal pg1 "$port" "$pg_url"
    first=$server
    token=$(make_account "$port" "$work/pg1")
    measure me_pg "PostgreSQL, 1 instance: \`GET /api/me\`" 32 get "$B/api/me"
    pg_token=$token
    token=""
    measure_with_health login_pg "PostgreSQL, 1 instance: \`POST /api/auth/login\`" "$hashing" login "$B/api/auth/login"
    measure verify_pg "PostgreSQL, 1 instance: \`POST /api/auth/verify-email\` (refused, 410)" 32 verify "$B"
    measure register_pg "PostgreSQL, 1 instance: \`POST /api/auth/register\`" "$hashing" register "$B"

    # Two instances on the one database, each driven by its own wrk at once (half the connections
    # each), the token made by the first.
    start_portal pg2 "$((port + 1))" "$pg_url"
    log "PostgreSQL, 2 instances: GET /api/me on both at once (${duration}s, 16 + 16 connections)"
    for n in 1 2; do
        BENCH_CALL=get BENCH_TOKEN=$pg_token \
            wrk -t1 -c16 -d"${duration}s" --latency -s scripts/bench/ratios.lua \
            "http://127.0.0.1:$((port + n - 1))/api/me" > "$work/wrk$n.txt" &
        pids+=($!)
        eval "wrk$n=\$!"
    done
    wait "$wrk1" "$wrk2"
    for n in 1 2; do
        out=$(grep '^RESULT' "$work/wrk$n.txt")
        echo "$out"
        record "me_pg2_$n" "PostgreSQL, 2 instances: \`GET /api/me\` on instance $n" "$out"
    done
    rate[me_pg2]=$(awk -v a="${rate[me_pg2_1]}" -v b="${rate[me_pg2_2]}" 'BEGIN { printf "%.1f", a + b }')
    rows+=("| PostgreSQL, 2 instances: \`GET /api/me\`, sum | | ${rate[me_pg2]} | | | | |")
    for pid in "$first" "$server"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done

    # What the per-client budgets cost when the database counts them (PostgreSQL: every instance
    # shares the count). A code check spends the client's budget in memory, then in the database. The
    # budget is large enough never to refuse in a run, so every request pays the count. One client (all
    # requests update one row) and many (each request from another address, as a proxy in front says).
    start_portal pg_limits "$port" "$pg_url" LIMIT_CODE_CHECKS_PER_IP_PER_HOUR=100000000 \
        TRUSTED_PROXIES=127.0.0.1
    measure verify_pg_counted "PostgreSQL, 1 instance, per-client budget counted, 1 client: \`POST /api/auth/verify-email\` (refused, 410)" 32 verify "$B" c1
    measure verify_pg_counted_many "PostgreSQL, 1 instance, per-client budget counted, a client per request: \`POST /api/auth/verify-email\` (refused, 410)" 32 verify_from_many "$B" c2
    refused=$(grep -c "refused by a shared client budget" "$work/pg_limits/server.log" || true)
    log "requests the counted budget refused (429) in those two runs: $refused"
    rows+=("| (requests refused by the counted budget in the two runs above: $refused) | | | | | | |")
    kill "$server"; wait "$server" 2>/dev/null || true
else
    log "nothing answers on 127.0.0.1:5432: PostgreSQL skipped"
fi

# The ceiling again, to see whether the machine changed under the run.
measure_ceiling ceiling_end "bare actix-web \`GET /\` (ceiling, again at the end)"

limit=$(awk -v c="$cores" -v ms="$argon2_ms" 'BEGIN { printf "%.1f", c * 1000 / ms }')
limit_together=$(awk -v c="$cores" -v ms="$argon2_batch_ms" 'BEGIN { printf "%.1f", c * 1000 / ms }')
ratio() { awk -v a="${rate[$1]:-}" -v b="$2" 'BEGIN { if (a == "" || b == 0) print "n/a"; else printf "%.1f %%", 100 * a / b }'; }

log "summary: $cores cores, ${duration}s per run, load generator on the same machine"
echo "| call | answers/s | 2xx/s | p50 | p99 | 400 and up | socket errors |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
printf 'argon2id verification at our parameters: %.2f ms; limit = %d cores / that = %s logins/s\n' \
    "$argon2_ms" "$cores" "$limit"
printf 'one verification on each of the %d cores at once: %.2f ms; limit = %s logins/s\n' \
    "$cores" "$argon2_batch_ms" "$limit_together"
echo
echo "| ratio | value | target |"
echo "|---|---:|---:|"
echo "| SQLite \`GET /api/me\` ÷ ceiling | $(ratio me_sqlite "${rate[ceiling]}") | ≥ 50 % |"
echo "| PostgreSQL (1 instance) \`GET /api/me\` ÷ ceiling | $(ratio me_pg "${rate[ceiling]}") | ≥ 50 % |"
echo "| PostgreSQL (2 instances, sum) \`GET /api/me\` ÷ ceiling | $(ratio me_pg2 "${rate[ceiling]}") | |"
echo "| SQLite login ÷ argon2 limit | $(ratio login_sqlite "$limit") | ≥ 90 % |"
echo "| PostgreSQL login ÷ argon2 limit | $(ratio login_pg "$limit") | ≥ 90 % |"
echo "| PostgreSQL refused verify-email, budget counted (1 client) ÷ not counted | $(ratio verify_pg_counted "${rate[verify_pg]:-0}") | |"
echo "| PostgreSQL refused verify-email, budget counted (a client per request) ÷ not counted | $(ratio verify_pg_counted_many "${rate[verify_pg]:-0}") | |"
echo "| SQLite login ÷ limit of all cores hashing at once | $(ratio login_sqlite "$limit_together") | |"
echo "| PostgreSQL login ÷ limit of all cores hashing at once | $(ratio login_pg "$limit_together") | |"
