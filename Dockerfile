# syntax=docker/dockerfile:1
# OTP Portal in one image: the server with the browser client built into it.
#   docker build -t otp-portal .
#   docker run -p 8080:8080 -e PUBLIC_URL=http://localhost:8080 otp-portal
# docker-compose.yml runs two of these on PostgreSQL behind a proxy.

# Swagger UI for /api/docs, from the npm registry; scripts/build-frontend.sh finds it in its cache.
# The version is the script's SWAGGER_UI_VERSION (backend/tests/deployment.rs keeps them equal).
FROM node:22-bookworm-slim AS api-docs
ARG SWAGGER_UI_VERSION=5.35.0
WORKDIR /swagger
RUN npm pack --silent "swagger-ui-dist@${SWAGGER_UI_VERSION}" \
    && tar xzf swagger-ui-dist-*.tgz package/swagger-ui-bundle.js package/swagger-ui.css

# The workspace's rust-version or newer.
FROM rust:1.95-bookworm AS builder
# The versions scripts/build-frontend.sh and Cargo.lock pin (the test keeps them equal). Installed here,
# before any source is copied, so the slow tool builds stay cached while the code changes; the script
# would install them itself otherwise.
ARG TRUNK_VERSION=0.21.14
ARG WASM_BINDGEN_VERSION=0.2.130
ARG SWAGGER_UI_VERSION=5.35.0
# The script insists on rustfmt and clippy being there (it serves the test script too).
RUN rustup target add wasm32-unknown-unknown && rustup component add rustfmt clippy
RUN cargo install trunk --version "${TRUNK_VERSION}" --locked
# Without --locked as a fallback: wasm-bindgen-cli's own lockfile may name a yanked version.
RUN cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --locked \
    || cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
COPY --from=api-docs /swagger/package/ /root/.cache/otp-portal/npm/swagger-ui-dist-${SWAGGER_UI_VERSION}/package/

WORKDIR /src
# The client first: it does not depend on the server's sources, so editing those keeps this layer.
# Cargo loads the workspace from the members' manifests alone.
COPY Cargo.toml Cargo.lock Trunk.toml ./
COPY backend/Cargo.toml backend/Cargo.toml
COPY shared shared
COPY frontend frontend
COPY scripts/build-frontend.sh scripts/common.sh scripts/
# CI=true: fail rather than ship a client without /api/docs.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/root/.cache/otp-portal/wasm-target \
    FRONTEND_TOOLCHAIN=rustup CI=true scripts/build-frontend.sh --force

# The release binary embeds frontend/dist (rust-embed), so the binary alone is the whole portal.
COPY backend backend
COPY migrations migrations
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p otp-portal \
    && cp target/release/otp-portal /usr/local/bin/otp-portal

FROM debian:bookworm-slim
# ca-certificates: SMTP over TLS and webhooks to https receivers. libpq5: PostgreSQL's client library,
# which diesel's PostgreSQL backend links (the builder image has its headers).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libpq5 \
    && rm -rf /var/lib/apt/lists/*
# A fixed numeric id, so that orchestrators can tell it is not root without reading /etc/passwd.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /data --no-create-home portal \
    && mkdir -p /data && chown portal:portal /data && chmod 0700 /data
COPY --from=builder /usr/local/bin/otp-portal /usr/local/bin/otp-portal
# Inside a container the loopback default would be unreachable; the server then asks for PUBLIC_URL.
ENV DATA_DIR=/data \
    BIND_ADDR=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
USER 10001:10001
# There is no curl here: bash's /dev/tcp asks /api/health (which also reaches the database).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${BIND_ADDR##*:} && printf 'GET /api/health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["otp-portal"]
CMD ["serve"]
