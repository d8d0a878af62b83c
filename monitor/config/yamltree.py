"""Read a YAML file into a tree of `Node`s that remember file and line.

PyYAML's composer gives every node its start mark; we turn that graph into
`Node`s (maps keep the line of each key), expand `${VAR}` in every string
scalar, refuse duplicate keys and support `<<` merges.  Problems are appended
to a list as "file:line: message" so the caller can report them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from monitor.config.envexpand import UndefinedVariable, expand

_MERGE = "tag:yaml.org,2002:merge"
_HINTS = {
    "mapping values are not allowed here":
        "a value that contains ': ' needs quotes, e.g. mode: \"digest: daily@08:00\" "
        "or mode: {digest: daily@08:00}",
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
}


@dataclass
class Node:
    value: Any  # dict[str, Node] | list[Node] | a scalar (str, int, float, bool, None, date)
    file: str
    line: int
    col: int = 1
    raw: str | None = None  # a scalar's text as written (after ${VAR} expansion)
    quoted: bool = False
    key_lines: dict[str, int] = field(default_factory=dict)
    source: str | None = None  # "$VAR" / "file X": where a value came from; never printed
    env_values: tuple[str, ...] = ()  # the values ${VAR}s put in the text (secrets where they stand in a URL)
    env_names: tuple[str, ...] = ()  # those variables' names, in the same order
    written: str | None = None  # a scalar's text before ${VAR} expansion, when it had any
    hidden: bool = False  # a secret: messages name it but never show it
    expanded: bool = False  # text came from ${VAR} expansion: "5" may stand for 5
    invalid: bool = False  # already reported (e.g. an unset ${VAR}): no second message

    def hide(self) -> None:
        """A secret: messages name it, never show it (its children too)."""
        self.hidden = True
        children = self.value.values() if self.kind == "map" else self.value if self.kind == "list" else ()
        for child in children:
            child.hide()

    @property
    def kind(self) -> str:
        if isinstance(self.value, dict):
            return "map"
        if isinstance(self.value, list):
            return "list"
        return "null" if self.value is None else "scalar"

    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def describe(self) -> str:
        """The value for an error message; secrets and environment values are not shown."""
        if self.hidden or self.source:
            via = f" (from {self.source})" if self.source else ""
            return f"a hidden value{via}"
        if self.kind == "map":
            return "a mapping"
        if self.kind == "list":
            return "a list"
        if self.value is None:
            return "nothing"
        text = self.raw if self.raw is not None else str(self.value)
        return repr(text if len(text) <= 60 else text[:57] + "...")


def read_yaml(path: Path, display: str, environ: Mapping[str, str],
              problems: list[str]) -> Node | None:
    """The file's tree, or None (with the reason in `problems`) when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{display}: no such file; check the path (relative paths are "
                        "resolved against the directory of monitor.yaml)")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{display}: cannot read: {exc}")
        return None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        problem = exc.problem or exc.context or "invalid YAML"
        hint = _HINTS.get(problem)
        problems.append(f"{where}: YAML syntax error: {problem}" + (f" ({hint})" if hint else ""))
        return None
    except yaml.YAMLError as exc:
        problems.append(f"{display}: YAML syntax error: {exc}")
        return None
    if root is None:
        return Node({}, display, 1, 1)
    return _Builder(display, environ, problems).build(root, "", set())


class _Builder:
    def __init__(self, display: str, environ: Mapping[str, str], problems: list[str]) -> None:
        self.display = display
        self.environ = environ
        self.problems = problems
        self.constructor = yaml.SafeLoader("")

    def error(self, node: yaml.Node, message: str) -> None:
        self.problems.append(f"{self.display}:{node.start_mark.line + 1}: {message}")

    def build(self, node: yaml.Node, key: str, active: set[int]) -> Node:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if id(node) in active:
            self.error(node, "an alias refers to itself; remove the recursive *alias")
            return Node(None, self.display, line, col)
        if isinstance(node, yaml.MappingNode):
            active.add(id(node))
            out = Node({}, self.display, line, col)
            self._fill_map(out, node, active)
            active.discard(id(node))
            return out
        if isinstance(node, yaml.SequenceNode):
            active.add(id(node))
            items = [self.build(item, key, active) for item in node.value]
            active.discard(id(node))
            return Node(items, self.display, line, col)
        return self._scalar(node, key, line, col)

    def _fill_map(self, out: Node, node: yaml.MappingNode, active: set[int]) -> None:
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged += value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                continue
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            if not key:
                self.error(key_node, "a key must be a plain name")
                continue
            if key in out.value:
                self.error(key_node, f"duplicate key '{key}' (first given at line "
                                     f"{out.key_lines[key]}); remove one of them")
                continue
            out.value[key] = self.build(value_node, key, active)
            out.key_lines[key] = key_node.start_mark.line + 1
        for source in merged:
            if not isinstance(source, yaml.MappingNode):
                self.error(source, "'<<' merges a mapping (an &anchor of one); got something else")
                continue
            base = self.build(source, "", active)
            for key, value in base.value.items():
                if key not in out.value:
                    out.value[key] = value
                    out.key_lines[key] = base.key_lines[key]

    def _scalar(self, node: yaml.ScalarNode, key: str, line: int, col: int) -> Node:
        text = str(node.value)
        quoted = node.style is not None
        source, expanded = None, False
        env_values: tuple[str, ...] = ()
        used: tuple[str, ...] = ()
        written = text if "$" in text else None
        if "$" in text and node.tag == "tag:yaml.org,2002:str":
            try:
                new_text, used = expand(text, self.environ)
            except UndefinedVariable as exc:
                self.error(node, (f"{key}: " if key else "") + str(exc))
                return Node(None, self.display, line, col, raw=text, quoted=quoted, invalid=True)
            if used:
                source = "$" + ", $".join(used)
                env_values = tuple(self.environ[name] for name in used)
            if new_text != text:
                text, expanded = new_text, True
                # an empty expansion is empty text, not YAML null
                tag = "tag:yaml.org,2002:str" if quoted or not text else self.constructor.resolve(
                    yaml.ScalarNode, text, (True, False))
                node = yaml.ScalarNode(tag, text, node.start_mark, node.end_mark, node.style)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            value = text
        return Node(value, self.display, line, col, raw=text, quoted=quoted, source=source,
                    expanded=expanded, env_values=env_values, env_names=used,
                    written=written)
