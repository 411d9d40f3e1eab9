# Shared by the scripts in this folder: a Rust toolchain and one build folder outside the checkout, so
# that clones of the project (CI's included) reuse each other's builds.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/otp-portal/target}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_rust() {
    if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        log "installing Rust with rustup (https://rustup.rs)"
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal \
            --component rustfmt,clippy
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if command -v rustup >/dev/null 2>&1; then
        for component in rustfmt clippy; do
            if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
                log "adding the $component component"
                rustup component add "$component"
            fi
        done
    fi
}

# Runs a command as root: directly, or through sudo where there is one.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 1
    fi
}

# The server links PostgreSQL's client library (libpq); building it needs Debian's libpq-dev.
ensure_libpq() {
    if [ -e /usr/include/postgresql/libpq-fe.h ] || pkg-config --exists libpq 2>/dev/null; then
        return
    fi
    log "installing Debian's libpq-dev (PostgreSQL's client library, which the server links)"
    if command -v apt-get >/dev/null 2>&1 &&
        as_root apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpq-dev; then
        return
    fi
    log "libpq-dev could not be installed: install PostgreSQL's client library (libpq) and try again"
    exit 1
}

# The load generator of the benchmarks: Debian's wrk (C, so it takes little of the cores from the server).
ensure_wrk() {
    command -v wrk >/dev/null && return
    log "installing wrk"
    as_root apt-get install -y wrk || { as_root apt-get update && as_root apt-get install -y wrk; }
}

# aiosmtpd (the benchmarks' SMTP sink) in the virtualenv $1.
ensure_aiosmtpd() {
    "$1/bin/python" -c 'import aiosmtpd' 2>/dev/null && return
    log "installing aiosmtpd into $1"
    python3 -m venv "$1"
    "$1/bin/pip" install --quiet aiosmtpd
}

