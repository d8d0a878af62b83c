"""`news-monitor run` as a real process: it polls at once, alerts, and stops
cleanly on SIGTERM/SIGINT within 10 s without repeating anything on restart."""

from __future__ import annotations

import signal

from tests.e2e.test_once import configure, farm


def test_daemon_alerts_then_stops_cleanly_and_restarts_without_repeats(cli, server, receiver):
    farm(server)
    configure(cli, server, receiver, http={"listen": "127.0.0.1:0"})

    daemon = cli.popen("run")
    try:
        assert receiver.wait_for(lambda reqs: any(r.method == "POST" for r in reqs), timeout=60), daemon.stderr
    finally:
        code = daemon.stop(signal.SIGTERM)
    assert code == 0, daemon.stderr
    assert "SIGTERM" in daemon.stderr

    daemon = cli.popen("run")
    try:
        assert daemon.wait_for_log("news-monitor running"), daemon.stderr
    finally:
        code = daemon.stop(signal.SIGINT)
    assert code == 0, daemon.stderr
    assert len(receiver.posts()) == 1
    assert len(cli.json("hits", "--json")) == 1
