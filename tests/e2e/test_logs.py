"""Structured logs: one event per poll, hit and delivery; secrets never appear."""

from __future__ import annotations

import json

import yaml

from tests.e2e.servers import LocalServer, Receiver
from tests.e2e.test_once import configure, farm


def test_json_logs_have_one_event_per_poll_hit_and_delivery_and_no_secrets(cli, tmp_path):
    with Receiver(statuses=[500]) as hook:
        with LocalServer() as server:
            farm(server)
            configure(cli, server, hook)
            data = yaml.safe_load(cli.config.read_text())
            data["log"] = {"format": "json", "level": "INFO"}
            data["channels"]["hook"].update(url=hook.url("/hook/tok-SECRET-path"), max_attempts=1)
            cli.config.write_text(yaml.safe_dump(data))
            out = cli("once")
    lines = [json.loads(line) for line in out.stderr.splitlines() if line.startswith("{")]
    events = {line.get("event") for line in lines}
    assert {"poll", "hit", "delivery"} <= events, events
    dead = [line for line in lines if line.get("event") == "delivery"]
    assert dead[0]["outcome"] == "dead"
    assert "tok-SECRET-path" not in out.stderr + out.stdout
    assert "s3cret-key" not in out.stderr + out.stdout  # the signing secret
