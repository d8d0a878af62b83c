"""Issue 14, defect 1 (fixed by the runtime redesign; verified here): a daemon
bound off loopback without `http.token`, as the Docker image runs by default,
serves /healthz and /readyz (no data in them) and refuses the data API and
the page, so its HEALTHCHECK passes while nothing is exposed."""

from __future__ import annotations

import signal
import socket

import httpx
import pytest


def _local_address() -> str | None:
    """An address of this machine that is not loopback (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


def test_off_loopback_without_a_token_is_healthy_and_serves_no_data(cli, tmp_path):
    address = _local_address()
    if address is None:
        pytest.skip("no non-loopback IPv4 address on this machine to reach the daemon through")
    port = _free_port()
    (tmp_path / "feed.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                                       "<item><title>x</title><guid>1</guid></item></channel></rss>")
    cli.write_config(http={"listen": f"0.0.0.0:{port}"}, feeds=[{"url": "file:feed.xml", "name": "Local"}],
                     rules=[{"id": "r", "query": "envoy"}])
    daemon = cli.popen("run")
    try:
        assert daemon.wait_for_log("news-monitor running"), daemon.stderr
        base = f"http://{address}:{port}"
        with httpx.Client(timeout=10, trust_env=False) as http:
            assert http.get(f"{base}/healthz").status_code == 200
            for _ in range(100):  # bounded: until the first cycle has run
                ready = http.get(f"{base}/readyz")
                if ready.status_code == 200:
                    break
                daemon.wait_for_log("feed Local", timeout=0.2)
            assert ready.status_code == 200, ready.text
            assert set(ready.json()) == {"ready", "checks"} and "problems" not in ready.text
            for path in ("/api/hits", "/api/feeds", "/metrics", "/"):
                assert http.get(f"{base}{path}").status_code in (401, 403), path
        assert cli("healthcheck").returncode == 0  # what the image's HEALTHCHECK runs
    finally:
        assert daemon.stop(signal.SIGTERM) == 0, daemon.stderr
