# syntax=docker/dockerfile:1
# specbot: a cgo build (mattn/go-sqlite3) on Debian, run on a slim Debian of
# the same release so that glibc matches. The database lives on the /data
# volume; the process runs as an unprivileged user.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same build as `make build`. The build context carries no .git, so the
# revision for `specbot --version` comes in as an argument:
#   docker build --build-arg REVISION=$(git rev-parse HEAD) -t specbot .
ARG REVISION=""
RUN CGO_ENABLED=1 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.revision=${REVISION}" -o /out/specbot ./cmd/specbot

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin specbot \
 && mkdir -p /data && chown specbot:specbot /data
COPY --from=build /out/specbot /usr/local/bin/specbot
USER specbot
WORKDIR /data
VOLUME ["/data"]
ENV SPECBOT_DB=/data/specbot.db \
    SPECBOT_HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
# No curl in the slim image: the binary probes its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/specbot", "health", "--url", "http://127.0.0.1:8080/healthz"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/specbot"]
CMD ["serve"]
