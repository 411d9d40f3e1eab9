#!/usr/bin/env bash
# Load test of a release build on this machine with wrk: health (the HTTP and database path), login
# (argon2-bound by design) and registration (argon2, a write transaction and an outbox row). The abuse
# limits are turned off, since all the load comes from one IP. Results go to BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
ensure_rust
command -v wrk >/dev/null || { log "installing wrk"; ${SUDO:-$( [ "$(id -u)" = 0 ] || echo sudo )} apt-get install -y wrk; }
cargo build --release --locked --bin otp-portal

work=$(mktemp -d)
port=${BENCH_PORT:-18181}
B="http://127.0.0.1:$port"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
(
  cd "$work"
  BIND_ADDR=127.0.0.1:$port JWT_SECRET=bench-secret-bench-secret-bench-secret-0123 RUST_LOG=warn \
  LIMIT_MAIL_PER_IP_PER_HOUR=0 LIMIT_MAIL_PER_ADDRESS_PER_HOUR=0 LIMIT_MAIL_PER_HOUR=0 \
  CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR=0 CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR=0 CAPTCHA_AFTER_MAIL_PER_HOUR=0 \
  LIMIT_LOGINS_PER_IP_PER_HOUR=0 LIMIT_CODE_CHECKS_PER_IP_PER_HOUR=0 \
  exec "$CARGO_TARGET_DIR/release/otp-portal" serve > server.log 2>&1
) &
server=$!
for _ in $(seq 100); do curl -sf "$B/api/health" >/dev/null && break; sleep 0.1; done

# An account to log in with: register, read the code from the development mailer, verify.
J='Content-Type: application/json'
# The verification proves the registration with the token its answer carries.
registration=$(curl -sf -X POST "$B/api/auth/register" -H "$J" \
  -d '{"username":"bench","email":"bench@example.com","password":"correct horse battery staple"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["registration_token"])')
for _ in $(seq 100); do ls "$work"/data/mail/*.eml >/dev/null 2>&1 && break; sleep 0.1; done
code=$(grep -hoE '^ +[0-9]{6}' "$work"/data/mail/*.eml | tr -d ' \r' | head -1)
curl -sf -X POST "$B/api/auth/verify-email" -H "$J" \
  -d "{\"email\":\"bench@example.com\",\"code\":\"$code\",\"registration_token\":\"$registration\"}" >/dev/null

duration=${BENCH_DURATION:-15s}
# The password-hashing calls: one connection per argon2 slot (a slot per core) and as many waiting,
# within the default PASSWORD_HASH_QUEUE (2 x cores); more are answered 503 at once by the gate, and
# wrk would count those quick refusals as throughput.
hashing=$((2 * $(nproc)))
log "GET /api/health"
wrk -t2 -c32 -d"$duration" --latency "$B/api/health"
log "POST /api/auth/login"
wrk -t2 -c"$hashing" -d"$duration" --latency -s scripts/bench/login.lua "$B/api/auth/login"
log "POST /api/auth/register"
wrk -t2 -c"$hashing" -d"$duration" --latency -s scripts/bench/register.lua "$B"
