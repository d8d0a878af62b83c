"""A runtime on a local farm whose config file the tests edit, as an operator would."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.config import load_config
from monitor.runtime.builder import Runtime, open_runtime
from tests.e2e.servers import LocalServer, page, rss
from tests.e2e.test_once import ALIASES, RULE

WORDS = ("harvest", "railway", "festival", "budget", "museum", "harbour", "satellite", "orchestra", "glacier",
         "election", "vaccine", "bridge", "library", "marathon", "volcano", "tariff", "carnival", "reactor")


def paragraphs(n: int) -> list[str]:
    """Text that names a Chinese envoy to North Korea, different for each n
    (so each n is a story of its own)."""
    topic = [WORDS[(n * 5 + k) % len(WORDS)] for k in range(6)]
    return [f"Xi Jinping is sending a senior diplomat to North Korea as a special envoy, Beijing said on day {n}.",
            *(f"Officials discussed the {a} and the {b} in meeting {n}, while the {c} waited for the {a} report."
              for a, b, c in zip(topic, topic[1:], topic[2:]))]


def story(server: LocalServer, n: int) -> dict[str, str]:
    """An envoy article page on the farm and the feed item that links to it."""
    server.serve(f"/news/{n}.html", page(f"China sends envoy {n} to North Korea", paragraphs(n)), "text/html")
    return {"title": f"China sends envoy {n} to North Korea", "link": server.url(f"/news/{n}.html"),
            "guid": f"item-{n}", "description": "Xi is sending a diplomat."}


def publish(server: LocalServer, *numbers: int) -> None:
    server.serve("/rss.xml", rss("Wire RSS", [story(server, n) for n in numbers]))


class Cfg:
    """The config file: `edit(**sections)` replaces top-level sections."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path, self.data = path, data
        self.write()

    def write(self) -> None:
        self.path.write_text(yaml.safe_dump(self.data, sort_keys=False))

    def edit(self, **sections: Any) -> None:
        self.data.update(sections)
        self.write()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    with LocalServer() as s:
        publish(s, 1)
        yield s


@pytest.fixture
def cfg(tmp_path: Path, server: LocalServer) -> Cfg:
    return Cfg(tmp_path / "monitor.yaml", {
        "database": f"sqlite:///{tmp_path / 'monitor.db'}",
        "fetch": {"timeout": "10s", "allow_private": ["127.0.0.0/8"], "host_spacing": "0s"},
        "http": {"listen": "127.0.0.1:0"},
        "feeds": [{"url": server.url("/rss.xml"), "name": "Wire RSS", "interval": "1m"}],
        "aliases": ALIASES,
        "rules": [{**RULE, "notify": ["console"]}],
        "channels": {"console": {"type": "console"}},
    })


@pytest.fixture
async def runtime(cfg: Cfg) -> AsyncIterator[Runtime]:
    async with open_runtime(load_config(cfg.path), mode="run") as rt:
        yield rt
