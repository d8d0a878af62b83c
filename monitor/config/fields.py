"""Typed readers for config values: each records a "file:line: where: what was
expected, got what" problem and returns None instead of raising, so one load
reports every mistake at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from monitor.config.yamltree import Node
from monitor.units import parse_duration, parse_size

_WHERE = re.compile(r"^(.*?):(?:(\d+):)?\s")
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


@dataclass
class Ctx:
    """What one load shares: the problems found, the files read, the environment."""

    base_dir: Path
    environ: Mapping[str, str]
    problems: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def error(self, node: Node, where: str, message: str) -> None:
        if node.invalid:
            return
        prefix = f"{where}: " if where else ""
        self.problems.append(f"{node.where()}: {prefix}{message}")


def sorted_problems(problems: list[str], files: list[Path]) -> list[str]:
    """Problems in file order (the config first, then rule files), then by line."""
    order = {str(f): i for i, f in enumerate(files)}

    def key(problem: str) -> tuple[int, int]:
        m = _WHERE.match(problem)
        if not m:
            return (len(order), 0)
        return (order.get(m[1], len(order)), int(m[2] or 0))

    return sorted(problems, key=key)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def section(ctx: Ctx, node: Node | None, where: str, keys: Iterable[str], *,
            required: Iterable[str] = (), secret: Iterable[str] = ()) -> dict[str, Node]:
    """The mapping's entries after checking its keys.  `KEY_file: PATH` is read
    into KEY for any allowed KEY; keys in `secret` are never shown in messages."""
    allowed = list(keys)
    if node is None or node.value is None:
        entries: dict[str, Node] = {}
    elif node.kind != "map":
        ctx.error(node, where, f"expected a mapping of {', '.join(allowed)}, got {node.describe()}")
        return {}
    else:
        entries = dict(node.value)
    out: dict[str, Node] = {}
    suggested: set[str] = set()
    for key, value in entries.items():
        line = node.key_lines.get(key, node.line) if node else 0
        if key.endswith("_file") and key[:-5] in allowed:
            base = key[:-5]
            if base in entries:
                ctx.problems.append(f"{value.file}:{line}: {where}: give either '{base}' or "
                                    f"'{key}', not both")
                continue
            secret_node = _read_secret_file(ctx, value, f"{where}.{key}" if where else key)
            if secret_node is not None:
                out[base] = secret_node
            continue
        if key not in allowed:
            inside = f" in {where}" if where else ""
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            suggested.update(close)
            hint = did_you_mean(key, allowed) or f"; expected one of: {', '.join(allowed)}"
            ctx.problems.append(f"{value.file}:{line}: unknown key '{key}'{inside}{hint}")
            continue
        out[key] = value
    for key in set(secret) & set(out):
        out[key].hide()
    for key in required:
        if key not in out and node is not None and f"{key}_file" not in entries \
                and key not in suggested:  # a misspelt key already said "did you mean"
            ctx.error(node, where, f"missing required key '{key}'")
    return out


def _read_secret_file(ctx: Ctx, node: Node, where: str) -> Node | None:
    name = as_str(ctx, node, where)
    if name is None:
        return None
    path = (ctx.base_dir / Path(name).expanduser())
    try:
        content = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        ctx.error(node, where, f"cannot read secret file {str(path)!r}: {reason}; "
                               "create it or fix the path")
        return None
    ctx.files.append(path)
    if not content:
        ctx.error(node, where, f"secret file {str(path)!r} is empty")
        return None
    return Node(content, node.file, node.line, node.col, raw=content, quoted=True,
                source=f"file {path}", hidden=True)


def as_str(ctx: Ctx, node: Node, where: str, *, choices: Iterable[str] | None = None,
           empty_ok: bool = False) -> str | None:
    if node.kind in ("map", "list", "null"):
        ctx.error(node, where, f"expected text, got {node.describe()}")
        return None
    text = node.value if isinstance(node.value, str) else str(node.raw)
    if not text and not empty_ok:
        ctx.error(node, where, "must not be empty")
        return None
    if choices is not None:
        options = list(choices)
        if text not in options:
            ctx.error(node, where, f"expected one of {', '.join(options)}, got "
                                   f"{node.describe()}{did_you_mean(text, options)}")
            return None
    return text


def as_int(ctx: Ctx, node: Node, where: str, *, minimum: int | None = None,
           maximum: int | None = None) -> int | None:
    value = node.value
    if isinstance(value, str) and (node.expanded or node.hidden) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        ctx.error(node, where, f"expected a whole number, got {node.describe()}")
        return None
    return _bounded(ctx, node, where, value, minimum, maximum)


def as_float(ctx: Ctx, node: Node, where: str, *, minimum: float | None = None,
             maximum: float | None = None) -> float | None:
    value = node.value
    if isinstance(value, str) and node.expanded:
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        ctx.error(node, where, f"expected a number, got {node.describe()}")
        return None
    return _bounded(ctx, node, where, float(value), minimum, maximum)


def _bounded(ctx: Ctx, node: Node, where: str, value: Any, minimum: Any, maximum: Any) -> Any:
    if minimum is not None and value < minimum:
        ctx.error(node, where, f"must be at least {minimum}, got {node.describe()}")
        return None
    if maximum is not None and value > maximum:
        ctx.error(node, where, f"must be at most {maximum}, got {node.describe()}")
        return None
    return value


def as_bool(ctx: Ctx, node: Node, where: str) -> bool | None:
    value = node.value
    if isinstance(value, str) and node.expanded:
        value = _BOOLS.get(value.strip().lower(), value)
    if not isinstance(value, bool):
        ctx.error(node, where, f"expected true or false, got {node.describe()}")
        return None
    return value


def as_duration(ctx: Ctx, node: Node, where: str, *, positive: bool = True) -> timedelta | None:
    try:
        if node.kind != "scalar":
            raise ValueError
        value = parse_duration(node.value)
    except ValueError:
        ctx.error(node, where, f"expected a duration like 30s, 10m, 2h or 7d, got {node.describe()}")
        return None
    if positive and value <= timedelta(0):
        ctx.error(node, where, f"must be longer than 0s, got {node.describe()}")
        return None
    return value


def as_size(ctx: Ctx, node: Node, where: str) -> int | None:
    try:
        if node.kind != "scalar":
            raise ValueError
        value = parse_size(node.value)
    except ValueError:
        ctx.error(node, where, f"expected a size like 512KB or 10MB, got {node.describe()}")
        return None
    if value <= 0:
        ctx.error(node, where, f"must be more than 0 bytes, got {node.describe()}")
        return None
    return value


def as_list(ctx: Ctx, node: Node, where: str) -> list[Node] | None:
    if node.value is None:
        return []
    if node.kind != "list":
        ctx.error(node, where, f"expected a list like [a, b], got {node.describe()}")
        return None
    return list(node.value)


def as_str_list(ctx: Ctx, node: Node, where: str) -> tuple[str, ...] | None:
    items = as_list(ctx, node, where)
    if items is None:
        return None
    out = [as_str(ctx, item, f"{where}[{i}]") for i, item in enumerate(items)]
    return tuple(s for s in out if s is not None) if None not in out else None


def as_str_map(ctx: Ctx, node: Node, where: str) -> dict[str, str] | None:
    if node.value is None:
        return {}
    if node.kind != "map":
        ctx.error(node, where, f"expected a mapping like {{Name: value}}, got {node.describe()}")
        return None
    out: dict[str, str] = {}
    for key, value in node.value.items():
        text = as_str(ctx, value, f"{where}.{key}", empty_ok=True)
        if text is not None:
            out[key] = text
    return out


def normalised(ctx: Ctx, node: Node, where: str, text: str | None, normalise: Callable[[str], str]) -> str | None:
    """normalise(text), or None with the ValueError's message (and what was given) as a problem."""
    if text is None:
        return None
    try:
        return normalise(text)
    except ValueError as exc:
        ctx.error(node, where, f"{exc} (got {node.describe()})")
        return None
