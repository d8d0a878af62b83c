"""The small top-level sections: database, poll, fetch, http, defaults,
health, log, retention.  Each reader takes the section's node (None when it
is absent) and returns its record with the documented defaults."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from monitor.config.fields import (Ctx, as_bool, as_duration, as_float, as_int, as_list,
                                   as_size, as_str, as_str_list, normalised, section)
from monitor.config.model import (DEFAULT_DATABASE, AlertsConfig, Defaults, FetchConfig, HealthConfig, HttpConfig,
                                  LogConfig, PollConfig, ReplicasConfig, RetentionConfig, Secret, WebSubConfig)
from monitor.stories.settings import ClusterSettings
from monitor.config.schedules import normalise_mode
from monitor.config.yamltree import Node
from monitor.units import parse_duration

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

POLL_KEYS = ("interval", "concurrency", "jitter", "min_interval", "max_interval", "max_stretch", "deadline",
             "parse_deadline", "parse_memory", "match_deadline", "adaptive", "max_age")
FETCH_KEYS = ("timeout", "max_bytes", "allow_private", "max_redirects", "user_agent", "per_host",
              "host_spacing", "max_entries", "extract_workers", "parse_workers")
HTTP_KEYS = ("listen", "token", "public_url")
WEBSUB_KEYS = ("enabled", "safety_interval", "lease")
DEFAULTS_KEYS = ("notify", "mode")
HEALTH_KEYS = ("notify", "after_errors", "silent_factor")
LOG_KEYS = ("format", "level")
ALERTS_KEYS = ("concurrency", "max_attempts", "timeout", "digest_grace")
REPLICAS_KEYS = ("lease", "heartbeat", "config_grace")
STORIES_KEYS = ("threshold", "window", "num_perm", "shingle", "min_words", "min_tokens")
RETENTION_KEYS = ("article_text", "hits")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DATABASE_SCHEMES = ("sqlite", "postgresql")


def read_database(ctx: Ctx, node: Node | None) -> str:
    """The database URL; a relative SQLite path is resolved from the config
    file's directory, like every other path in the config (`file:` feeds,
    `*_file` secrets, `rule_files`), whatever the working directory."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if node is None:
        return sqlite_from(ctx.base_dir, make_url(DEFAULT_DATABASE))
    text = as_str(ctx, node, "database")
    if text is None:
        return DEFAULT_DATABASE
    try:
        url = make_url(text)
    except ArgumentError:
        ctx.error(node, "database", f"expected a database URL like sqlite:///data/monitor.db or "
                                    f"postgresql+psycopg://user@host/db, got {node.describe()}")
        return DEFAULT_DATABASE
    if url.get_backend_name() not in DATABASE_SCHEMES:
        ctx.error(node, "database", f"unsupported database '{url.get_backend_name()}'; "
                                    "use sqlite:///PATH or postgresql+psycopg://user@host/db")
        return DEFAULT_DATABASE
    if url.get_backend_name() == "sqlite":
        return sqlite_from(ctx.base_dir, url)
    if url.password:
        return Secret(text, url.render_as_string(hide_password=True))
    return text


def sqlite_from(base_dir: Path, url: URL) -> str:
    """A SQLite URL with its relative path made absolute from `base_dir`
    (`:memory:` and absolute paths unchanged).

    >>> from sqlalchemy.engine import make_url
    >>> sqlite_from(Path("/etc/news"), make_url("sqlite:///data/m.db"))
    'sqlite:////etc/news/data/m.db'
    >>> sqlite_from(Path("/etc/news"), make_url("sqlite:////var/lib/m.db"))
    'sqlite:////var/lib/m.db'
    """
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return url.render_as_string(hide_password=False)
    path = Path(database).expanduser()
    if not path.is_absolute():
        path = (base_dir / path).resolve()
    return url.set(database=str(path)).render_as_string(hide_password=False)


def read_poll(ctx: Ctx, node: Node | None) -> PollConfig:
    d = PollConfig()
    s = section(ctx, node, "poll", POLL_KEYS)
    poll = PollConfig(
        interval=_get(s, "interval", d.interval, lambda n: as_duration(ctx, n, "poll.interval")),
        concurrency=_get(s, "concurrency", d.concurrency, lambda n: as_int(ctx, n, "poll.concurrency", minimum=1)),
        jitter=_get(s, "jitter", d.jitter, lambda n: as_float(ctx, n, "poll.jitter", minimum=0.0, maximum=1.0)),
        min_interval=_get(s, "min_interval", d.min_interval, lambda n: as_duration(ctx, n, "poll.min_interval")),
        max_interval=_get(s, "max_interval", d.max_interval, lambda n: as_duration(ctx, n, "poll.max_interval")),
        max_stretch=_get(s, "max_stretch", d.max_stretch,
                         lambda n: as_float(ctx, n, "poll.max_stretch", minimum=1.0)),
        deadline=_get(s, "deadline", d.deadline, lambda n: as_duration(ctx, n, "poll.deadline")),
        parse_deadline=_get(s, "parse_deadline", d.parse_deadline,
                            lambda n: as_duration(ctx, n, "poll.parse_deadline")),
        parse_memory=_get(s, "parse_memory", d.parse_memory, lambda n: as_size(ctx, n, "poll.parse_memory")),
        match_deadline=_get(s, "match_deadline", d.match_deadline,
                            lambda n: as_duration(ctx, n, "poll.match_deadline")),
        adaptive=read_bool(ctx, s, "adaptive", "poll", d.adaptive),
        max_age=read_max_age(ctx, s.get("max_age"), "poll.max_age", d.max_age),
    )
    if poll.min_interval > poll.max_interval and node is not None:
        ctx.error(node, "poll", "min_interval is longer than max_interval; swap them")
    return poll


def read_fetch(ctx: Ctx, node: Node | None) -> FetchConfig:
    d = FetchConfig()
    s = section(ctx, node, "fetch", FETCH_KEYS)
    return FetchConfig(
        timeout=_get(s, "timeout", d.timeout, lambda n: as_duration(ctx, n, "fetch.timeout")),
        max_bytes=_get(s, "max_bytes", d.max_bytes, lambda n: as_size(ctx, n, "fetch.max_bytes")),
        allow_private=_get(s, "allow_private", d.allow_private, lambda n: _cidrs(ctx, n)),
        max_redirects=_get(s, "max_redirects", d.max_redirects,
                           lambda n: as_int(ctx, n, "fetch.max_redirects", minimum=0, maximum=30)),
        user_agent=_get(s, "user_agent", d.user_agent,
                        lambda n: as_str(ctx, n, "fetch.user_agent", empty_ok=True) or None),
        per_host=_get(s, "per_host", d.per_host, lambda n: as_int(ctx, n, "fetch.per_host", minimum=1)),
        host_spacing=_get(s, "host_spacing", d.host_spacing, lambda n: as_duration(ctx, n, "fetch.host_spacing", positive=False)),
        max_entries=_get(s, "max_entries", d.max_entries, lambda n: as_int(ctx, n, "fetch.max_entries", minimum=1)),
        extract_workers=_get(s, "extract_workers", d.extract_workers,
                             lambda n: as_int(ctx, n, "fetch.extract_workers", minimum=1)),
        parse_workers=_get(s, "parse_workers", d.parse_workers,
                           lambda n: as_int(ctx, n, "fetch.parse_workers", minimum=1)),
    )


def _cidrs(ctx: Ctx, node: Node) -> tuple[str, ...] | None:
    items = as_list(ctx, node, "fetch.allow_private")
    if items is None:
        return None
    out = []
    for i, item in enumerate(items):
        where = f"fetch.allow_private[{i}]"
        text = as_str(ctx, item, where)
        if text is None:
            continue
        try:
            out.append(str(ipaddress.ip_network(text, strict=True)))
        except ValueError as exc:
            hint = ""
            try:
                hint = f"; did you mean '{ipaddress.ip_network(text, strict=False)}'?"
            except ValueError:
                pass
            ctx.error(item, where, f"expected a CIDR like 10.0.0.0/8 or 192.168.1.5/32, got "
                                   f"{item.describe()} ({exc}){hint}")
    return tuple(out)


def read_http(ctx: Ctx, node: Node | None) -> HttpConfig:
    s = section(ctx, node, "http", HTTP_KEYS, secret=("token",))
    listen = HttpConfig().listen
    if "listen" in s:
        text = as_str(ctx, s["listen"], "http.listen")
        host, _, port = (text or "").rpartition(":")
        if text is not None and (not host or not port.isdigit() or not 0 <= int(port) < 65536):
            ctx.error(s["listen"], "http.listen", f"expected HOST:PORT like 127.0.0.1:8080 or "
                                                  f"0.0.0.0:8080, got {s['listen'].describe()}")
        elif text is not None:
            listen = text
    token = as_str(ctx, s["token"], "http.token", empty_ok=True) if "token" in s else None
    public_url = None
    if "public_url" in s:
        text = as_str(ctx, s["public_url"], "http.public_url", empty_ok=True)
        parts = urlsplit(text or "")
        if text and (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment):
            ctx.error(s["public_url"], "http.public_url", "expected the URL hubs reach this daemon at, like "
                                                          f"https://monitor.example.com, got {s['public_url'].describe()}")
        elif text:
            public_url = text.rstrip("/")
    return HttpConfig(listen=listen, token=Secret(token) if token else None, public_url=public_url)


def read_websub(ctx: Ctx, node: Node | None) -> WebSubConfig:
    """`websub: {enabled: true, safety_interval: 1h, lease: 10d}`."""
    d = WebSubConfig()
    s = section(ctx, node, "websub", WEBSUB_KEYS)
    return WebSubConfig(
        enabled=read_bool(ctx, s, "enabled", "websub", d.enabled),
        safety_interval=_get(s, "safety_interval", d.safety_interval,
                             lambda n: as_duration(ctx, n, "websub.safety_interval")),
        lease=_get(s, "lease", d.lease, lambda n: as_duration(ctx, n, "websub.lease")),
    )


def read_defaults(ctx: Ctx, node: Node | None) -> Defaults:
    d = Defaults()
    s = section(ctx, node, "defaults", DEFAULTS_KEYS)
    return Defaults(
        notify=_get(s, "notify", d.notify, lambda n: as_str_list(ctx, n, "defaults.notify")),
        mode=_get(s, "mode", d.mode, lambda n: read_mode(ctx, n, "defaults.mode")),
    )


def read_mode(ctx: Ctx, node: Node, where: str) -> str | None:
    """`immediate`, `"digest: SCHEDULE"` or `{digest: SCHEDULE}` -> 'immediate' / 'digest:SCHEDULE'."""
    if node.kind == "map":
        s = section(ctx, node, where, ("digest",), required=("digest",))
        if "digest" not in s:
            return None
        node, where = s["digest"], f"{where}.digest"
        schedule = as_str(ctx, node, where)
        text = None if schedule is None else f"digest:{schedule}"
    else:
        text = as_str(ctx, node, where)
    return normalised(ctx, node, where, text, normalise_mode)


def read_health(ctx: Ctx, node: Node | None) -> HealthConfig:
    d = HealthConfig()
    s = section(ctx, node, "health", HEALTH_KEYS)
    return HealthConfig(
        notify=_get(s, "notify", d.notify, lambda n: as_str_list(ctx, n, "health.notify")),
        after_errors=_get(s, "after_errors", d.after_errors,
                          lambda n: as_int(ctx, n, "health.after_errors", minimum=1)),
        silent_factor=_get(s, "silent_factor", d.silent_factor,
                           lambda n: as_float(ctx, n, "health.silent_factor", minimum=1.0)),
    )


def read_alerts(ctx: Ctx, node: Node | None) -> AlertsConfig:
    d = AlertsConfig()
    s = section(ctx, node, "alerts", ALERTS_KEYS)
    return AlertsConfig(
        concurrency=_get(s, "concurrency", d.concurrency,
                         lambda n: as_int(ctx, n, "alerts.concurrency", minimum=1, maximum=256)),
        max_attempts=_get(s, "max_attempts", d.max_attempts,
                          lambda n: as_int(ctx, n, "alerts.max_attempts", minimum=1)),
        timeout=_get(s, "timeout", d.timeout, lambda n: as_duration(ctx, n, "alerts.timeout")),
        digest_grace=_get(s, "digest_grace", d.digest_grace,
                          lambda n: as_duration(ctx, n, "alerts.digest_grace")),
    )


def read_replicas(ctx: Ctx, node: Node | None) -> ReplicasConfig:
    d = ReplicasConfig()
    s = section(ctx, node, "replicas", REPLICAS_KEYS)
    replicas = ReplicasConfig(
        lease=_get(s, "lease", d.lease, lambda n: as_duration(ctx, n, "replicas.lease")),
        heartbeat=_get(s, "heartbeat", d.heartbeat, lambda n: as_duration(ctx, n, "replicas.heartbeat")),
        config_grace=_get(s, "config_grace", d.config_grace,
                          lambda n: as_duration(ctx, n, "replicas.config_grace", positive=False)),
    )
    if node is not None and replicas.heartbeat * 2 > replicas.lease:
        ctx.error(node, "replicas", f"heartbeat {replicas.heartbeat} must be at most half the lease "
                                    f"{replicas.lease}, so one missed beat loses nothing; shorten heartbeat "
                                    "or lengthen lease")
    return replicas


def read_stories(ctx: Ctx, node: Node | None) -> ClusterSettings:
    """`stories: {threshold: 0.4, window: 7d}`: how near-duplicates join a story."""
    d = ClusterSettings()
    s = section(ctx, node, "stories", STORIES_KEYS)
    values = {
        "threshold": _get(s, "threshold", d.threshold,
                          lambda n: as_float(ctx, n, "stories.threshold", minimum=0.05, maximum=1.0)),
        "window": _get(s, "window", d.window, lambda n: as_duration(ctx, n, "stories.window")),
        "num_perm": _get(s, "num_perm", d.num_perm,
                         lambda n: as_int(ctx, n, "stories.num_perm", minimum=16, maximum=1024)),
        "shingle": _get(s, "shingle", d.shingle, lambda n: as_int(ctx, n, "stories.shingle", minimum=1, maximum=20)),
        "min_words": _get(s, "min_words", d.min_words, lambda n: as_int(ctx, n, "stories.min_words", minimum=0)),
        "min_tokens": _get(s, "min_tokens", d.min_tokens,
                           lambda n: as_int(ctx, n, "stories.min_tokens", minimum=1)),
    }
    try:
        return ClusterSettings(**values)
    except ValueError as exc:  # the ranges are checked above; anything left is the settings' own rule
        if node is None:  # no stories: section, the defaults: they are valid
            raise
        ctx.error(node, "stories", str(exc))
        return d


def read_log(ctx: Ctx, node: Node | None) -> LogConfig:
    s = section(ctx, node, "log", LOG_KEYS)
    fmt = as_str(ctx, s["format"], "log.format", choices=("text", "json")) if "format" in s else None
    level = None
    if "level" in s:
        text = as_str(ctx, s["level"], "log.level")
        if text is not None and text.upper() not in LOG_LEVELS:
            ctx.error(s["level"], "log.level", f"expected one of {', '.join(LOG_LEVELS)}, "
                                               f"got {s['level'].describe()}")
        elif text is not None:
            level = text.upper()
    return LogConfig(format=fmt or LogConfig.format, level=level or LogConfig.level)


def read_retention(ctx: Ctx, node: Node | None) -> RetentionConfig:
    d = RetentionConfig()
    s = section(ctx, node, "retention", RETENTION_KEYS)

    def keep(key: str, default: timedelta | None) -> timedelta | None:
        if key not in s:
            return default
        n = s[key]
        if n.value is None or n.value == "forever":
            return None
        return as_duration(ctx, n, f"retention.{key}") or default

    return RetentionConfig(article_text=keep("article_text", d.article_text), hits=keep("hits", d.hits))


def read_max_age(ctx: Ctx, node: Node | None, where: str, default: timedelta | None) -> timedelta | None:
    """A backlog age (`2d`), or `off` (None: every entry is new, even on a first poll)."""
    if node is None:
        return default
    if node.value is False or (isinstance(node.value, str) and node.value.strip().lower() == "off"):
        return None
    try:
        if node.kind != "scalar":
            raise ValueError
        value = parse_duration(node.value)
        if value <= timedelta(0):
            raise ValueError
    except ValueError:
        ctx.error(node, where, f"expected a duration like 2d or 12h, or off, got {node.describe()}")
        return default
    return value


def _get(s: dict[str, Node], key: str, default, read):  # type: ignore[no-untyped-def]
    """read(s[key]) when the key is there and valid, else the default."""
    if key not in s:
        return default
    value = read(s[key])
    return default if value is None else value


def read_bool(ctx: Ctx, s: dict[str, Node], key: str, where: str, default: bool) -> bool:
    return _get(s, key, default, lambda n: as_bool(ctx, n, f"{where}.{key}"))
