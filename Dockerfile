# syntax=docker/dockerfile:1
# specbot image: a cgo build (mattn/go-sqlite3) on Debian bookworm, run on
# distroless/base (glibc, no shell) as a non-root user with the database on
# the /data volume.
#
#   docker build --build-arg REVISION=$(git rev-parse HEAD) -t specbot .
#   docker run -e TELEGRAM_BOT_TOKEN=... -v specbot-data:/data specbot

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG REVISION=""
# The same build as `make build`, with the revision for `specbot --version`
# (the build context carries no .git).
RUN CGO_ENABLED=1 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.revision=${REVISION}" \
      -o /out/specbot ./cmd/specbot \
 && mkdir -p /out/data

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/specbot /usr/local/bin/specbot
COPY --from=build --chown=65532:65532 /out/data /data
ENV SPECBOT_DB=/data/specbot.db \
    SPECBOT_HTTP_ADDR=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
# No curl in the image: the binary probes its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/specbot", "health", "--url", "http://127.0.0.1:8080/healthz"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/specbot"]
CMD ["serve"]
