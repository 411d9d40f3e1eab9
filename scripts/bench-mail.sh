#!/usr/bin/env bash
# What the ratios run leaves out (BENCHMARKS.md, "Not measured"), on SQLite and on PostgreSQL:
#   - POST /api/auth/register with an SMTP sink that answers at once, and again with one that holds back
#     its reply to each message's data (the `250` after the final ".") for BENCH_SMTP_DELAY, 2 s; every
#     other SMTP reply comes at once. A registration only commits its mail to the outbox and a worker
#     delivers it, so its latency should not follow the relay's: the p99 ratio says whether it does.
#   - A burst of BENCH_BURST registrations, each with its own username and address, each sent once
#     (scripts/bench/once.lua) over 2 x cores connections. That stays within the argon2 gate's slots and
#     queue, so none should be refused; a `503` is counted anyway and its registration sent again in
#     another round, a second later (the gate's Retry-After), until every one is registered. Then the time
#     from the burst's last answer until the sink holds every mail (the outbox drained), and a check that
#     the sink got each registered address exactly once.
#   - POST /api/auth/verify-email that succeeds: BENCH_VERIFY registrations made first as in the burst,
#     each one's code read from what the sink received, then all the verifications (code and registration
#     token) sent once each over 32 connections: rate, p50, p99 and how many answered 200.
#   - GET /api/me on SQLite with JWT_SECRET (HS256 access tokens), 32 connections, and in the same run
#     without it (EdDSA from the database's key ring, as scripts/bench-ratios.sh measures it), so that the
#     two compare on one machine state.
# PostgreSQL is used when 127.0.0.1:5432 answers (BENCH_POSTGRES, as user postgres without a password):
# a fresh database per server, dropped at the end. Every server is fresh, on a temporary data folder, with
# the abuse limits off (all load comes from one IP) and SMTP_URL pointing at the sink
# (scripts/bench/mail_sink.py, aiosmtpd in ~/.cache/otp-portal/bench-venv, as for scripts/bench-flood.sh),
# which notes each mail's address and code. Prints tables; results go to BENCHMARKS.md by hand. Exits
# non-zero when a registration, a mail or a verification is missing.
#
# BENCH_DURATION (seconds per timed wrk run, 10), BENCH_PORT (first of three ports: the portal, the quick
# sink and the slow one; 18190), BENCH_BURST (10000), BENCH_VERIFY (2000), BENCH_SMTP_DELAY (2).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

duration=${BENCH_DURATION:-10}
port=${BENCH_PORT:-18190}
burst=${BENCH_BURST:-10000}
verify=${BENCH_VERIFY:-2000}
smtp_delay=${BENCH_SMTP_DELAY:-2}
pg_server=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
quick_port=$((port + 1))
slow_port=$((port + 2))
cores=$(nproc)
# The calls that hash a password take 2 x cores connections: one per argon2 slot and as many waiting,
# within the default PASSWORD_HASH_QUEUE (2 x cores), as in scripts/bench-ratios.sh.
hashing=$((2 * cores))
venv="$HOME/.cache/otp-portal/bench-venv"
B="http://127.0.0.1:$port"
J='Content-Type: application/json'
password="correct horse battery staple"

ensure_rust
ensure_libpq
ensure_wrk
ensure_aiosmtpd "$venv"
log "building otp-portal (release)"
cargo build --release --locked -p otp-portal --bin otp-portal

work=$(mktemp -d)
# A copy, so that another build into the shared target folder cannot swap the binary mid-run.
cp "$CARGO_TARGET_DIR/release/otp-portal" "$work/"
pids=()
pg_dbs=()
server=""
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    for db in "${pg_dbs[@]}"; do
        psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 ||
            psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    done
    if [ -n "${BENCH_KEEP:-}" ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
    for _ in $(seq 150); do curl -sf "$1" >/dev/null && return; sleep 0.1; done
    log "no answer from $1"; cat "$2" 2>/dev/null || true; exit 1
}
field() { sed -nE "s/.*\b$2=([^ ]+).*/\1/p" <<< "$1"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { $1 }"; }

quick_mail="$work/quick-sink.txt"
slow_mail="$work/slow-sink.txt"
"$venv/bin/python" scripts/bench/mail_sink.py "$quick_port:0:$quick_mail" "$slow_port:$smtp_delay:$slow_mail" \
    > "$work/sink.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do listening "$quick_port" && listening "$slow_port" && break; sleep 0.1; done
listening "$slow_port" || { log "the SMTP sink did not start"; cat "$work/sink.log"; exit 1; }

# Sets $db_url to a fresh database of backend $1 for the server named $2.
new_database() {
    if [ "$1" = sqlite ]; then
        db_url="sqlite://$work/$2/data/portal.db"
    else
        local db="otp_bench_mail_$$_$2"
        psql -q "$pg_server/postgres" -c "CREATE DATABASE $db" >/dev/null
        pg_dbs+=("$db")
        db_url="$pg_server/$db"
    fi
}

# Starts a portal: name, DATABASE_URL, SMTP port, then any VAR=value to add. Sets $server to its pid.
start_portal() {
    local dir="$work/$1" url=$2 smtp=$3
    shift 3
    mkdir -p "$dir"
    (
        cd "$dir"
        exec env BIND_ADDR="127.0.0.1:$port" DATA_DIR="$dir/data" DATABASE_URL="$url" \
            SMTP_URL="smtp://127.0.0.1:$smtp?tls=none" \
            SECRET_KEY=bench-secret-key-bench-secret-key-0123456789 RUST_LOG=warn \
            LIMIT_MAIL_PER_IP_PER_HOUR=0 LIMIT_MAIL_PER_ADDRESS_PER_HOUR=0 LIMIT_MAIL_PER_HOUR=0 \
            LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR=0 CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR=0 \
            CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR=0 CAPTCHA_AFTER_MAIL_PER_HOUR=0 \
            LIMIT_LOGINS_PER_IP_PER_HOUR=0 LIMIT_CODE_CHECKS_PER_IP_PER_HOUR=0 \
            "$@" "$work/otp-portal" serve > server.log 2>&1
    ) &
    server=$!
    pids+=("$server")
    wait_for "$B/api/health" "$dir/server.log"
}
stop_portal() { kill "$server"; wait "$server" 2>/dev/null || true; }

# Mails in the quick sink to addresses starting with $1, and the ones still queued in the outbox.
sink_count() { grep -c "^$1[0-9]*@" "$quick_mail" || true; }
queued() {
    case $db_url in
        sqlite://*) python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
print(db.execute("select count(*) from outbox where status = ?", ("queued",)).fetchone()[0])' "${db_url#sqlite://}" ;;
        *) psql -tA "$db_url" -c "select count(*) from outbox where status = 'queued'" ;;
    esac
}

# Waits until the quick sink holds $2 mails to addresses starting with $1; sets $drained_at. Gives up
# (status 1) once the count has not moved for 60 s.
wait_for_mail() {
    local n last=-1 since
    since=$(date +%s)
    while :; do
        n=$(sink_count "$1")
        if [ "$n" -ge "$2" ]; then drained_at=$(now); return 0; fi
        if [ "$n" != "$last" ]; then
            last=$n
            since=$(date +%s)
        elif [ $(($(date +%s) - since)) -ge 60 ]; then
            log "the sink has $n of $2 mails for $1…, and no more for 60 s"
            return 1
        fi
        sleep 0.1
    done
}

# Registration bodies $2 to $3 with prefix $1, one a line.
bodies() {
    seq "$2" "$3" | awk -v p="$1" -v pw="$password" \
        '{ printf "{\"username\":\"%s%d\",\"email\":\"%s%d@example.com\",\"password\":\"%s\"}\n", p, $1, p, $1, pw }'
}

# POSTs each line of file $3 once to URL $1 over $2 connections; 2xx answers go to file $4 when given.
# Prints the RESULT line. -d is only a cap, for answers lost to a socket error.
once() {
    local n
    n=$(wc -l < "$3")
    BENCH_BODIES=$3 BENCH_ANSWERS=${4:-} \
        wrk -t1 -c"$2" -d"$((60 + n / 5))s" --timeout 10s --latency -s scripts/bench/once.lua "$1" |
        grep '^RESULT'
}

# Registers every body of file $1, answers to file $2: sent once each, then again for those refused, a
# second later, up to five rounds. Sets $first_round (its RESULT line), $rounds, $refused, $started and
# $finished (first request, last answer).
register_all() {
    local pending="$work/pending.jsonl" out
    cp "$1" "$pending"
    : > "$2"
    rounds=0 refused=0 started="" first_round=""
    while [ -s "$pending" ]; do
        rounds=$((rounds + 1))
        if [ "$rounds" -gt 5 ]; then
            log "$(wc -l < "$pending") registrations still not accepted after 5 rounds"
            return 1
        fi
        [ "$rounds" -gt 1 ] && sleep 1
        out=$(once "$B/api/auth/register" "$hashing" "$pending" "$2")
        echo "$out"
        [ -n "$started" ] || started=$(field "$out" started)
        [ -n "$first_round" ] || first_round=$out
        finished=$(field "$out" finished)
        [ "$(field "$out" complete)" = true ] || finished=$(now)
        refused=$((refused + $(field "$out" busy_503)))
        [ "$(field "$out" other)" = 0 ] ||
            log "$(field "$out" other) answers neither 2xx nor 503 (last: $(field "$out" other_status))"
        python3 -c 'import json, sys
done = {json.loads(line).get("email", "").lower() for line in open(sys.argv[2]) if line.strip()}
for line in open(sys.argv[1]):
    if line.strip() and json.loads(line)["email"] not in done:
        sys.stdout.write(line)' "$1" "$2" > "$pending.next"
        mv "$pending.next" "$pending"
    done
}

# Registers and verifies the account $1 and prints its access token.
make_account() {
    local registration code=""
    registration=$(curl -sf -X POST "$B/api/auth/register" -H "$J" \
        -d "{\"username\":\"$1\",\"email\":\"$1@example.com\",\"password\":\"$password\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["registration_token"])')
    for _ in $(seq 100); do
        code=$(awk -v a="$1@example.com" '$1 == a { c = $2 } END { print c }' "$quick_mail")
        [ -n "$code" ] && break
        sleep 0.1
    done
    curl -sf -X POST "$B/api/auth/verify-email" -H "$J" \
        -d "{\"email\":\"$1@example.com\",\"code\":\"$code\",\"registration_token\":\"$registration\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

rows=()
burst_rows=()
failures=()
declare -A result
row() {
    rows+=("| $1 | $2 | $(field "$3" per_s) | $(field "$3" ok_per_s) | $(field "$3" p50_ms) ms | $(field "$3" p99_ms) ms |\
 $(field "$3" non_2xx) | $(field "$3" errors) |")
}
# A timed wrk run of scripts/bench/ratios.lua: key, label, connections, BENCH_CALL, URL, BENCH_TAG.
measure() {
    local out
    log "$2 (${duration}s, $3 connections); load average $(cut -d' ' -f1-3 /proc/loadavg)"
    out=$(BENCH_CALL=$4 BENCH_TAG=${6:-r} BENCH_TOKEN=${token:-} \
        wrk -t2 -c"$3" -d"${duration}s" --timeout 10s --latency -s scripts/bench/ratios.lua "$5" | grep '^RESULT')
    echo "$out"
    result[$1]=$out
    row "$2" "$3" "$out"
}

run_backend() {
    local backend=$1 name=$2 tag=$3 out n answers mails check codes verified registered
    # Registrations, quick sink then slow sink, each on a fresh server and database.
    new_database "$backend" "${tag}quick"
    start_portal "${tag}quick" "$db_url" "$quick_port"
    measure "register_quick_$tag" "$name: \`POST /api/auth/register\`, SMTP answering at once" \
        "$hashing" register "$B" "${tag}quick"
    stop_portal
    new_database "$backend" "${tag}slow"
    start_portal "${tag}slow" "$db_url" "$slow_port"
    n=$(wc -l < "$slow_mail")
    measure "register_slow_$tag" "$name: \`POST /api/auth/register\`, SMTP holding each reply ${smtp_delay} s" \
        "$hashing" register "$B" "${tag}slow"
    log "the slow sink accepted $(($(wc -l < "$slow_mail") - n)) mails during that run;" \
        "$(queued) stayed queued in the outbox"
    stop_portal

    # The burst, then the verifications, on one server. Codes last a day here, so that a long preparation
    # cannot expire the first ones.
    new_database "$backend" "${tag}burst"
    start_portal "${tag}burst" "$db_url" "$quick_port" OTP_TTL_SECONDS=86400
    bodies "${tag}burst" 1 "$burst" > "$work/${tag}burst.jsonl"
    answers="$work/${tag}burst-answers.jsonl"
    log "$name: a burst of $burst registrations ($hashing connections); load average $(cut -d' ' -f1-3 /proc/loadavg)"
    register_all "$work/${tag}burst.jsonl" "$answers"
    local at_end_sink at_end_queued burst_s drain_s
    at_end_sink=$(sink_count "${tag}burst")
    at_end_queued=$(queued)
    burst_s=$(calc "printf \"%.1f\", $finished - $started")
    if wait_for_mail "${tag}burst" "$burst"; then
        drain_s=$(calc "printf \"%.1f s\", $drained_at - $finished")
    else
        drain_s="not drained"
    fi
    sleep 1 # a duplicate would come after the last expected mail
    check=$(python3 -c 'import collections, json, re, sys
registered = {json.loads(line).get("email", "").lower() for line in open(sys.argv[1]) if line.strip()} - {""}
pattern = re.compile(re.escape(sys.argv[3]) + r"[0-9]*@")
got = collections.Counter(line.split()[0] for line in open(sys.argv[2]) if pattern.match(line))
print(f"registered={len(registered)} received={sum(got.values())} lost={len(registered - set(got))}",
      f"duplicated={sum(1 for n in got.values() if n > 1)} unknown={len(set(got) - registered)}")' \
        "$answers" "$quick_mail" "${tag}burst")
    log "$name burst: $check"
    registered=$(field "$check" registered)
    mails=$(field "$check" received)
    if [ "$registered" = "$burst" ] && [ "$mails" = "$burst" ] &&
        [ "$(field "$check" lost)" = 0 ] && [ "$(field "$check" duplicated)" = 0 ]; then
        check="each address once"
    else
        failures+=("$name burst: $check")
    fi
    burst_rows+=("| $name | $registered | $rounds | $refused | $burst_s s |\
 $(calc "printf \"%.1f\", $registered / ($finished - $started)") |\
 $(field "$first_round" p50_ms) / $(field "$first_round" p99_ms) ms | $at_end_queued | $at_end_sink | $drain_s |\
 $mails | $check |")

    log "$name: $verify registrations to verify ($hashing connections)"
    bodies "${tag}verif" 1 "$verify" > "$work/${tag}verif.jsonl"
    answers="$work/${tag}verif-answers.jsonl"
    register_all "$work/${tag}verif.jsonl" "$answers"
    wait_for_mail "${tag}verif" "$verify" || true
    codes="$work/${tag}verify-bodies.jsonl"
    python3 -c 'import json, sys
codes = {}
for line in open(sys.argv[2]):
    address, code = line.split()
    codes[address] = code
for line in open(sys.argv[1]):
    if line.strip():
        answer = json.loads(line)
        email = answer.get("email", "").lower()
        if codes.get(email, "-") != "-":
            print(json.dumps({"email": email, "code": codes[email],
                              "registration_token": answer["registration_token"]}))' \
        "$answers" "$quick_mail" > "$codes"
    n=$(wc -l < "$codes")
    log "$name: $n verifications sent once each (32 connections); load average $(cut -d' ' -f1-3 /proc/loadavg)"
    out=$(once "$B/api/auth/verify-email" 32 "$codes")
    echo "$out"
    verified=$(field "$out" ok)
    [ "$verified" = "$verify" ] || failures+=("$name verify-email: $verified of $verify answered 200 ($n codes found)")
    out="$out non_2xx=$(($(field "$out" busy_503) + $(field "$out" other)))"
    result[verify_$tag]=$out
    row "$name: \`POST /api/auth/verify-email\`, success ($verified of $verify answered 200)" 32 "$out"
    stop_portal
}

run_backend sqlite SQLite sq

# GET /api/me on SQLite: EdDSA (the default) and HS256 (JWT_SECRET), each on a fresh server.
new_database sqlite meeddsa
start_portal meeddsa "$db_url" "$quick_port"
token=$(make_account sqmeeddsa)
measure me_eddsa "SQLite: \`GET /api/me\`, EdDSA access token (no JWT_SECRET)" 32 get "$B/api/me"
stop_portal
new_database sqlite mehs256
start_portal mehs256 "$db_url" "$quick_port" JWT_SECRET=bench-secret-bench-secret-bench-secret-0123
token=$(make_account sqmehs256)
measure me_hs256 "SQLite: \`GET /api/me\`, HS256 access token (JWT_SECRET)" 32 get "$B/api/me"
stop_portal
token=""

if listening 5432 && command -v psql >/dev/null; then
    run_backend postgres PostgreSQL pg
else
    log "nothing answers on 127.0.0.1:5432: PostgreSQL skipped"
fi

ratio() {
    local a b
    a=$(field "${result[$1]:-}" "$3") b=$(field "${result[$2]:-}" "$3")
    if [ -z "$a" ] || [ -z "$b" ]; then echo "n/a"; else calc "printf \"%.2f\", $a / $b"; fi
}

log "summary: $cores cores, ${duration}s per timed run, burst $burst, verify $verify, slow SMTP ${smtp_delay} s per message, load generator on the same machine"
echo "| call | connections | answers/s | 2xx/s | p50 | p99 | 400 and up | socket errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "| backend | registered | rounds | 503, sent again | burst | registrations/s | p50 / p99 (first round) | outbox queued at burst end | mails in sink at burst end | drain after burst | mails received | check |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${burst_rows[@]}"
echo
echo "| ratio | value |"
echo "|---|---:|"
echo "| SQLite register p99, slow SMTP ÷ quick SMTP | $(ratio register_slow_sq register_quick_sq p99_ms) |"
echo "| PostgreSQL register p99, slow SMTP ÷ quick SMTP | $(ratio register_slow_pg register_quick_pg p99_ms) |"
echo "| SQLite \`GET /api/me\` 2xx/s, HS256 ÷ EdDSA | $(ratio me_hs256 me_eddsa ok_per_s) |"
if [ "${#failures[@]}" -gt 0 ]; then
    log "FAILED:"
    printf '  %s\n' "${failures[@]}" >&2
    exit 1
fi
