"""The Dockerfile and .dockerignore, checked as text: the published base, a
non-root user, /data as the only persistent path, the healthcheck and the
command.  The real build is deploy/build-local.sh (CI needs no Docker)."""

from __future__ import annotations

import json
import re

import yaml

from .conftest import DOCKERIGNORE, LOCK_FILE, REPO, Instruction


def _final(dockerfile: list[Instruction], keyword: str) -> list[str]:
    last = max(i.stage for i in dockerfile)
    return [i.args for i in dockerfile if i.stage == last and i.keyword == keyword]


def _env(dockerfile: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for args in _final(dockerfile, "ENV"):
        env.update(dict(re.findall(r"(\w+)=(\S+)", args)))
    return env


def test_published_base_is_python_slim_and_overridable(dockerfile: list[Instruction]) -> None:
    assert dockerfile[0].keyword == "ARG" and dockerfile[0].args == "BASE=python:3.12-slim"
    froms = [i.args for i in dockerfile if i.keyword == "FROM"]
    assert len(froms) >= 2, "multi-stage: build the venv in one stage, copy it into the next"
    assert all(f.split()[0] == "${BASE}" for f in froms)


def test_venv_is_built_in_a_stage_and_copied(dockerfile: list[Instruction]) -> None:
    build_runs = " ".join(i.args for i in dockerfile if i.stage == 0 and i.keyword == "RUN")
    assert "python3 -m venv /opt/venv" in build_runs, "python3 -m venv works on both bases"
    assert any(a.startswith("--from=build /opt/venv") for a in _final(dockerfile, "COPY"))


def test_build_installs_only_from_the_lock(dockerfile: list[Instruction]) -> None:
    """requirements.lock with --require-hashes; then the project without
    dependencies or build isolation (its build backend is locked too); pip
    check; pip itself from its own hashed lock first (never an unpinned `pip
    install --upgrade pip`), no extras resolved on their own."""
    build = [i for i in dockerfile if i.stage == 0]
    assert not [i for i in build if i.keyword == "ARG" and i.args.startswith("EXTRAS")], \
        "the extras are the lock's (requirements.lock carries apprise)"
    steps = [s.strip() for i in build if i.keyword == "RUN" for s in i.args.split(";")]
    pip = [s for s in steps if s.startswith("/opt/venv/bin/pip ") and "uninstall" not in s]
    assert pip == [
        "/opt/venv/bin/pip install --require-hashes -r /src/requirements-pip.lock",  # a known pip first
        f"/opt/venv/bin/pip install --require-hashes -r /src/{LOCK_FILE.name}",
        "/opt/venv/bin/pip install --no-deps --no-build-isolation /src",
        "/opt/venv/bin/pip check",
    ], pip


def test_runs_as_numeric_non_root_user(dockerfile: list[Instruction]) -> None:
    users = _final(dockerfile, "USER")
    assert users, "the final stage must set USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000, f"USER {users[-1]}: use a numeric uid (runAsNonRoot checks it)"


def test_data_volume_healthcheck_command_signal_port(dockerfile: list[Instruction]) -> None:
    assert _final(dockerfile, "VOLUME") == ["/data"]
    assert _final(dockerfile, "EXPOSE") == ["8080"]
    assert _final(dockerfile, "STOPSIGNAL") == ["SIGTERM"]
    [check] = _final(dockerfile, "HEALTHCHECK")
    assert check.endswith('CMD ["news-monitor", "healthcheck"]')
    [cmd] = _final(dockerfile, "CMD")
    assert json.loads(cmd) == ["news-monitor", "run"], "exec form, so SIGTERM reaches the daemon"


def test_environment_points_at_config_data_and_tmp(dockerfile: list[Instruction]) -> None:
    env = _env(dockerfile)
    assert env["NEWS_MONITOR_CONFIG"] == "/config/monitor.yaml"
    assert env["NEWS_MONITOR_DATABASE"] == "sqlite:////data/monitor.db", "four slashes: absolute path"
    assert env["NEWS_MONITOR_HTTP_LISTEN"] == "0.0.0.0:8080"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1", "read-only root filesystem"
    assert env["HOME"] == "/tmp"
    assert env["PATH"].startswith("/opt/venv/bin:")


def test_example_config_feeds_resolve_in_the_image_layout(dockerfile: list[Instruction]) -> None:
    copies = _final(dockerfile, "COPY")
    assert "config/ /config/" in copies and "seeds/ /seeds/" in copies
    config = yaml.safe_load((REPO / "config" / "monitor.yaml").read_text(encoding="utf-8"))
    file_feeds = [f["url"] for f in config["feeds"] if f["url"].startswith("file:")]
    assert file_feeds, "the example config is expected to carry the bundled seed feed"
    for url in file_feeds:
        target = (REPO / "config" / url.removeprefix("file:")).resolve()
        assert target.is_file(), f"{url} (relative to config/) does not exist: {target}"
        assert target.parent.parent == REPO, f"{url}: only config/ and seeds/ are copied into the image"


def test_dockerignore_allows_exactly_what_the_build_copies(dockerfile: list[Instruction]) -> None:
    lines = [ln.strip() for ln in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()]
    patterns = [ln for ln in lines if ln and not ln.startswith("#")]
    assert patterns[0] == "*", "allow-list: keep .venv, .git and data/ out of the context"
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    needed = {"pyproject.toml", "README.md", "monitor", LOCK_FILE.name}
    for args in (i.args for i in dockerfile if i.keyword == "COPY" and not i.args.startswith("--from")):
        sources = args.split()[:-1]
        needed.update(s.rstrip("/") for s in sources if s != ".")
    missing = sorted(n for n in needed if n not in allowed)
    assert not missing, f".dockerignore must allow {missing} (add '!name' lines)"
    assert not (REPO / ".local-build").exists(), ".local-build/ belongs in build-local.sh's throwaway context only"
