#!/usr/bin/env bash
# Build and smoke-test the news-monitor image on a machine without Docker Hub.
#
#   deploy/build-local.sh                 # make the base if missing, build, smoke-test
#   BASE=python:3.12-slim deploy/build-local.sh   # when the official base can be pulled
#
# Needs: a running Docker daemon; debootstrap (only to make the offline base).
# Offline base: `debootstrap --variant=minbase --include=python3,python3-venv,
# ca-certificates bookworm ROOTFS` imported as $BASE (default nm-base:bookworm).
# If pip must trust an extra CA (an intercepting proxy), set PIP_CA_BUNDLE to a
# bundle file (default: /etc/ssl/certs/ca-certificates.crt when present); it is
# copied into a throwaway copy of the build context and used by the build stage
# only, never by the final image.  Not part of the test suite: CI needs no Docker.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BASE="${BASE:-nm-base:bookworm}"
TAG="${TAG:-news-monitor:local}"
PIP_CA_BUNDLE="${PIP_CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}"
ROOTFS="${ROOTFS:-/tmp/nm-rootfs}"

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'build-local: %s\n' "$*" >&2; exit 1; }

docker info >/dev/null 2>&1 || fail "no Docker daemon answers: start dockerd (e.g. dockerd --data-root /var/lib/docker-nm &)"

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
    [[ "$BASE" == nm-base:* ]] || fail "base image $BASE is missing: docker pull it, or leave BASE unset for the offline base"
    command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install -y debootstrap"
    say "making offline base $BASE from Debian bookworm (about a minute)"
    [[ -x "$ROOTFS/usr/bin/python3" ]] || debootstrap --variant=minbase \
        --include=python3,python3-venv,ca-certificates bookworm "$ROOTFS"
    tar -C "$ROOTFS" -c . | docker import - "$BASE"
fi

CONTEXT="$(mktemp -d)"
trap 'rm -rf "$CONTEXT"' EXIT
tar -C "$REPO" --exclude=./.venv --exclude=./.git --exclude=./data -c . | tar -C "$CONTEXT" -x
CERT_ARG=()
if [[ -n "$PIP_CA_BUNDLE" && -f "$PIP_CA_BUNDLE" ]]; then
    mkdir -p "$CONTEXT/.local-build"
    cp "$PIP_CA_BUNDLE" "$CONTEXT/.local-build/ca.crt"
    CERT_ARG=(--build-arg PIP_CERT_FILE=.local-build/ca.crt)
fi

say "building $TAG on $BASE"
docker build --build-arg "BASE=$BASE" "${CERT_ARG[@]}" -t "$TAG" "$CONTEXT"

say "smoke test: version, user, read-only root filesystem"
RUN=(docker run --rm --read-only --tmpfs /tmp "$TAG")
"${RUN[@]}" news-monitor --version
uid="$("${RUN[@]}" id -u)"
[[ "$uid" == 10001 ]] || fail "image runs as uid $uid, expected 10001"
"${RUN[@]}" sh -c 'touch /opt/venv/x 2>/dev/null && exit 1; test -w /data && test -w /tmp' \
    || fail "expected a read-only root with writable /data and /tmp"
"${RUN[@]}" test -f /seeds/seed-feed.xml || echo "warning: /seeds/seed-feed.xml is missing (the example config's seed feed)"
"${RUN[@]}" sh -c '! ls -d /src /.local-build 2>/dev/null' || fail "build-stage files leaked into the image"

say "smoke test: the example config validates inside the image"
"${RUN[@]}" news-monitor check

say "smoke test: the daemon with the example config (up to 20 healthcheck tries)"
NAME="nm-smoke-$$"
docker run -d --name "$NAME" --read-only --tmpfs /tmp -e NEWS_MONITOR_HTTP_TOKEN=smoke-test-token "$TAG" >/dev/null
trap 'docker rm -f "$NAME" >/dev/null 2>&1; rm -rf "$CONTEXT"' EXIT
ok=""
for _ in $(seq 20); do
    if [[ "$(docker inspect -f '{{.State.Running}}' "$NAME")" != true ]]; then break; fi
    if docker exec "$NAME" news-monitor healthcheck >/dev/null 2>&1; then ok=yes; break; fi
    sleep 1
done
docker logs "$NAME" 2>&1 | tail -n 20
[[ -n "$ok" ]] || fail "the daemon did not become ready (logs above; state: $(docker inspect -f '{{.State.Status}} exit={{.State.ExitCode}}' "$NAME"))"
say "ok: $TAG runs as 10001 on a read-only root and answers its healthcheck"
