from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from monitor.runtime.builder import open_runtime
from monitor.config import load_config
from tests.e2e.servers import LocalServer
from tests.e2e.test_once import ALIASES, RULE, farm


def write_config(tmp_path: Path, server: LocalServer, **extra) -> Path:
    data = {
        "database": f"sqlite:///{tmp_path / 'web.db'}",
        "fetch": {"timeout": "10s", "allow_private": ["127.0.0.0/8"], "host_spacing": "0s"},
        "http": {"listen": "127.0.0.1:0"},
        "feeds": [{"url": server.url("/rss.xml"), "name": "Wire RSS"},
                  {"url": server.url("/missing.xml"), "name": "Broken feed"}],
        "aliases": ALIASES,
        "rules": [{**RULE, "notify": ["console"]}],
        "channels": {"console": {"type": "console"}},
        "defaults": {"notify": ["console"]},
    }
    data.update(extra)
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def server():
    with LocalServer() as s:
        farm(s)
        yield s


@pytest.fixture
async def polled(tmp_path, server, capsys):
    """A runtime that has run one `once` over the local farm."""
    config = load_config(write_config(tmp_path, server))
    async with open_runtime(config, mode="once") as runtime:
        await runtime.once()
        yield runtime


def client(api) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://127.0.0.1:8080")


async def reload_with(runtime, **changes) -> None:  # type: ignore[no-untyped-def]
    """Edit the runtime's config file (top-level keys replaced) and reload it, as an operator would."""
    path = runtime.config.path
    data = yaml.safe_load(path.read_text())
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    await runtime.reloader.reload()
