"""The query AST that `parse_query` returns.  Columns are 1-based."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

FIELDS = ("title", "text", "url", "source", "lang", "tag")
META_FIELDS = frozenset({"url", "source", "lang", "tag"})


@dataclass(frozen=True)
class Term:
    """A word, a "quoted phrase" or an `=Exact` term; wildcards (`nucle*`,
    `organi?ation`) are kept in `text`."""

    text: str  # as written, without quotes or `=`
    column: int
    phrase: bool = False
    exact: bool = False

    @property
    def wildcard(self) -> bool:
        return "*" in self.text or "?" in self.text

    def label(self) -> str:
        body = f'"{self.text}"' if self.phrase else self.text
        return ("=" if self.exact else "") + body


@dataclass(frozen=True)
class Regex:
    pattern: str
    column: int

    def label(self) -> str:
        return f"/{self.pattern}/"


@dataclass(frozen=True)
class Alias:
    name: str
    column: int

    def label(self) -> str:
        return f"@{self.name}"


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]
    column: int


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]
    column: int


@dataclass(frozen=True)
class Not:
    child: Node
    column: int


@dataclass(frozen=True)
class Near:
    left: Node
    right: Node
    distance: int
    ordered: bool  # ONEAR
    column: int


@dataclass(frozen=True)
class Scope:
    """SENTENCE(...), PARAGRAPH(...) or LEAD/n(...) (the title and the first
    `size` words of the text)."""

    kind: str  # "sentence" | "paragraph" | "lead"
    child: Node
    column: int
    size: int = 0  # LEAD: words of the text

    def label(self) -> str:
        return f"LEAD/{self.size}" if self.kind == "lead" else self.kind.upper()


@dataclass(frozen=True)
class AtLeast:
    """ATLEAST/n(...): at least `count` occurrences in the title and text."""

    count: int
    child: Node
    column: int


@dataclass(frozen=True)
class Field:
    """`title:x`, `source:"Yonhap"`, `lang:ko`, ..."""

    name: str
    child: Node
    column: int


Node = Union[Term, Regex, Alias, And, Or, Not, Near, Scope, AtLeast, Field]
