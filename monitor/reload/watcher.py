"""Noticing config edits: the config file, its rule files (also new ones its
`rule_files:` globs match), its `*_file` secrets, and a Kubernetes ConfigMap
update (the kubelet swaps the `..data` symlink in the mounted folder).

The folders are watched (editors and the kubelet replace files rather than
write them), events from editor temp, swap and backup files are ignored, a
burst of events is one change, and a change counts only when the content of
what the config reads differs from what was last loaded (its fingerprint).
A slow periodic look covers filesystems without change events.

    watcher = ConfigWatcher(lambda: live.current().config, on_change=reloader.reload)
    async with watcher.running(): ...
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import glob
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path

from monitor.config.model import Config

log = logging.getLogger("monitor.reload")

# Editors' and tools' scratch files: vim (.swp, 4913, ~), emacs (.#x, #x#), JetBrains,
# kate, generic backups.  Never a reason to reload.
IGNORED = ("*.swp", "*.swx", "*.swo", "*~", ".#*", "#*#", "4913", "*.tmp", "*.temp", "*.bak", "*.orig",
           "*.rej", "*.kate-swp", "*___jb_tmp___", "*___jb_old___", ".*.sw?", "*.part", "*.crdownload")
DEBOUNCE_MS = 300
PERIODIC = 15.0  # seconds between looks without an event


def ignored(path: str | Path) -> bool:
    """
    >>> [ignored(p) for p in ("rules.yaml", ".rules.yaml.swp", "rules.yaml~", "4913", ".#rules.yaml", "..data")]
    [False, True, True, True, True, False]
    """
    name = Path(path).name
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in IGNORED)


def watched_files(config: Config) -> list[Path]:
    """Every file the config is made of now: the file itself, what it read,
    and what its rule_files globs match (a new rule file counts)."""
    files = [config.path, *config.files]
    for pattern in config.rule_patterns:
        files += [Path(p) for p in sorted(glob.glob(pattern, recursive=True))]
    return list(dict.fromkeys(files))


def fingerprint(files: Iterable[Path]) -> str:
    """A hash of the names and contents (through symlinks) of `files`."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode())
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            digest.update(f"unreadable: {type(exc).__name__}".encode())
    return digest.hexdigest()


def watched_dirs(config: Config) -> list[Path]:
    """The folders to watch: each file's folder as written (not resolved: a
    ConfigMap's file is a symlink into a folder the kubelet replaces), and
    the fixed part of every rule_files glob."""
    dirs = [Path(f).absolute().parent for f in [config.path, *config.files]]
    dirs += [_fixed_part(p) for p in config.rule_patterns]
    return [d for d in dict.fromkeys(dirs) if d.is_dir()]


def _fixed_part(pattern: str) -> Path:
    """The folder of a glob before its first wildcard: /c/rules/*.yaml -> /c/rules."""
    parts = Path(pattern).parts
    fixed = parts[: next((i for i, p in enumerate(parts) if any(c in p for c in "*?[")), len(parts))]
    return Path(*fixed).absolute() if fixed else Path(".").absolute()


class ConfigWatcher:
    def __init__(self, config: Callable[[], Config], *, on_change: Callable[[], Awaitable[object]],
                 periodic: float = PERIODIC, debounce_ms: int = DEBOUNCE_MS) -> None:
        self._config = config
        self._on_change = on_change
        self._periodic = periodic
        self._debounce = debounce_ms
        self._seen = fingerprint(watched_files(config()))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._watch(), name="config watcher")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def check(self) -> bool:
        """Reload when what the config reads changed since the last look."""
        files = await asyncio.to_thread(watched_files, self._config())
        now = await asyncio.to_thread(fingerprint, files)
        if now == self._seen:
            return False
        self._seen = now
        try:
            await self._on_change()
        except Exception:  # never let the watcher die: later edits must still be seen
            log.exception("config reload failed")
        # the baseline is what the running config reads now (applied or not, the edit was looked at)
        self._seen = await asyncio.to_thread(lambda: fingerprint(watched_files(self._config())))
        return True

    async def _watch(self) -> None:
        """Look on every batch of events in the watched folders, and every
        `periodic` seconds anyway (the first look also catches an edit made
        while the watch was being set up); start over when the folders change."""
        from watchfiles import awatch

        while True:
            dirs = watched_dirs(self._config())
            if not dirs:
                await asyncio.sleep(self._periodic)
                await self.check()
                continue
            async for _ in awatch(*dirs, debounce=self._debounce, step=100, recursive=True,
                                  watch_filter=lambda _, path: not ignored(path),
                                  rust_timeout=int(self._periodic * 1000), yield_on_timeout=True):
                await self.check()
                if watched_dirs(self._config()) != dirs:
                    break
