"""deploy/docker-compose.yml: structure, and `docker compose config` where a
compose CLI exists on the machine (skipped with the reason otherwise)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.procs import run_in_group
from .conftest import COMPOSE_FILE, DEPLOY


def test_daemon_service_is_hardened_and_persistent(compose: dict[str, Any]) -> None:
    svc = compose["services"]["news-monitor"]
    assert svc["restart"] in {"unless-stopped", "always"}
    assert svc["read_only"] is True and "/tmp" in svc["tmpfs"]
    assert str(svc["user"]).split(":")[0] == "10001"
    assert svc["cap_drop"] == ["ALL"]
    assert "profiles" not in svc, "the daemon must start without naming a profile"
    assert svc["build"]["context"] == ".." and (DEPLOY / svc["build"]["context"] / "Dockerfile").is_file()


def test_config_read_only_and_data_in_a_named_volume(compose: dict[str, Any]) -> None:
    volumes = compose["services"]["news-monitor"]["volumes"]
    assert "../config:/config:ro" in volumes, "mount the config directory read-only (hot reload needs the directory)"
    assert "data:/data" in volumes and "data" in compose["volumes"]
    for spec in volumes:
        source = spec.split(":")[0]
        if source.startswith("."):
            assert (DEPLOY / source).is_dir(), f"{spec}: {source} does not exist relative to deploy/"


def test_healthcheck_uses_the_cli(compose: dict[str, Any]) -> None:
    check = compose["services"]["news-monitor"]["healthcheck"]
    assert check["test"] == ["CMD", "news-monitor", "healthcheck"]
    assert {"interval", "timeout", "retries", "start_period"} <= check.keys()


def test_environment_defaults_to_sqlite_and_requires_a_token(compose: dict[str, Any]) -> None:
    env = compose["services"]["news-monitor"]["environment"]
    assert env["NEWS_MONITOR_DATABASE"] == "${NEWS_MONITOR_DATABASE:-sqlite:////data/monitor.db}"
    assert env["NEWS_MONITOR_HTTP_LISTEN"] == "0.0.0.0:8080"
    assert env["NEWS_MONITOR_HTTP_TOKEN"].startswith("${NEWS_MONITOR_HTTP_TOKEN:?")
    assert compose["services"]["news-monitor"]["ports"] == ["127.0.0.1:8080:8080"]


def test_postgres_is_an_optional_profile(compose: dict[str, Any]) -> None:
    pg = compose["services"]["postgres"]
    assert pg["profiles"] == ["postgres"]
    assert "pgdata:/var/lib/postgresql/data" in pg["volumes"] and "pgdata" in compose["volumes"]
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert pg["environment"]["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:-}", "no default password"


def _compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and run_in_group([docker, "compose", "version"], timeout=60).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.fixture
def empty_env_file(tmp_path: Path) -> Path:
    path = tmp_path / "empty.env"
    path.write_text("", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def compose_cli() -> list[str]:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no `docker compose` or `docker-compose` on this machine: compose CLI validation not run")
    return cli


def _run(cli: list[str], *args: str, token: str | None, env_file: Path) -> subprocess.CompletedProcess[str]:
    # An empty --env-file: an operator's deploy/.env must not change the result.
    env = {k: v for k, v in os.environ.items() if k not in {"NEWS_MONITOR_HTTP_TOKEN", "COMPOSE_PROFILES"}}
    if token is not None:
        env["NEWS_MONITOR_HTTP_TOKEN"] = token
    return run_in_group([*cli, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), *args, "config"], env=env,
                        timeout=60, cwd=DEPLOY)


def test_compose_cli_accepts_default_and_postgres_profile(compose_cli: list[str], empty_env_file: Path) -> None:
    default = _run(compose_cli, token="t0ken", env_file=empty_env_file)
    assert default.returncode == 0, default.stderr
    assert "sqlite:////data/monitor.db" in default.stdout and "t0ken" in default.stdout
    with_pg = _run(compose_cli, "--profile", "postgres", token="t0ken", env_file=empty_env_file)
    assert with_pg.returncode == 0, with_pg.stderr
    assert "pg_isready" in with_pg.stdout


def test_compose_cli_refuses_a_missing_token_by_name(compose_cli: list[str], empty_env_file: Path) -> None:
    result = _run(compose_cli, token=None, env_file=empty_env_file)
    assert result.returncode != 0
    assert "NEWS_MONITOR_HTTP_TOKEN" in result.stderr
