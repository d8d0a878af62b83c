"""`feeds:`: each entry -> FeedSpec.  `file:` URLs are resolved against the
config file's directory; only http(s) and file URLs are accepted; a URL given
twice is an error."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from monitor.config.fields import Ctx, as_duration, as_list, as_str, as_str_list, as_str_map, section
from monitor.config.globfiles import listed_files
from monitor.config.sections import read_max_age
from monitor.config.yamltree import Node
from monitor.types import INHERIT, FeedSpec

FEED_KEYS = ("url", "name", "interval", "tags", "headers", "max_age")


FEED_FILE_KEYS = ("feeds",)


def feed_file_nodes(ctx: Ctx, node: Node | None, patterns: list[str]) -> list[Node]:
    """The `feeds:` lists of every file the `feed_files:` globs match (each a
    YAML file with a `feeds:` list like the config's; `news-monitor feeds add`
    and `feeds import` append to one).  Their absolute globs go to `patterns`
    so the watcher notices new files."""
    found: list[Node] = []
    for tree in listed_files(ctx, node, "feed_files", patterns):
        if tree.value in (None, "", {}):
            continue
        listed = section(ctx, tree, "", FEED_FILE_KEYS).get("feeds")
        if listed is not None and listed.value is not None:
            found.append(listed)
    return found


def read_feeds(ctx: Ctx, node: Node | None, interval: timedelta,
               more: Sequence[Node] = ()) -> tuple[FeedSpec, ...]:
    """`feeds:` of the config, then those of its feed files, as one list."""
    items = list(as_list(ctx, node, "feeds") or []) if node is not None else []
    for extra in more:
        items += as_list(ctx, extra, "feeds") or []
    feeds: list[FeedSpec] = []
    seen: dict[str, Node] = {}
    for i, item in enumerate(items or ()):
        where = f"feeds[{i}]"
        s = section(ctx, item, where, FEED_KEYS, required=("url",), secret=("headers",))
        if "url" not in s:
            continue
        url = resolve_feed_url(ctx, s["url"], f"{where}.url")
        if url is None:
            continue
        if url in seen:
            ctx.error(s["url"], f"{where}.url", f"{url} is already listed at {seen[url].where()}; "
                                                "remove one of them")
            continue
        seen[url] = s["url"]
        name = as_str(ctx, s["name"], f"{where}.name") if "name" in s else None
        every = as_duration(ctx, s["interval"], f"{where}.interval") if "interval" in s else None
        tags = as_str_list(ctx, s["tags"], f"{where}.tags") if "tags" in s else ()
        headers = as_str_map(ctx, s["headers"], f"{where}.headers") if "headers" in s else {}
        max_age = read_max_age(ctx, s["max_age"], f"{where}.max_age", None) if "max_age" in s else INHERIT
        feeds.append(FeedSpec(url=url, name=name or default_name(url), interval=every or interval,
                              tags=tags or (), headers=tuple((headers or {}).items()),
                              secret_vars=url_secrets(url, s["url"]), max_age=max_age,
                              written=s["url"].written or url))
    return tuple(feeds)


def url_secrets(url: str, node: Node) -> tuple[tuple[str, str], ...]:
    """The ${VAR}s of a feed URL that are secrets, (name, value): those that
    do not stand in its host (`?apikey=${KEY}`, a password, a token in the path).

    >>> url_secrets("https://news.example/f?apikey=k3y",
    ...             Node("", "f", 1, env_names=("HOST", "KEY"), env_values=("news.example", "k3y")))
    (('KEY', 'k3y'),)
    """
    host = urlsplit(url).hostname or ""
    return tuple((name, v) for name, v in zip(node.env_names, node.env_values) if v and v.lower() not in host)


def resolve_feed_url(ctx: Ctx, node: Node, where: str) -> str | None:
    text = as_str(ctx, node, where)
    if text is None:
        return None
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            ctx.error(node, where, f"the URL has no host: {node.describe()}")
            return None
        return text
    if scheme == "file":
        if text.startswith("file://"):
            if parts.netloc not in ("", "localhost"):
                ctx.error(node, where, "a file URL names a local path: file:///abs/path or file:relative/path")
                return None
            return text
        path = Path(unquote(text[len("file:"):]))
        return (ctx.base_dir / path).resolve().as_uri()
    ctx.error(node, where, f"expected an http://, https:// or file: URL, got {node.describe()}")
    return None


def default_name(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(unquote(parts.path)).name or url
    return parts.hostname or url
