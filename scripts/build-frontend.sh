#!/usr/bin/env bash
# Builds the browser client into frontend/dist with trunk, unless dist is newer than every source file
# of the client (frontend/, shared/, Trunk.toml). `--force` builds anyway.
#
# The wasm32 standard library comes from rustup when it can be downloaded (`rustup target add`);
# otherwise from Debian's wasm-capable compiler (rustc-web), which builds std from source. Set
# FRONTEND_TOOLCHAIN=rustup or =debian to choose instead of trying in that order.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

DIST=frontend/dist
TRUNK_VERSION=0.21.14
# The interactive API reference at /api/docs, bundled with the client from the npm registry.
SWAGGER_UI_VERSION=5.35.0
API_DOCS="$DIST/api-docs"
DEBIAN_PACKAGES=(rustc-web cargo-web libstd-rust-web-dev rust-web-src lld-22)
WASM_LD=/usr/lib/llvm-22/bin/wasm-ld
# Its own build folder: the wasm build would otherwise evict or rebuild the server's artifacts.
WASM_TARGET_DIR="${WASM_TARGET_DIR:-$HOME/.cache/otp-portal/wasm-target}"

client_is_stale() {
    [ -f "$DIST/index.html" ] || return 0
    [ -n "$(find frontend shared Trunk.toml -path "$DIST" -prune -o -type f -newer "$DIST/index.html" -print -quit)" ]
}

# Swagger UI's two files, from the npm registry (cached), for /api/docs.
bundle_api_reference() {
    local cache="$HOME/.cache/otp-portal/npm/swagger-ui-dist-$SWAGGER_UI_VERSION"
    if [ ! -f "$cache/package/swagger-ui-bundle.js" ]; then
        command -v npm >/dev/null 2>&1 || return 1
        rm -rf "$cache" && mkdir -p "$cache"
        (cd "$cache" && npm pack --silent "swagger-ui-dist@$SWAGGER_UI_VERSION" >/dev/null &&
            tar xzf swagger-ui-dist-*.tgz package/swagger-ui-bundle.js package/swagger-ui.css) || return 1
    fi
    mkdir -p "$API_DOCS"
    # -p: an unchanged file keeps its time, so a release build does not re-embed it for nothing.
    cp -p -u "$cache/package/swagger-ui-bundle.js" "$cache/package/swagger-ui.css" "$API_DOCS/"
}
# Never fatal on a developer's machine: without it only /api/docs answers 404.
ensure_api_reference() {
    if ! bundle_api_reference; then
        if [ "${CI:-}" = "true" ]; then
            log "Swagger UI could not be fetched from the npm registry, and CI=true needs /api/docs"
            exit 1
        fi
        log "Swagger UI could not be fetched from the npm registry: /api/docs will answer 404"
    fi
}

if [ "${1:-}" != "--force" ] && ! client_is_stale; then
    ensure_api_reference
    log "browser client is up to date ($DIST)"
    exit 0
fi

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Host tools, built with the normal toolchain, reused when the installed version is the wanted one.
ensure_cargo_tool() { # binary version crate
    local binary=$1 version=$2 crate=$3
    if command -v "$binary" >/dev/null 2>&1 && "$binary" --version 2>/dev/null | grep -qw "$version"; then
        return
    fi
    log "installing $crate $version (once; a few minutes)"
    # --locked where the crate's lockfile resolves; wasm-bindgen-cli's may name a yanked version.
    env -u CARGO_TARGET_DIR cargo install "$crate" --version "$version" --locked ||
        env -u CARGO_TARGET_DIR cargo install "$crate" --version "$version"
}

rustup_wasm() {
    command -v rustup >/dev/null 2>&1 || return 1
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown && return 0
    log "adding the wasm32-unknown-unknown target with rustup"
    timeout 300 rustup target add wasm32-unknown-unknown
}

debian_installed() {
    local package
    for package in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || return 1
    done
    [ -x "$WASM_LD" ]
}

# Debian's rustc 1.96 targets wasm32 but ships no prebuilt std for it: cargo builds std from the shipped
# sources (-Z build-std, allowed on a stable compiler by RUSTC_BOOTSTRAP) and links with LLVM's wasm-ld.
# Environment variables, not a committed .cargo/config.toml, so that the rustup way is left untouched.
debian_wasm() {
    if ! debian_installed; then
        log "installing Debian's wasm-capable Rust compiler: ${DEBIAN_PACKAGES[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${DEBIAN_PACKAGES[@]}"
    fi
    export RUSTC_BOOTSTRAP=1
    export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$WASM_LD"
    # trunk runs the first cargo on PATH.
    export PATH="/usr/bin:$PATH"
    WASM_TARGET_DIR="$WASM_TARGET_DIR/debian"
}

ensure_rust
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$wasm_bindgen_version" ] || { log "no wasm-bindgen in Cargo.lock"; exit 1; }
ensure_cargo_tool trunk "$TRUNK_VERSION" trunk
ensure_cargo_tool wasm-bindgen "$wasm_bindgen_version" wasm-bindgen-cli

case "${FRONTEND_TOOLCHAIN:-auto}" in
    rustup) rustup_wasm ;;
    debian) debian_wasm ;;
    auto)
        if ! rustup_wasm; then
            log "rustup cannot add the wasm32 target here; using Debian's rustc-web instead"
            debian_wasm
        fi
        ;;
    *) log "FRONTEND_TOOLCHAIN must be auto, rustup or debian"; exit 1 ;;
esac

log "building the browser client into $DIST (first build: a few minutes)"
CARGO_TARGET_DIR="$WASM_TARGET_DIR" trunk build --release
ensure_api_reference
# Gzip copies beside the hashed assets: the server sends them to browsers that accept gzip, so the
# wasm crosses the network at about a third of its size without compressing on every request.
find "$DIST" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' \) \
    -exec gzip -9 --keep --force {} +
log "browser client ready in $DIST"
