#!/usr/bin/env bash
# Everything CI checks: formatting, lints, and every test of the workspace (unit, property and the API
# suite, which runs the real server against a real SMTP listener and a real SQLite file).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
ensure_rust
log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
log "cargo test"
cargo test --workspace --locked
log "all checks passed"
