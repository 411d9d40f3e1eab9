#!/usr/bin/env bash
# Runs OTP Portal on the embedded defaults: SQLite under ./data and the development mailer, which prints
# every mail (codes included) to this terminal and keeps a copy under ./data/mail.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
ensure_rust
log "building otp-portal (release; the first build takes a few minutes)"
cargo build --release --locked --bin otp-portal
exec "$CARGO_TARGET_DIR/release/otp-portal" serve "$@"
