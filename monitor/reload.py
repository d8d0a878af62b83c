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
from monitor.logs import secret_values

log = logging.getLogger("monitor.reload")


class Reloader:
    def __init__(self, app, daemon=None, path: Path | None = None, *, redact=None) -> None:
        self.app = app
        self.redact = redact  # monitor.logs.Redactor: learns the new config's secrets
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
            try:
                await self.app.apply(config)
            except Exception as exc:  # e.g. a channel that cannot be built: nothing was changed
                problem = f"{self.path}: the new config could not be applied: {type(exc).__name__}: {exc}"
                self.problems = [problem]
                self.app.config_problems = [problem]
                log.error("%s; the previous config keeps running", problem, extra={"event": "reload", "ok": False})
                return False
            if self.redact is not None:  # keep the old ones: retiring channels may still print them
                self.redact.update([*self.redact.secrets, *secret_values(config)])
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
            # rule_files globs: watch their folders too, so a new rule file is noticed
            dirs = {f.parent for f in files} | {_fixed_part(p) for p in self.app.config.rule_patterns}
            dirs = {d for d in dirs if d.is_dir()}
            # watch directories (editors replace files); react to changes of our files or new rule files
            async for changes in awatch(*dirs, debounce=300, step=100, recursive=True):
                changed = {Path(p).resolve() for _, p in changes}
                if changed & files or any(p.suffix in (".yaml", ".yml") for p in changed):
                    log.info("config file changed: %s", ", ".join(sorted(str(p) for p in changed)))
                    try:
                        await self.reload()
                    except Exception:  # never let the watcher die: later edits must still be seen
                        log.exception("config reload failed")
                    break  # the set of files may have changed


def _fixed_part(pattern: str) -> Path:
    """The folder of a glob before its first wildcard: /c/rules/*.yaml -> /c/rules."""
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next((i for i, p in enumerate(parts) if any(c in p for c in "*?[")), len(parts))]]
    return Path(*fixed).resolve() if fixed else Path(".").resolve()
