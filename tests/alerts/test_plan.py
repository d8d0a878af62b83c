"""plan_deliveries: immediate, digest, quiet hours."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from monitor.alerts.channels import channel_spec
from monitor.alerts import plan_deliveries
from monitor.alerts.quiet import parse_quiet_hours, quiet_end
from monitor.errors import ChannelError
from monitor.types import PlannedDelivery, RuleSpec

NOW = datetime(2026, 1, 1, 14, 0, tzinfo=timezone.utc)  # 23:00 in Seoul, 15:00 in Berlin
CHANNELS = {
    "slack": channel_spec("slack", "slack", {"webhook_url": "https://hooks.example/x"}),
    "mail": channel_spec("mail", "console", {"quiet_hours": "22:00-07:00 Asia/Seoul"}),
}


def rule(**kw: object) -> RuleSpec:
    return RuleSpec(id="r", name="R", query="x", **kw)  # type: ignore[arg-type]


def test_immediate_is_due_now_once_per_channel() -> None:
    assert plan_deliveries(rule(notify=("slack", "slack")), CHANNELS, NOW) == [
        PlannedDelivery("slack", NOW)]


def test_digest_rule_waits_for_its_schedule_and_is_due_when_it_fires() -> None:
    tomorrow_0800_berlin = datetime(2026, 1, 2, 7, 0, tzinfo=timezone.utc)
    for mode in ("daily@08:00 Europe/Berlin", "digest: daily@08:00  Europe/Berlin"):
        planned = plan_deliveries(rule(notify=("slack",), mode=mode), CHANNELS, NOW)
        assert planned == [PlannedDelivery("slack", tomorrow_0800_berlin, digest="daily@08:00 Europe/Berlin")]
    [hourly] = plan_deliveries(rule(notify=("mail",), mode="hourly"), CHANNELS, NOW + timedelta(minutes=1))
    assert hourly == PlannedDelivery("mail", NOW + timedelta(hours=1), digest="hourly")  # not quiet:mail


def test_quiet_hours_hold_immediate_alerts_until_they_end() -> None:
    planned = plan_deliveries(rule(notify=("slack", "mail")), CHANNELS, NOW)
    assert planned[0] == PlannedDelivery("slack", NOW)
    assert planned[1] == PlannedDelivery(
        "mail", datetime(2026, 1, 1, 22, 0, tzinfo=timezone.utc), digest="quiet:mail")  # 07:00 Seoul


def test_outside_quiet_hours_alerts_go_now() -> None:
    noon_seoul = datetime(2026, 1, 1, 3, 0, tzinfo=timezone.utc)
    assert plan_deliveries(rule(notify=("mail",)), CHANNELS, noon_seoul) == [
        PlannedDelivery("mail", noon_seoul)]


def test_quiet_hours_same_day_window_and_just_after_midnight() -> None:
    q = parse_quiet_hours("12:00-13:30")
    assert quiet_end(q, datetime(2026, 1, 1, 12, 10, tzinfo=timezone.utc)) == datetime(
        2026, 1, 1, 13, 30, tzinfo=timezone.utc)
    assert quiet_end(q, datetime(2026, 1, 1, 13, 30, tzinfo=timezone.utc)) is None
    seoul = parse_quiet_hours("22:00-07:00 Asia/Seoul")
    one_am_seoul = datetime(2026, 1, 1, 16, 0, tzinfo=timezone.utc)
    assert quiet_end(seoul, one_am_seoul) == datetime(2026, 1, 1, 22, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("bad", ["22-07", "25:00-07:00", "22:00-07:00 Mars/Olympus"])
def test_bad_quiet_hours_name_the_fix(bad: str) -> None:
    with pytest.raises(ValueError, match="quiet_hours"):
        parse_quiet_hours(bad)


def test_unknown_channel_names_rule_and_channel() -> None:
    with pytest.raises(ChannelError, match="'r' notifies channel 'pager'"):
        plan_deliveries(rule(notify=("pager",)), CHANNELS, NOW)
