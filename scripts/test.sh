#!/usr/bin/env bash
# Everything CI checks: formatting, lints, and every test of the workspace (unit, property and the API
# suite, which runs the real server against a real SMTP listener and a real SQLite file).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
ensure_rust

# The OpenAPI fuzz test (backend/tests/openapi_fuzz.rs) runs schemathesis from this venv; it is
# (re)installed only when the pinned requirements changed since the last install.
ensure_schemathesis() {
    local venv="$HOME/.cache/otp-portal/venv" requirements="scripts/schemathesis-requirements.txt"
    if [ -x "$venv/bin/st" ] && cmp -s "$requirements" "$venv/installed-requirements.txt"; then
        return
    fi
    if ! command -v python3 >/dev/null 2>&1; then
        log "python3 not found: the OpenAPI fuzz test will not run (install Python 3 to run it)"
        return
    fi
    log "installing schemathesis into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/installed-requirements.txt"
}

log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
ensure_schemathesis
log "cargo test"
cargo test --workspace --locked
log "all checks passed"
