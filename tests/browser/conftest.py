"""A real status page in a real headless Chromium.

`live` polls the local feed farm once (a hit, a 404 feed), makes one dead
delivery (a webhook to a closed port, max_attempts 1) and serves the daemon's
HTTP surface on 127.0.0.1 with the runtime's own HTTP server. `browser` is
Debian's chromium driven by Playwright's async API, launched once per test
module (about 1 s a launch) and giving each test contexts of its own, closed
after it; the fixtures and the tests run on the module's event loop.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from monitor.config import load_config
from monitor.runtime.builder import Runtime, open_runtime
from tests.e2e.servers import LocalServer
from tests.e2e.test_once import RULE, farm
from tests.web.conftest import write_config

CHROMIUM = os.environ.get("NEWS_MONITOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = "run scripts/install-browser.sh .venv/bin/python (Debian's chromium + the playwright package)"


def closed_port() -> int:
    """A loopback port that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    """The feed farm: an RSS feed carrying the envoy article, and /missing.xml (404)."""
    with LocalServer() as s:
        farm(s)
        yield s


@dataclass
class Live:
    app: Runtime
    url: str


@contextlib.asynccontextmanager
async def live_app(tmp_path: Path, server: LocalServer, **extra) -> AsyncIterator[Live]:
    """A runtime polled once, with one dead delivery, served over real HTTP; `extra`
    replaces top-level config sections (e.g. http={...})."""
    dead_hook = {"type": "webhook", "url": f"http://127.0.0.1:{closed_port()}/hook", "max_attempts": 1,
                 "timeout": "2s"}
    # the farm's envoy rule notifies the console (sent) and the closed-port hook (dead after one attempt)
    path = write_config(tmp_path, server, rules=[{**RULE, "notify": ["console", "ops-hook"]}],
                        channels={"console": {"type": "console"}, "ops-hook": dead_hook}, **extra)
    async with open_runtime(load_config(path), mode="once") as runtime:
        await runtime.once()
        assert await runtime.http.start(runtime.live.current().config.http.listen), "the HTTP server did not start"
        yield Live(runtime, f"http://127.0.0.1:{runtime.http.port}/")


@pytest_asyncio.fixture(loop_scope="module")
async def live(tmp_path: Path, server: LocalServer) -> AsyncIterator[Live]:
    async with live_app(tmp_path, server) as served:
        yield served


def _missing(what: str) -> None:
    """Skip loudly, or fail where NEWS_MONITOR_REQUIRE_BROWSER=1 says the browser must be there (CI)."""
    message = f"headless Chromium not installed: {what}; {INSTALL_HINT}"
    if os.environ.get("NEWS_MONITOR_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (NEWS_MONITOR_REQUIRE_BROWSER=1)")
    pytest.skip(message)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium() -> AsyncIterator[Any]:
    """Debian's headless chromium through Playwright; skips LOUDLY when absent."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        _missing(f"{CHROMIUM} is missing")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _missing("the playwright package is missing")
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


class Tabs:
    """The test's view of the shared browser: what it opens is closed after it
    (a page left open would go on polling a server that is gone)."""

    def __init__(self, chromium: Any) -> None:
        self._chromium = chromium
        self._contexts: list[Any] = []

    async def new_context(self, **options: Any) -> Any:
        context = await self._chromium.new_context(**options)
        self._contexts.append(context)
        return context

    async def new_page(self, **options: Any) -> Any:
        return await (await self.new_context(**options)).new_page()

    async def close(self) -> None:
        for context in self._contexts:
            await context.close()


@pytest_asyncio.fixture(loop_scope="module")
async def browser(chromium: Any) -> AsyncIterator[Tabs]:
    tabs = Tabs(chromium)
    try:
        yield tabs
    finally:
        await tabs.close()
