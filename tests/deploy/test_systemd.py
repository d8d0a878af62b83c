"""deploy/systemd/news-monitor.service: the keys a hardened service needs, and
`systemd-analyze verify` where systemd is present (skipped otherwise)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.procs import run_in_group
from .conftest import UNIT_FILE

Unit = dict[str, dict[str, list[str]]]


def _one(unit: Unit, section: str, key: str) -> str:
    values = unit[section].get(key)
    assert values, f"[{section}] {key}= is missing from {UNIT_FILE.name}"
    return values[-1]


def test_runs_the_daemon_and_restarts_on_failure(unit: Unit) -> None:
    exec_start = _one(unit, "Service", "ExecStart").split()
    assert exec_start[0].startswith("/") and exec_start[0].endswith("/news-monitor")
    assert exec_start[1:] == ["run"]
    assert _one(unit, "Service", "Restart") == "on-failure"
    assert _one(unit, "Service", "KillSignal") == "SIGTERM"
    assert "network-online.target" in _one(unit, "Unit", "After")
    assert _one(unit, "Install", "WantedBy") == "multi-user.target"


def test_unprivileged_and_hardened(unit: Unit) -> None:
    assert _one(unit, "Service", "DynamicUser") == "yes" or unit["Service"].get("User")
    for key, value in {"ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                       "NoNewPrivileges": "yes"}.items():
        assert _one(unit, "Service", key) == value
    assert _one(unit, "Service", "CapabilityBoundingSet") == ""


def test_state_config_and_secrets_paths_agree(unit: Unit) -> None:
    state = _one(unit, "Service", "StateDirectory")
    conf = _one(unit, "Service", "ConfigurationDirectory")
    env = dict(v.split("=", 1) for v in unit["Service"]["Environment"])
    assert env["NEWS_MONITOR_DATABASE"] == f"sqlite:////var/lib/{state}/monitor.db", \
        "with ProtectSystem=strict the database must live in the StateDirectory"
    assert env["NEWS_MONITOR_CONFIG"] == f"/etc/{conf}/monitor.yaml"
    assert _one(unit, "Service", "EnvironmentFile").lstrip("-").startswith(f"/etc/{conf}/")


def test_systemd_analyze_verify_is_clean(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not on this machine: unit not verified by systemd")
    # The real ExecStart is not installed here; everything else is verified as written.
    text = UNIT_FILE.read_text(encoding="utf-8")
    copy = tmp_path / UNIT_FILE.name
    copy.write_text("\n".join("ExecStart=/bin/true" if ln.startswith("ExecStart=") else ln
                              for ln in text.splitlines()) + "\n", encoding="utf-8")
    result = run_in_group([analyze, "verify", str(copy)], timeout=60)
    complaints = [ln for ln in (result.stdout + result.stderr).splitlines() if copy.name in ln or "Unknown" in ln]
    assert result.returncode == 0 and not complaints, result.stdout + result.stderr
