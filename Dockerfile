# syntax=docker/dockerfile:1
# auth0-mock: multi-stage build; the runtime image holds one static-ish binary, runs as non-root,
# and checks its own health without curl.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY crates ./crates
COPY fixtures ./fixtures
COPY benches ./benches
RUN cargo build --release --locked --bin auth0-mock

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin auth0mock \
    && apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/auth0-mock /usr/local/bin/auth0-mock
USER 10001:10001
ENV AUTH0_MOCK_BIND=0.0.0.0 \
    AUTH0_MOCK_PORT=4455 \
    AUTH0_MOCK_TLS_DIR=/tmp/auth0-mock-tls
EXPOSE 4455
HEALTHCHECK --interval=2s --timeout=3s --start-period=2s --retries=30 CMD ["auth0-mock", "healthcheck"]
ENTRYPOINT ["auth0-mock"]
CMD ["serve"]
