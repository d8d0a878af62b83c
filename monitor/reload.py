"""Config changes without restarts: watch the config files and reload on SIGHUP.

A changed file is loaded and validated in full (rules compiled, examples
checked).  Valid: applied to the running app.  Invalid: the last good config
keeps running and the problems are logged and kept for /readyz and the status
page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from monitor.errors import ConfigError

log = logging.getLogger("monitor.reload")


class Reloader:
    def __init__(self, app, daemon=None, path: Path | None = None) -> None:
        self.app = app
        self.daemon = daemon
        self.path = Path(path) if path is not None else app.config.path
        self.problems: list[str] = []
        self.reloads = 0
        self._lock = asyncio.Lock()

    async def reload(self) -> bool:
        """Load the config again; apply it when valid.  Returns whether it was applied."""
        from monitor.config import load_config

        async with self._lock:
            try:
                config = await asyncio.to_thread(load_config, self.path)
            except ConfigError as exc:
                self.problems = exc.problems
                self.app.config_problems = exc.problems
                log.error("config change refused; the previous config keeps running:\n  %s",
                          "\n  ".join(exc.problems), extra={"event": "reload", "ok": False})
                return False
            await self.app.apply(config)
            if self.daemon is not None:
                self.daemon.reschedule()
            self.problems = []
            self.app.config_problems = []
            self.reloads += 1
            log.info("config reloaded: %d feeds, %d rules, %d channels", len(config.feeds), len(config.rules),
                     len(config.channels), extra={"event": "reload", "ok": True})
            return True

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._watch())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _watch(self) -> None:
        from watchfiles import awatch

        while True:
            files = {Path(p).resolve() for p in self.app.config.files} | {self.path.resolve()}
            dirs = {f.parent for f in files}
            # watch directories (editors replace files); react to changes of our files or new rule files
            async for changes in awatch(*dirs, debounce=300, step=100, recursive=True):
                changed = {Path(p).resolve() for _, p in changes}
                if changed & files or any(p.suffix in (".yaml", ".yml") for p in changed):
                    log.info("config file changed: %s", ", ".join(sorted(str(p) for p in changed)))
                    await self.reload()
                    break  # the set of files may have changed
