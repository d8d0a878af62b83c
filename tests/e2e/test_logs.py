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


def test_secrets_are_scrubbed_from_tracebacks_and_json_extras():
    import io
    import logging

    from monitor.logs import LogControl

    out = io.StringIO()
    logs = LogControl(out)
    logs.apply("json", "INFO", ["hunter2-password"])
    log = logging.getLogger("test.secrets")
    try:
        try:
            raise RuntimeError("login failed with hunter2-password")
        except RuntimeError:
            log.exception("send failed", extra={"url": "smtp://u:hunter2-password@host"})
        logs.apply("json", "INFO", ["new-token-after-reload"])  # a reload: old secrets stay hidden too
        log.warning("token new-token-after-reload rejected")
        log.warning("and hunter2-password again")
    finally:
        logs.close()
    text = out.getvalue()
    assert "hunter2-password" not in text and "new-token-after-reload" not in text
    assert text.count("***") >= 4


def test_secret_values_cover_every_secret_in_a_config(tmp_path):
    from monitor.config import load_config
    from monitor.logs import secret_values

    (tmp_path / "smtp.pw").write_text("pw-from-a-file\n")
    (tmp_path / "m.yaml").write_text(yaml.safe_dump({
        "database": "postgresql+psycopg://monitor:db-pass-123@db.example/monitor",
        "http": {"listen": "127.0.0.1:0", "token": "api-token-456"},
        "feeds": [{"url": "https://example.com/feed", "name": "Paid",
                   "headers": {"Authorization": "Bearer feed-key-789"}}],
        "channels": {"console": {"type": "console"},
                     "hook": {"type": "webhook", "url": "https://hooks.example/abc-secret-path", "secret": "whsec-1"},
                     "mail": {"type": "email", "host": "smtp.example", "from": "a@example.com",
                              "to": ["b@example.com"], "username": "u", "password_file": str(tmp_path / "smtp.pw")}},
    }))
    found = set(secret_values(load_config(tmp_path / "m.yaml")))
    assert {"db-pass-123", "api-token-456", "Bearer feed-key-789", "https://hooks.example/abc-secret-path",
            "whsec-1", "pw-from-a-file"} <= found, found


def test_only_secret_values_are_hidden_not_every_configured_string(tmp_path):
    """Issue 14 defect 3: `headers: {X-Team: desk}` made every "desk" in the log
    `***` (`delivery hit-2-***-email`); only credentials are secrets."""
    import io
    import logging

    from monitor.config import load_config
    from monitor.logs import LogControl, secret_values

    (tmp_path / "user.txt").write_text("monitor-user-from-file\n")
    (tmp_path / "m.yaml").write_text(yaml.safe_dump({
        "feeds": [{"url": "https://example.com/feed", "name": "Paid",
                   "headers": {"X-Desk": "world", "X-Api-Key": "feed-api-key-1"}}],
        "channels": {"desk-email": {"type": "email", "host": "smtp.example", "from": "a@example.com",
                                    "to": ["b@example.com"], "username_file": str(tmp_path / "user.txt"),
                                    "password": "pw-5678"},
                     "hook": {"type": "webhook", "url": "https://hooks.example/p",
                              "headers": {"X-Team": "desk", "Authorization": "Bearer hook-tok-2"}}},
    }))
    found = set(secret_values(load_config(tmp_path / "m.yaml")))
    assert {"feed-api-key-1", "Bearer hook-tok-2", "https://hooks.example/p", "monitor-user-from-file"} <= found
    assert not {"desk", "world", "smtp.example", "a@example.com", "b@example.com"} & found, found

    out = io.StringIO()
    logs = LogControl(out)
    logs.apply("text", "INFO", found)
    try:
        logging.getLogger("test.secrets").warning("delivery hit-2-desk-email sent; Bearer hook-tok-2")
    finally:
        logs.close()
    assert "delivery hit-2-desk-email sent; ***" in out.getvalue()
