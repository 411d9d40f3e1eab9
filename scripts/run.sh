#!/usr/bin/env bash
# Runs OTP Portal on the embedded defaults: SQLite under ./data and the development mailer, which prints
# every mail (codes included) to this terminal and keeps a copy under ./data/mail. The browser client is
# built first when it is missing or older than its sources.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
ensure_rust
ensure_libpq
if ! scripts/build-frontend.sh; then
    log "the browser client could not be built (see above): starting the API alone. / answers with how to"
    log "build the client; the API (curl, Postman) works as usual at /api."
fi
# The release binary carries the client it is built with (CLIENT_DIR would serve another folder).
log "building otp-portal (release; the first build takes a few minutes)"
cargo build --release --locked --bin otp-portal
exec "$CARGO_TARGET_DIR/release/otp-portal" serve "$@"
