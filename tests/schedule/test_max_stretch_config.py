"""poll.max_stretch reaches the scheduler the daemon uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.poll.settings import PollSettings
from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.poll.schedule import ScheduleSettings


def _load(tmp_path: Path, poll: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "monitor.yaml"
    path.write_text(f"poll: {poll}\n", encoding="utf-8")
    return load_config(path, environ={})


def test_default_and_configured_max_stretch_reach_the_schedule(tmp_path: Path) -> None:
    assert PollSettings.from_config(_load(tmp_path, "{}")).schedule.max_stretch == ScheduleSettings().max_stretch == 4.0
    assert PollSettings.from_config(_load(tmp_path, "{max_stretch: 2}")).schedule.max_stretch == 2.0


def test_max_stretch_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, "{max_stretch: 0.5}")
    assert any("poll.max_stretch" in p for p in info.value.problems), info.value.problems
