"""monitor.health.decide: one alert when a feed fails or falls silent, one when it recovers."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from monitor.config.model import HealthConfig
from monitor.health import FeedHealth, decide

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
CFG = HealthConfig(notify=("hook",), after_errors=3, silent_factor=4.0)
OK = FeedHealth(id=1, name="Wire", url="http://w/rss", status="ok", error_count=0,
                interval=timedelta(minutes=10), last_new_at=NOW - timedelta(minutes=5))


def failing(n: int, **kw: object) -> FeedHealth:
    return replace(OK, status="failing", error_count=n, last_error="HTTP 503", last_error_kind="http-503", **kw)


def test_healthy_feed_gives_nothing() -> None:
    assert decide(OK, CFG, NOW) is None


def test_failing_alerts_once_at_after_errors_then_once_on_recovery() -> None:
    alerted = None
    events = []
    for n in (1, 2, 3, 4, 5, 6):
        event = decide(failing(n, alerted=alerted), CFG, NOW)
        if event:
            events.append((n, event.kind))
            alerted = event.alerted
    assert events == [(3, "failing")]
    recovered = decide(replace(OK, alerted=alerted), CFG, NOW)
    assert recovered is not None and recovered.kind == "recovered" and recovered.alerted is None
    assert decide(replace(OK, alerted=None), CFG, NOW) is None


def test_failing_message_names_the_feed_the_count_and_the_error() -> None:
    event = decide(failing(3), CFG, NOW)
    assert event is not None
    assert "Wire" in event.message and "http://w/rss" in event.message
    assert "3 times" in event.message and "HTTP 503" in event.message and "http-503" in event.message


def test_gone_alerts_at_once() -> None:
    event = decide(replace(OK, status="gone", error_count=1, last_error_kind="gone"), CFG, NOW)
    assert event is not None and event.kind == "failing" and "410" in event.message


def test_not_modified_counts_as_recovery() -> None:
    event = decide(replace(OK, status="not-modified", alerted="failing"), CFG, NOW)
    assert event is not None and event.kind == "recovered"


def test_silent_after_factor_times_the_configured_interval() -> None:
    quiet = replace(OK, last_new_at=NOW - timedelta(minutes=39))
    assert decide(quiet, CFG, NOW) is None
    quiet = replace(OK, last_new_at=NOW - timedelta(minutes=41))
    event = decide(quiet, CFG, NOW)
    assert event is not None and event.kind == "silent" and event.alerted == "silent"
    assert decide(replace(quiet, alerted="silent"), CFG, NOW) is None  # no repeat
    back = decide(replace(OK, alerted="silent"), CFG, NOW)
    assert back is not None and back.kind == "recovered"


def test_silence_is_measured_against_the_observed_publishing_interval() -> None:
    daily = replace(OK, observed_interval=timedelta(days=1), last_new_at=NOW - timedelta(days=2))
    assert decide(daily, CFG, NOW) is None  # 2 days is normal for a daily feed with factor 4
    assert decide(replace(daily, last_new_at=NOW - timedelta(days=5)), CFG, NOW).kind == "silent"  # type: ignore[union-attr]


def test_observed_interval_below_the_poll_interval_does_not_make_it_hair_trigger() -> None:
    busy = replace(OK, observed_interval=timedelta(seconds=1), last_new_at=NOW - timedelta(minutes=30))
    assert decide(busy, CFG, NOW) is None


def test_silent_then_failing_is_a_new_alert_and_failing_is_not_silent() -> None:
    event = decide(failing(3, alerted="silent", last_new_at=NOW - timedelta(days=9)), CFG, NOW)
    assert event is not None and event.kind == "failing"
    assert decide(failing(2, last_new_at=NOW - timedelta(days=9)), CFG, NOW) is None


def test_payload_carries_the_feed() -> None:
    event = decide(failing(3), CFG, NOW)
    assert event is not None
    body = event.payload(failing(3), NOW)
    assert body["event"] == "failing" and body["feed"]["url"] == "http://w/rss"
    assert body["feed"]["error_count"] == 3 and body["feed"]["last_error"] == "HTTP 503"
