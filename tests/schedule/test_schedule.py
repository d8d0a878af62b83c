from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from monitor.poll.schedule import GONE_DELAY, ScheduleSettings, backoff, next_poll, observed_publish_interval

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc)
S = ScheduleSettings(jitter=0.0, adaptive=True)
MID = lambda: 0.5  # noqa: E731 - rand() at the centre: no jitter either way
M = timedelta(minutes=1)
H = timedelta(hours=1)


def delay(**kw: object) -> timedelta:
    args: dict[str, object] = dict(now=NOW, interval=10 * M, result_kind="ok", error_count=0,
                                   settings=S, rand=MID)
    args.update(kw)
    return next_poll(**args).when - NOW  # type: ignore[arg-type]


def test_ok_uses_the_configured_interval() -> None:
    assert delay() == 10 * M
    assert delay(result_kind="not-modified") == 10 * M


def test_rare_publisher_is_polled_at_half_its_publishing_interval() -> None:
    assert delay(interval=3 * H, observed_interval=24 * H) == 12 * H
    assert delay(observed_interval=5 * M) == 10 * M  # never faster than configured
    assert delay(interval=12 * H, observed_interval=30 * 24 * H) == 24 * H  # never beyond max_interval


@pytest.mark.parametrize("hint", ["max_age", "ttl", "retry_after"])
def test_server_freshness_hints_stretch_the_interval(hint: str) -> None:
    assert delay(**{hint: 30 * M}) == 30 * M
    assert delay(**{hint: 1 * M}) == 10 * M  # shorter hints never speed polling up
    assert delay(interval=12 * H, **{hint: 400 * H}) == 24 * H  # clamped to max_interval


@pytest.mark.parametrize("hint", ["max_age", "ttl", "observed_interval"])
def test_hints_stretch_at_most_max_stretch_times_the_interval(hint: str) -> None:
    # a CDN's max-age=86400, or a "most read" feed of week-old items, on a 5-minute feed
    assert delay(interval=5 * M, **{hint: 7 * 24 * H}) == 20 * M
    assert delay(interval=5 * M, settings=ScheduleSettings(jitter=0.0, max_stretch=1.0, adaptive=True),
                 **{hint: 24 * H}) == 5 * M
    assert delay(interval=5 * M, **{hint: 15 * M * (2 if hint == "observed_interval" else 1)}) == 15 * M


def test_retry_after_is_obeyed_beyond_max_stretch() -> None:
    assert delay(interval=5 * M, retry_after=3 * H) == 3 * H  # the server asked us to wait
    assert delay(interval=5 * M, retry_after=3 * H, max_age=24 * H) == 3 * H
    assert delay(interval=5 * M, retry_after=400 * H) == 24 * H  # still within max_interval
    assert delay(result_kind="error", error_count=1, interval=5 * M, retry_after=3 * H) == 3 * H


def test_interval_clamped_to_min() -> None:
    assert delay(interval=timedelta(seconds=5)) == M


def test_error_backs_off_exponentially_and_caps() -> None:
    assert [delay(result_kind="error", error_count=n) for n in (1, 2, 3, 4)] == [M, 2 * M, 4 * M, 8 * M]
    assert delay(result_kind="error", error_count=50) == 6 * H
    assert delay(result_kind="error", error_count=10_000) == 6 * H  # no overflow


def test_error_honours_retry_after_but_caps_it() -> None:
    assert delay(result_kind="error", error_count=1, retry_after=30 * M) == 30 * M
    assert delay(result_kind="error", error_count=5, retry_after=1 * M) == 16 * M
    assert delay(result_kind="error", error_count=1, retry_after=365 * 24 * H) == 24 * H


def test_gone_is_rechecked_weekly() -> None:
    assert delay(result_kind="gone", error_count=1) == GONE_DELAY == timedelta(days=7)
    assert delay(result_kind="gone", error_count=9, interval=5 * M) == 7 * 24 * H


def test_jitter_spreads_within_the_fraction_and_is_deterministic() -> None:
    s = ScheduleSettings(jitter=0.1, adaptive=True)
    low = delay(settings=s, rand=lambda: 0.0, interval=H)
    high = delay(settings=s, rand=lambda: 0.999999, interval=H)
    assert low == 54 * M and 65 * M < high <= 66 * M
    assert delay(settings=s, rand=lambda: 0.3, interval=H) == delay(settings=s, rand=lambda: 0.3, interval=H)
    # jitter never breaks the bounds
    assert delay(settings=s, rand=lambda: 0.999, interval=48 * H) <= 24 * H
    assert delay(settings=s, rand=lambda: 0.0, interval=timedelta(seconds=1)) >= M


def test_backoff_jitter_stays_under_the_cap() -> None:
    s = ScheduleSettings(jitter=0.5)
    assert backoff(3, s, lambda: 0.0) == 2 * M
    assert backoff(3, s, lambda: 0.999999) < 6 * M
    assert backoff(100, s, lambda: 0.999999) == 6 * H


def test_observed_publish_interval_is_the_median_recent_gap() -> None:
    daily = [NOW - timedelta(days=d) for d in range(5)]
    assert observed_publish_interval(daily, NOW) == 24 * H
    burst = [NOW - M, NOW - 2 * M, NOW - 3 * M, NOW - 3 * 24 * H]
    assert observed_publish_interval(burst, NOW) == M


def test_observed_publish_interval_needs_three_real_dates() -> None:
    assert observed_publish_interval([NOW, NOW - H], NOW) is None
    future = [NOW + timedelta(days=d) for d in range(1, 5)]
    assert observed_publish_interval([NOW, NOW - H, *future], NOW) is None  # future dates ignored


def test_observed_publish_interval_looks_at_recent_items_only() -> None:
    recent = [NOW - timedelta(hours=h) for h in range(20)]
    ancient = [NOW - timedelta(days=300 + d * 30) for d in range(50)]
    assert observed_publish_interval(ancient + recent, NOW) == H


def reason(**kw: object) -> str:
    args: dict[str, object] = dict(now=NOW, interval=10 * M, result_kind="ok", error_count=0,
                                   settings=S, rand=MID)
    args.update(kw)
    return str(next_poll(**args).reason)  # type: ignore[arg-type]


def test_every_delay_says_why() -> None:
    assert reason() == "configured"
    assert reason(max_age=30 * M) == "cache-control"
    assert reason(ttl=30 * M) == "ttl"
    assert reason(observed_interval=2 * H) == "observed-rhythm"
    assert reason(retry_after=3 * H) == "retry-after"
    assert reason(result_kind="error", error_count=3) == "backoff"
    assert reason(result_kind="error", error_count=1, retry_after=30 * M) == "retry-after"
    assert reason(result_kind="gone", error_count=1) == "gone"
    assert reason(interval=timedelta(seconds=5)) == "min-interval"
    assert reason(interval=48 * H) == "max-interval"
    assert reason(safety_interval=H) == "websub-safety"


def test_without_adaptive_the_configured_interval_is_honoured() -> None:
    plain = ScheduleSettings(jitter=0.0)
    assert plain.adaptive is False  # the default: what the operator set is what is polled
    for hint in ("max_age", "ttl", "observed_interval"):
        assert delay(settings=plain, interval=M, **{hint: 8 * M}) == M
        assert reason(settings=plain, interval=M, **{hint: 8 * M}) == "configured"
    assert delay(settings=plain, interval=M, retry_after=10 * M) == 10 * M  # a request, always obeyed


def test_websub_safety_interval_slows_polling_while_pushed() -> None:
    assert delay(interval=5 * M, safety_interval=H) == H
    assert delay(interval=2 * H, safety_interval=H) == 2 * H  # never faster than configured
    assert reason(interval=2 * H, safety_interval=H) == "configured"
