"""One source for every default: a config that says nothing about `poll:`,
`fetch:` or `database:` gives the daemon exactly the settings objects' own
defaults, and `db upgrade`'s YAML-only reader picks the same database.  A
default retyped in a settings object (or in a command) that drifts from
monitor/config/model.py fails here."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from monitor.cli import db_cmd
from monitor.fetch.settings import FetchSettings
from monitor.poll.schedule import ScheduleSettings
from monitor.poll.settings import PollSettings


def test_fetch_settings_default_to_the_configs(cfg) -> None:
    config = cfg.load("feeds: []\n")
    assert FetchSettings.from_config(config.fetch, config.poll) == FetchSettings()


def test_schedule_settings_default_to_the_configs(cfg) -> None:
    config = cfg.load("feeds: []\n")
    assert PollSettings.from_config(config).schedule == ScheduleSettings()


def test_db_upgrade_reads_the_configs_default_database(cfg) -> None:
    path = cfg.write("monitor.yaml", "feeds: []\n")
    loaded = Path(make_url(cfg.load("feeds: []\n").database).database or "")
    raw = make_url(db_cmd.read_database_key(path, {}))
    assert raw.get_backend_name() == "sqlite"
    assert (path.parent / (raw.database or "")).resolve() == loaded.resolve()
