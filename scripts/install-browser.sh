#!/usr/bin/env bash
# Install what tests/browser needs: Debian's chromium and the Python `playwright`
# package (its node driver ships inside the wheel). Idempotent: installs only
# what is missing. Never runs `playwright install` (that downloads browser builds;
# we drive the distribution's /usr/bin/chromium through executable_path).
#
#   usage: scripts/install-browser.sh [VENV_PYTHON]     (default: .venv/bin/python)
set -euo pipefail

PY="${1:-.venv/bin/python}"
CHROMIUM="${NEWS_MONITOR_CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$PY" ]; then
    echo "install-browser: $PY is not an executable Python; run 'make install' first or pass the venv's python" >&2
    exit 2
fi

if [ -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM present"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: installing Debian's chromium with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends chromium
else
    echo "install-browser: $CHROMIUM is missing and this is not root with apt-get;" \
         "install it yourself (e.g. 'sudo apt-get install chromium'); the browser tests will skip" >&2
fi

if "$PY" -c 'import playwright.async_api' >/dev/null 2>&1; then
    echo "install-browser: playwright present in $PY"
else
    echo "install-browser: installing the playwright package into $PY"
    "$PY" -m pip install --quiet playwright
fi
