# news-monitor container image.
#
#   docker build -t news-monitor .
#   docker run -d --read-only --tmpfs /tmp -v news-monitor-data:/data \
#     -e NEWS_MONITOR_HTTP_TOKEN=$(openssl rand -hex 32) -p 127.0.0.1:8080:8080 news-monitor
#
# Config is read from /config/monitor.yaml (mount your own directory over
# /config, read-only); state lives in the /data volume.  The image runs as uid
# 10001 and writes nothing outside /data and /tmp, so it runs with a read-only
# root filesystem.  deploy/README.md explains compose, systemd and Kubernetes;
# deploy/build-local.sh builds and smoke-tests it on a machine without Docker Hub.

ARG BASE=python:3.12-slim

# ---- build: a virtualenv with news-monitor and its dependencies -------------
FROM ${BASE} AS build
# Only for offline/intercepted builds (deploy/build-local.sh): a path inside the
# build context to a CA bundle pip should trust.  Empty for a normal build; the
# file stays in this stage and never reaches the final image.
ARG PIP_CERT_FILE=
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY . /src
# `python3 -m venv` works on python:*-slim and on a Debian base with python3-venv.
# Dependencies come only from requirements.lock (runtime + the apprise extra;
# every file hashed; one universal lock for CPython 3.11+, so this 3.12 base
# and build-local.sh's bookworm 3.11 both install from it with the pip pinned
# in requirements-pip.lock, installed first: the pip a venv ships varies).  The project goes in after it without dependencies, built by the
# locked setuptools; `pip check` fails the build if the lock misses anything.
RUN set -eu; \
    if [ -n "$PIP_CERT_FILE" ]; then export PIP_CERT="/src/$PIP_CERT_FILE"; fi; \
    python3 -m venv /opt/venv; \
    /opt/venv/bin/pip install --require-hashes -r /src/requirements-pip.lock; \
    /opt/venv/bin/pip install --require-hashes -r /src/requirements.lock; \
    /opt/venv/bin/pip install --no-deps --no-build-isolation /src; \
    /opt/venv/bin/pip check; \
    /opt/venv/bin/pip uninstall --yes pip; \
    /opt/venv/bin/python -m compileall -q /opt/venv >/dev/null; \
    /opt/venv/bin/news-monitor --version

# ---- runtime ----------------------------------------------------------------
FROM ${BASE}
LABEL org.opencontainers.image.title="news-monitor" \
      org.opencontainers.image.description="Self-hosted news monitoring and alerting daemon" \
      org.opencontainers.image.licenses="Apache-2.0"

RUN set -eu; \
    groupadd --gid 10001 monitor; \
    useradd --uid 10001 --gid 10001 --no-create-home \
            --home-dir /nonexistent --shell /usr/sbin/nologin monitor; \
    mkdir -p /data; \
    chown 10001:10001 /data; \
    chmod 0750 /data

COPY --from=build /opt/venv /opt/venv
# The example config and the bundled seed feed: /config/monitor.yaml names
# file:../seeds/seed-feed.xml, which resolves to /seeds/seed-feed.xml.
COPY config/ /config/
COPY seeds/ /seeds/

# HOME and caches point at /tmp: nothing writes to the root filesystem.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    NEWS_MONITOR_CONFIG=/config/monitor.yaml \
    NEWS_MONITOR_DATABASE=sqlite:////data/monitor.db \
    NEWS_MONITOR_HTTP_LISTEN=0.0.0.0:8080

USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 8080
STOPSIGNAL SIGTERM
# `news-monitor healthcheck` exits non-zero when /readyz fails.  The timeout is
# generous: the CLI takes ~4-5 s just to import today (2 vCPU).
HEALTHCHECK --interval=30s --timeout=20s --start-period=60s --retries=3 \
    CMD ["news-monitor", "healthcheck"]
CMD ["news-monitor", "run"]
