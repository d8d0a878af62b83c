"""Config changes under a running daemon: valid edits apply without a restart;
invalid ones are refused with file and line while the old config keeps running."""

from __future__ import annotations

import re
import signal

import httpx
import yaml

from tests.e2e.servers import page, rss
from tests.e2e.test_once import configure, farm


def port_of(daemon) -> int:
    assert daemon.wait_for_log("HTTP on http://"), daemon.stderr
    return int(re.search(r"HTTP on http://127\.0\.0\.1:(\d+)", daemon.stderr).group(1))


def test_edits_apply_without_restart_and_broken_edits_are_refused(cli, server, receiver):
    farm(server)
    configure(cli, server, receiver, http={"listen": "127.0.0.1:0"})
    daemon = cli.popen("run")
    try:
        port = port_of(daemon)
        assert receiver.wait_for(lambda reqs: len([r for r in reqs if r.method == "POST"]) == 1, timeout=60)

        # 1. a broken edit: refused with file and line, the daemon keeps running on the old config
        good = cli.config.read_text()
        cli.config.write_text(good.replace("notify:", "notfy:", 1))
        assert daemon.wait_for_log("config change refused"), daemon.stderr
        assert re.search(r"monitor\.yaml:\d+: .*notfy", daemon.stderr), daemon.stderr
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
        assert ready.status_code == 503 and "notfy" in ready.text

        # 2. a valid edit adds a feed and a rule: applied, and the new feed alerts
        server.serve("/weather.xml", rss("Weather desk", [
            {"title": "Storm warning for the coast", "link": server.url("/news/storm.html"), "guid": "w-1"}]))
        server.serve("/news/storm.html", page("Storm warning for the coast", [
            "A severe storm warning was issued for the coast on Friday as winds reached 120 km/h.",
            "Authorities urged residents to stay indoors and ferries were cancelled until further notice.",
            "The storm is expected to weaken over the weekend, the weather service said."]), "text/html")
        data = yaml.safe_load(good)
        data["feeds"].append({"url": server.url("/weather.xml"), "name": "Weather desk"})
        data["rules"].append({"id": "storms", "name": "Storm warnings", "query": "storm NEAR/3 warning",
                              "notify": ["hook"]})
        cli.config.write_text(yaml.safe_dump(data, sort_keys=False))
        assert daemon.wait_for_log("config reloaded"), daemon.stderr
        assert receiver.wait_for(lambda reqs: len([r for r in reqs if r.method == "POST"]) == 2, timeout=60), \
            daemon.stderr
        assert receiver.posts()[-1].json()["rule"]["id"] == "storms"
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10).status_code == 200

        # 3. SIGHUP reloads too
        daemon.proc.send_signal(signal.SIGHUP)
        assert daemon.wait_for_log_count("config reloaded", 2), daemon.stderr
    finally:
        assert daemon.stop(signal.SIGTERM) == 0, daemon.stderr
