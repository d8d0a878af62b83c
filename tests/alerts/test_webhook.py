"""Webhooks against a real HTTP receiver on 127.0.0.1, through the dispatcher."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

from monitor.clock import FrozenClock
from monitor.alerts import Dispatcher
from tests.runtime_helpers import dispatcher
from tests.alerts.conftest import FakeStore, later, make_hit, webhook_spec

SECRET = "whsec_" + base64.b64encode(b"receiver-shared-key").decode()


def independent_verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(sig.split(",", 1)[1] == expected for sig in headers["webhook-signature"].split())


def hook_dispatcher(store: FakeStore, specs: dict, clock: FrozenClock) -> Dispatcher:
    return dispatcher(store, specs, clock, owner="test", rand=lambda: 0.5)


async def test_retried_through_503s_until_accepted_with_verifiable_signature(
        store: FakeStore, clock: FrozenClock, receiver) -> None:
    rx = receiver(503, 503, (200, {}, b"thanks"))
    specs = {"hook": webhook_spec(rx.url, secret=SECRET, headers={"x-team": "desk"})}
    row = store.add("hook", (make_hit(1),), due=clock.now())
    d = hook_dispatcher(store, specs, clock)

    assert await d.tick() == 1
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 503")
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert await d.tick() == 0  # not due yet
    later(row, clock)
    await d.tick()
    assert row.next_attempt_at == clock.now() + timedelta(seconds=60)  # exponential
    later(row, clock)
    await d.tick()
    assert row.status == "sent" and row.detail == "HTTP 200: thanks"

    assert len(rx.requests) == 3
    assert {r.headers["webhook-id"] for r in rx.requests} == {row.key}
    for req in rx.requests:
        assert independent_verify(SECRET, req.headers, req.body)
        assert req.headers["x-team"] == "desk"
        assert req.headers["content-type"] == "application/json"
    stamps = [int(r.headers["webhook-timestamp"]) for r in rx.requests]
    assert stamps == sorted(stamps) and stamps[0] == int((clock.now() - timedelta(seconds=90)).timestamp())
    # one message, resent: the same bytes every time (the attempt time is in the header)
    assert len({r.body for r in rx.requests}) == 1
    body = rx.requests[-1].json()
    assert body["created_at"] == "2026-03-02T06:30:00Z"  # when it was queued, not sent
    assert body["id"] == row.key and body["type"] == "alert"
    assert body["rule"] == {"id": "china-envoy-nk", "name": "Chinese envoy to North Korea"}
    assert body["article"] == body["hits"][0]
    assert body["article"]["snippet"].count("**") == 6
    assert body["article"]["terms"] == ["diplomat", "North Korea", "envoy"]
    assert body["article"]["outlets"] == ["Daily Planet"]
    await d.live.current().channels["hook"].aclose()


async def test_429_retry_after_is_waited_for(store: FakeStore, clock: FrozenClock, receiver) -> None:
    rx = receiver((429, {"Retry-After": "120"}, b"slow down"), 200)
    specs = {"hook": webhook_spec(rx.url)}
    row = store.add("hook", (make_hit(1),), due=clock.now())
    d = hook_dispatcher(store, specs, clock)
    await d.tick()
    assert row.next_attempt_at == clock.now() + timedelta(seconds=120)
    clock.advance(timedelta(seconds=119))
    assert await d.tick() == 0
    clock.advance(timedelta(seconds=1))
    assert await d.tick() == 1
    assert row.status == "sent" and len(rx.requests) == 2
    assert rx.requests[0].headers["webhook-id"] == rx.requests[1].headers["webhook-id"]
    await d.live.current().channels["hook"].aclose()


async def test_dead_after_max_attempts_then_replayed(store: FakeStore, clock: FrozenClock, receiver) -> None:
    rx = receiver(500, 500, 500, 200)
    specs = {"hook": webhook_spec(rx.url, max_attempts=3)}
    row = store.add("hook", (make_hit(1),), due=clock.now())
    d = hook_dispatcher(store, specs, clock)
    for _ in range(3):
        later(row, clock) if row.next_attempt_at else None
        await d.tick()
    assert row.status == "dead" and row.attempts == 3
    assert "HTTP 500" in (row.last_error or "") and "3 attempts" in (row.last_error or "")
    clock.advance(timedelta(days=1))
    assert await d.tick() == 0  # dead stays dead

    assert store.replay(dead=True, now=clock.now()) == 1
    await d.tick()
    assert row.status == "sent"
    assert len({r.headers["webhook-id"] for r in rx.requests}) == 1
    await d.live.current().channels["hook"].aclose()


async def test_a_failing_delivery_warns_with_the_retry_time_in_the_log_format(
        store: FakeStore, clock: FrozenClock, receiver, caplog) -> None:
    """Issue 14 defect 6: a channel down for hours must show at WARNING, and its
    retry time is written like every other time (ISO 8601, UTC, `Z`)."""
    import logging

    from monitor.logs import text_formatter

    rx = receiver(503, 200)
    row = store.add("hook", (make_hit(1),), due=clock.now())
    d = hook_dispatcher(store, {"hook": webhook_spec(rx.url)}, clock)
    with caplog.at_level(logging.INFO, logger="monitor.alerts.dispatcher"):
        await d.tick()
    [failed] = [r for r in caplog.records if "failed" in r.getMessage()]
    assert failed.levelno == logging.WARNING
    assert failed.getMessage() == ("delivery alert-1 on hook failed (attempt 1: HTTP 503); "
                                   "retry at 2026-03-02T06:30:30Z")
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    failed.created = clock.now().timestamp()
    assert text_formatter().format(failed).startswith("2026-03-02T06:30:00Z WARNING delivery alert-1")
    await d.live.current().channels["hook"].aclose()


async def test_4xx_is_permanent(store: FakeStore, clock: FrozenClock, receiver) -> None:
    rx = receiver((404, {}, b"no such hook"))
    specs = {"hook": webhook_spec(rx.url)}
    row = store.add("hook", (make_hit(1),), due=clock.now())
    d = hook_dispatcher(store, specs, clock)
    await d.tick()
    assert row.status == "dead" and "HTTP 404: no such hook" in (row.last_error or "")
    await d.live.current().channels["hook"].aclose()


async def test_connection_refused_is_retried(store: FakeStore, clock: FrozenClock) -> None:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    specs = {"hook": webhook_spec(f"http://127.0.0.1:{port}/x")}
    row = store.add("hook", (make_hit(1),), due=clock.now())
    d = hook_dispatcher(store, specs, clock)
    await d.tick()
    assert row.status == "pending" and "network error" in (row.last_error or "")
    await d.live.current().channels["hook"].aclose()


async def test_digest_payload_lists_every_hit(store: FakeStore, clock: FrozenClock, receiver) -> None:
    rx = receiver(200)
    specs = {"hook": webhook_spec(rx.url)}
    store.add("hook", (make_hit(1), make_hit(2)), due=clock.now(), kind="digest")
    d = hook_dispatcher(store, specs, clock)
    await d.tick()
    body = json.loads(rx.requests[0].body)
    assert body["type"] == "digest" and "article" not in body
    assert [h["id"] for h in body["hits"]] == [1, 2]
    assert body["created_at"] == "2026-03-02T06:30:00Z"
    await d.live.current().channels["hook"].aclose()
