"""The in-process harness puts back what a command changes in the test process."""

from __future__ import annotations

import logging
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e import inprocess


def test_a_command_leaves_no_logging_change_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import monitor.cli

    root = logging.getLogger()
    before = list(root.handlers), root.level, logging.getLogger("httpx").level

    def command() -> None:  # what a command's logging set-up does
        root.handlers.clear()
        root.addHandler(logging.StreamHandler())
        root.setLevel(logging.DEBUG)
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("made.by.the.command").setLevel(logging.ERROR)

    monkeypatch.setattr(monitor.cli, "main", command)
    assert inprocess.run_in_process(["once"], env={}, cwd=tmp_path).returncode == 0
    assert (list(root.handlers), root.level, logging.getLogger("httpx").level) == before
    assert logging.getLogger("made.by.the.command").level == logging.NOTSET


def test_a_command_past_its_timeout_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import monitor.cli

    monkeypatch.setattr(monitor.cli, "main", lambda: time.sleep(30))
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        inprocess.run_in_process(["once"], env={}, cwd=tmp_path, timeout=0.5)
    assert time.monotonic() - started < 5
