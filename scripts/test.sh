#!/usr/bin/env bash
# Everything CI checks: formatting, lints, and every test of the workspace (unit, property and the API
# suite, which runs the real server against a real SMTP listener and a real SQLite file, and the
# end-to-end suite, which drives the built browser client in headless Chromium against that server).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
ensure_rust
ensure_libpq

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

# The end-to-end tests (backend/tests/e2e) drive Debian's Chromium through chromedriver. Where they cannot
# be installed the tests skip themselves, except under CI=true, where a missing browser is an error.
ensure_chromium() {
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
        return
    fi
    local as_root=()
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
        as_root=(sudo)
    fi
    log "installing Debian's chromium and chromium-driver for the end-to-end tests"
    if command -v apt-get >/dev/null 2>&1 &&
        { [ "$(id -u)" -eq 0 ] || [ ${#as_root[@]} -gt 0 ]; } &&
        "${as_root[@]}" apt-get update -qq &&
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            chromium chromium-driver; then
        return
    fi
    if [ "${CI:-}" = "true" ]; then
        log "chromium and chromium-driver could not be installed, and CI=true needs the end-to-end tests"
        exit 1
    fi
    log "chromium and chromium-driver could not be installed: the end-to-end tests will be skipped"
}

# The accessibility test (backend/tests/e2e/accessibility.rs) injects axe-core into each page; it comes
# from the npm registry at this pinned version into ~/.cache/otp-portal/axe (once per version). Without it
# the test skips itself, except under CI=true, where a failed install is an error.
AXE_CORE_VERSION=4.10.3
ensure_axe_core() {
    local dir="$HOME/.cache/otp-portal/axe"
    if [ -f "$dir/axe.min.js" ] && [ "$(cat "$dir/installed-version" 2>/dev/null)" = "$AXE_CORE_VERSION" ]; then
        return
    fi
    log "installing axe-core $AXE_CORE_VERSION into $dir"
    local work
    work=$(mktemp -d)
    if command -v npm >/dev/null 2>&1 &&
        (cd "$work" && npm pack --silent "axe-core@$AXE_CORE_VERSION" >/dev/null &&
            tar xzf axe-core-*.tgz package/axe.min.js) &&
        mkdir -p "$dir" && cp "$work/package/axe.min.js" "$dir/axe.min.js"; then
        echo "$AXE_CORE_VERSION" >"$dir/installed-version"
        rm -rf "$work"
        return
    fi
    rm -rf "$work"
    if [ "${CI:-}" = "true" ]; then
        log "axe-core could not be installed from the npm registry, and CI=true needs the accessibility test"
        exit 1
    fi
    log "axe-core could not be installed: the accessibility test will be skipped"
}

# rust-version in Cargo.toml claims the oldest Rust that builds the workspace: no locked dependency may
# need a newer one (cargo refuses to build below a package's own rust-version), and the toolchain here
# must not be older. This build then shows it builds with that version where that is the one installed.
check_rust_version() {
    local declared
    declared=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
    cargo metadata --format-version 1 --locked | python3 -c '
import json, sys
declared = tuple(int(x) for x in sys.argv[1].split("."))
def version(v):
    return tuple(int(x) for x in (v.split(".") + ["0", "0"])[:3])
needs = [(version(p["rust_version"]), p["name"]) for p in json.load(sys.stdin)["packages"] if p.get("rust_version")]
newest = max(needs)
if newest[0][:len(declared)] > declared:
    sys.exit(f"rust-version {sys.argv[1]} is too old: {newest[1]} needs {newest[0]}")
' "$declared"
    log "rust-version $declared holds for every locked dependency; building with $(rustc --version)"
}

# The API suite runs a second time on PostgreSQL (each test in a database of its own). The server is the
# one on 127.0.0.1:5432 (trust auth, user postgres, database test), started here if it is installed but
# stopped. Without one the PostgreSQL pass is skipped, except under CI=true, where it is an error.
POSTGRES_TEST_URL="${POSTGRES_TEST_URL:-postgres://postgres@127.0.0.1:5432/test}"
postgres_up() {
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
}
ensure_postgres() {
    if postgres_up; then
        return 0
    fi
    log "PostgreSQL is not answering on 127.0.0.1:5432: trying to start it"
    as_root service postgresql start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do
        if postgres_up; then
            return 0
        fi
        sleep 1
    done
    if [ "${CI:-}" = "true" ]; then
        log "no PostgreSQL on 127.0.0.1:5432, and CI=true needs the PostgreSQL pass of the API suite"
        exit 1
    fi
    log "no PostgreSQL on 127.0.0.1:5432: skipping the PostgreSQL pass of the API suite"
    return 1
}

log "cargo fmt --check"
cargo fmt --all -- --check
check_rust_version
log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
ensure_schemathesis
ensure_chromium
ensure_axe_core
# The end-to-end tests serve frontend/dist: build it when it is missing or older than its sources.
if ! ./scripts/build-frontend.sh; then
    if [ "${CI:-}" = "true" ]; then
        log "the browser client could not be built, and CI=true needs the end-to-end tests"
        exit 1
    fi
    log "the browser client could not be built: the end-to-end tests will be skipped"
fi
log "cargo test"
cargo test --workspace --locked
if ensure_postgres; then
    log "the API suite again, on PostgreSQL ($POSTGRES_TEST_URL)"
    TEST_DATABASE_URL="$POSTGRES_TEST_URL" cargo test --locked -p otp-portal --test api
fi
log "all checks passed"
