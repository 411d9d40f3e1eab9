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
