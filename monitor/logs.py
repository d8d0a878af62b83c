"""Logging set-up: `log: {format: text|json, level: INFO}`.

Secrets never reach the log: every line, fully formatted (message,
traceback, JSON extras), has each secret the config holds, and each part of a
secret URL (monitor.redact), replaced by `***`.  The list is refreshed when
the config is reloaded.  Apprise and urllib3 log at WARNING at most (their
DEBUG lines print rewritten channel URLs and payloads).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.engine import make_url

from monitor.redact import Redactor
from monitor.units import iso

__all__ = ["LogControl", "Redactor", "secret_values"]

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
NOISY = ("httpx", "httpcore", "apscheduler", "trafilatura", "htmldate", "courlan", "charset_normalizer",
         "alembic", "asyncio", "watchfiles", "apprise", "urllib3")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": iso(datetime.fromtimestamp(record.created, timezone.utc), "milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


class UtcFormatter(logging.Formatter):
    converter = staticmethod(time.gmtime)


def text_formatter() -> logging.Formatter:
    """`2026-03-02T06:30:00Z INFO    message`: the time in UTC, written like
    every other time in a log line (monitor.units.iso, seconds)."""
    return UtcFormatter("%(asctime)s %(levelname)-7s %(message)s", "%Y-%m-%dT%H:%M:%SZ")


class RedactingFormatter(logging.Formatter):
    def __init__(self, inner: logging.Formatter, redact: Redactor) -> None:
        super().__init__()
        self.inner, self.redact = inner, redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(self.inner.format(record))


class LogControl:
    """The process's log set-up (`log:` in the config), re-applied on reload:
    format, level and the secrets to hide (old ones are kept too: channels
    retiring after a reload may still print them)."""

    def __init__(self, stream: Any = None, *, verbose: bool = False) -> None:
        self.redact = Redactor()
        self._stream = stream or sys.stderr
        self._verbose = verbose
        self._applied: tuple[str, str] | None = None
        self._handler: logging.Handler | None = None

    def apply(self, fmt: str, level: str, secrets: Iterable[str]) -> None:
        self.redact.update([*self.redact.secrets, *secrets])
        level = "DEBUG" if self._verbose else level.upper()
        if self._applied == (fmt, level):
            return
        inner = JsonFormatter() if fmt == "json" else text_formatter()
        handler = logging.StreamHandler(self._stream)
        handler.setFormatter(RedactingFormatter(inner, self.redact))
        root = logging.getLogger()
        if self._handler is not None:  # ours from before; handlers others added stay
            root.removeHandler(self._handler)
        root.addHandler(handler)
        root.setLevel(level)
        self._handler = handler
        for noisy in NOISY:
            logging.getLogger(noisy).setLevel(logging.WARNING)
        self._applied = (fmt, level)

    def close(self) -> None:
        """Take our handler off the root logger."""
        if self._handler is not None:
            logging.getLogger().removeHandler(self._handler)
            self._handler, self._applied = None, None


def secret_values(config: Any) -> list[str]:
    """Every secret a config holds (the policy is monitor.config.secrets):
    each value the loader marked as a Secret (channel URLs, passwords,
    secrets, tokens, Authorization-like headers, `*_file` contents, the
    database URL: only its password) and feeds' Authorization-like header
    values.  Other configured text (`X-Team: desk`) is not hidden."""
    from monitor.config.model import Secret

    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, Secret):
            found.append(_password(value) if value.shown != "***" else str(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                if f.name != "ruleset":
                    walk(getattr(value, f.name))

    walk(config)
    found += feed_secrets(config)
    return [s for s in found if s]


def feed_secrets(config: Any) -> list[str]:
    """The secrets in the config's feeds: `${VAR}` values in their URLs and
    Authorization-like header values (what a feed's URL, shown, must hide)."""
    from monitor.config.secrets import is_secret_header

    found = [value for feed in getattr(config, "feeds", ()) for name, value in feed.headers
             if is_secret_header(name)]
    found += [value for feed in getattr(config, "feeds", ()) for value in feed.secrets]
    return [s for s in found if s]


def _password(url: str) -> str:
    try:
        return make_url(url).password or ""
    except Exception:  # not a URL after all: hide it whole
        return url
