"""The pure spike decision (monitor.alerts.spike.decide)."""

from __future__ import annotations

from datetime import timedelta

from monitor.alerts.spike import decide
from monitor.types import SpikeSpec

WEEK = SpikeSpec(factor=3.0, baseline=timedelta(days=7), min_hits=5)


def test_more_than_factor_times_the_hourly_average_is_a_spike() -> None:
    spike = decide(14, 756, WEEK)  # 4.5 an hour
    assert spike is not None and spike.average == 4.5
    assert spike.message("china") == "rule china: 14 hits in the last hour, 3.1x its 7-day hourly average of 4.5"


def test_at_or_under_the_threshold_is_not() -> None:
    assert decide(13, 756, WEEK) is None  # 13.5 is the threshold
    assert decide(6, 336, WEEK) is None  # exactly 3 x 2


def test_a_few_hits_against_a_silent_baseline_need_min_hits() -> None:
    assert decide(1, 0, WEEK) is None
    assert decide(4, 0, WEEK) is None
    spike = decide(5, 0, WEEK)
    assert spike is not None and spike.ratio is None
    assert "against no hits in its 7-day hourly average of 0.0" in spike.message("r")


def test_an_hourly_baseline_is_named_in_hours() -> None:
    spike = decide(9, 12, SpikeSpec(factor=2, baseline=timedelta(hours=6), min_hits=1))
    assert spike is not None and "4.5x its 6-hour hourly average of 2.0" in spike.message("r")


def test_the_store_alerts_once_per_spike_and_again_after_it_fell_back(tmp_path) -> None:
    from datetime import datetime, timezone

    from monitor.store import Store
    from monitor.types import RuleSpec
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}")
    store.upgrade()
    rule = RuleSpec(id="r", name="R", query="x", spike=WEEK)
    now = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    spike = decide(14, 756, WEEK)
    assert len(store.note_spike(rule, spike, channels=("a", "b"), now=now)) == 2
    assert store.note_spike(rule, spike, channels=("a", "b"), now=now + timedelta(minutes=5)) == []
    assert store.note_spike(rule, None, channels=("a", "b"), now=now + timedelta(hours=1)) == []
    assert len(store.note_spike(rule, spike, channels=("a",), now=now + timedelta(hours=2))) == 1
    assert [s.hits for s in store.list_spikes(since=now - timedelta(days=1))] == [14, 14]
    store.close()
