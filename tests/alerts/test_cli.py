"""`deliveries`, `deliveries retry` and `test-channel` against a real config and store."""

from __future__ import annotations

import json
from datetime import timedelta

import yaml
from typer.testing import CliRunner

from monitor.alerts.channels import channel_spec
from monitor.alerts import plan_deliveries
from monitor.cli import build_app
from monitor.store import Store
from monitor.types import FeedSpec, RuleSpec
from tests.alerts.conftest import T0, record_article
from tests.alerts.test_webhook import independent_verify

RULE = RuleSpec("china-envoy-nk", "Chinese envoy", "q", notify=("console",))


def write_config(tmp_path, channels: dict) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path}/monitor.db"
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump({"database": db, "channels": channels,
                                    "defaults": {"notify": ["console"]}}))
    return str(path), db


def seed(db: str, n: int) -> Store:
    store = Store.open(db)
    store.upgrade()
    store.sync_feeds([FeedSpec("https://wire.example/rss", "Example Wire", timedelta(minutes=5))], T0)
    specs = {"console": channel_spec("console", "console")}
    for i in range(n):
        record_article(store, i, [RULE], lambda r: plan_deliveries(r, specs, T0), T0)
    return store


def test_list_filter_json_and_retry(tmp_path) -> None:
    config, db = write_config(tmp_path, {"console": {"type": "console"}})
    store = seed(db, 3)
    [first, second, third] = store.claim_due_deliveries(T0, limit=3, owner="t", lease=timedelta(minutes=1))
    store.mark_sent(first.id, T0, "printed")
    store.mark_dead(second.id, error="HTTP 404: gone", now=T0)
    store.mark_dead(third.id, error="HTTP 410", now=T0)
    runner = CliRunner()
    app = build_app()

    out = runner.invoke(app, ["deliveries", "--config", config, "--status", "dead", "--json"])
    assert out.exit_code == 0, out.output
    records = json.loads(out.output)
    assert {r["id"] for r in records} == {second.id, third.id}
    assert {r["last_error"] for r in records} == {"HTTP 404: gone", "HTTP 410"}
    assert records[0]["channel"] == "console" and records[0]["rule"] == "china-envoy-nk"

    out = runner.invoke(app, ["deliveries", "--config", config])
    assert out.exit_code == 0 and "HTTP 404: gone" in out.output and "sent" in out.output

    out = runner.invoke(app, ["deliveries", "retry", str(second.id), "--config", config])
    assert out.exit_code == 0 and "1 delivery queued again" in out.output
    out = runner.invoke(app, ["deliveries", "retry", str(first.id), "--config", config])
    assert out.exit_code == 1 and "is sent, not dead" in out.output
    out = runner.invoke(app, ["deliveries", "retry", "--dead", "--config", config])
    assert out.exit_code == 0 and "1 delivery queued again" in out.output
    out = runner.invoke(app, ["deliveries", "retry", "--config", config])
    assert out.exit_code == 2
    assert {d.status for d in store.list_deliveries()} == {"sent", "pending"}
    store.close()


def test_deliveries_read_as_what_happened(tmp_path) -> None:
    """Issue 14 defect 7: tries count every attempt, a pending delivery shows its
    next attempt, a success clears the old error, a missing id is "no delivery",
    and a removed channel's deliveries show as orphaned with the grace left."""
    from monitor.clock import SystemClock

    config, db = write_config(tmp_path, {"console": {"type": "console"}})
    store = seed(db, 3)
    now = SystemClock().now()
    [first, second, third] = store.claim_due_deliveries(T0, limit=3, owner="t", lease=timedelta(minutes=1))
    store.mark_retry(first.id, next_attempt_at=now + timedelta(minutes=30), error="HTTP 503")
    store.mark_retry(second.id, next_attempt_at=T0, error="HTTP 503")
    store.mark_sent(second.id, T0, "printed")
    store.mark_retry(third.id, next_attempt_at=now, error="HTTP 503")
    runner, app = CliRunner(), build_app()

    records = {r["id"]: r for r in json.loads(runner.invoke(app, ["deliveries", "--config", config, "--json"]).output)}
    assert (records[first.id]["attempts"], records[first.id]["last_error"]) == (1, "HTTP 503")
    assert (records[second.id]["status"], records[second.id]["attempts"], records[second.id]["last_error"]) \
        == ("sent", 2, None)  # two tries, the second accepted: no error left
    assert records[first.id]["next_attempt_at"].endswith("Z") and records[first.id]["orphaned"] is False
    rows = {line.split()[0]: line for line in runner.invoke(app, ["deliveries", "--config", config]).output.splitlines()}
    assert "next in 29m" in rows[str(first.id)] or "next in 30m" in rows[str(first.id)], rows
    assert "sent " in rows[str(second.id)] and "HTTP 503" not in rows[str(second.id)]

    out = runner.invoke(app, ["deliveries", "retry", "9999", "--config", config])
    assert out.exit_code == 1 and "no delivery 9999" in out.output and "not dead" not in out.output

    (tmp_path / "monitor.yaml").write_text(yaml.safe_dump({  # the console channel removed
        "database": db, "channels": {"other": {"type": "console"}}, "defaults": {"notify": ["other"]}}))
    rows = {line.split()[0]: line for line in runner.invoke(app, ["deliveries", "--config", config]).output.splitlines()}
    assert "orphaned" in rows[str(third.id)], rows
    assert "dead in 9m" in rows[str(third.id)] or "dead in 10m" in rows[str(third.id)], rows
    records = {r["id"]: r for r in json.loads(runner.invoke(app, ["deliveries", "--config", config, "--json"]).output)}
    assert records[third.id]["orphaned"] is True and records[second.id]["orphaned"] is False
    store.close()


def test_test_channel_reports_the_answer(tmp_path, receiver) -> None:
    rx = receiver((200, {}, b"accepted"))
    bad = receiver((401, {}, b"bad token"))
    config, _ = write_config(tmp_path, {
        "console": {"type": "console"},
        "hook": {"type": "webhook", "url": rx.url, "secret": "s3cret"},
        "broken": {"type": "webhook", "url": bad.url}})
    runner = CliRunner()
    app = build_app()
    out = runner.invoke(app, ["test-channel", "hook", "--config", config])
    assert out.exit_code == 0, out.output
    assert "hook: ok: HTTP 200: accepted" in out.output
    req = rx.requests[0]
    assert independent_verify("s3cret", req.headers, req.body)
    assert req.json()["rule"]["id"] == "test-channel"

    out = runner.invoke(app, ["test-channel", "broken", "--config", config])
    assert out.exit_code == 1 and "broken: FAILED: HTTP 401: bad token" in out.output
    out = runner.invoke(app, ["test-channel", "console", "--config", config])
    assert out.exit_code == 0 and "China sends special envoy to Pyongyang" in out.output
    out = runner.invoke(app, ["test-channel", "nope", "--config", config])
    assert out.exit_code == 1 and "no channel 'nope'" in out.output
