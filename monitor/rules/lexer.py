"""Query text -> tokens, each with its 1-based column."""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.errors import RuleError
from monitor.rules.syntax import FIELDS
from monitor.rules.tokens import normalize_word

_NEAR_RE = re.compile(r"^(O?NEAR)(?:/(\d*))?(.*)$")
_ALIAS_RE = re.compile(r"[A-Za-z0-9_\-]+")
_FIELD_RE = re.compile(r"^([a-z]+):")
_BARE_STOP = frozenset(' \t\r\n()"“”')
_QUOTES = {'"': '"', "“": "”", "”": "”"}
MAX_DISTANCE = 1000


class QueryError(RuleError):
    """A syntax error at a column of one query."""

    def __init__(self, detail: str, column: int) -> None:
        self.detail = detail
        self.column = column
        super().__init__(f"{detail} (column {column})")


@dataclass(frozen=True)
class Tok:
    kind: str  # ( ) AND OR NOT NEAR SCOPE FIELD TERM REGEX ALIAS END
    column: int
    text: str = ""
    distance: int = 0
    ordered: bool = False
    phrase: bool = False
    wildcard: bool = False
    exact: bool = False

    def _replace_phrase(self) -> Tok:
        return Tok(self.kind, self.column - 1, self.text, phrase=True, wildcard=self.wildcard)


def _phrase(query: str, i: int) -> tuple[str, int]:
    close = _QUOTES[query[i]]
    end = query.find(close, i + 1)
    if close == "”" and end < 0:
        end = query.find('"', i + 1)
    if end < 0:
        raise QueryError(f"missing closing quote for the phrase starting here: add {close} after "
                         "the last word of the phrase", i + 1)
    body = query[i + 1:end]
    if not body.strip():
        raise QueryError('empty phrase "": put words inside the quotes or remove them', i + 1)
    return body, end + 1


def _regex(query: str, i: int) -> tuple[str, int]:
    j, out = i + 1, []
    while j < len(query):
        ch = query[j]
        if ch == "\\" and query[j + 1:j + 2] == "/":
            out.append("/")
            j += 2
            continue
        if ch == "/":
            if not out:
                raise QueryError("empty regex //: write a pattern between the slashes, "
                                 "e.g. /nuclear|atomic/", i + 1)
            return "".join(out), j + 1
        out.append(ch)
        j += 1
    raise QueryError("missing closing / for the regex starting here: end it with / "
                     r"(write \/ for a slash inside)", i + 1)


def _bare(query: str, i: int) -> tuple[str, int]:
    j = i
    while j < len(query) and query[j] not in _BARE_STOP:
        j += 1
    return query[i:j], j


def _word_token(word: str, col: int, exact: bool = False) -> Tok:
    wildcard = word.endswith("*")
    body = word[:-1] if wildcard else word
    if "*" in body:
        raise QueryError(f"'*' is only allowed at the end of a term, e.g. nucle*: fix {word!r}",
                         col + body.index("*"))
    if wildcard:
        letters = normalize_word(re.split(r"[\W_]+", body)[-1])
        if len(letters) < 3:
            raise QueryError(f"a wildcard needs at least 3 letters before *, e.g. nucle*: "
                             f"{word!r} would match too much", col)
    if not word or not any(ch.isalnum() for ch in body):
        raise QueryError(f"{word!r} is not a term: a term needs letters or digits", col)
    return Tok("TERM", col, body, wildcard=wildcard, exact=exact)


def _keyword(word: str, col: int, query: str, end: int) -> Tok | None:
    if word in ("AND", "OR", "NOT"):
        return Tok(word, col)
    near = _NEAR_RE.match(word)
    if near:
        op, digits, rest = near.groups()
        if not digits or rest:
            raise QueryError(f"{op}/ needs a number, e.g. {op}/10", col)
        distance = int(digits)
        if not 1 <= distance <= MAX_DISTANCE:
            raise QueryError(f"{op}/{distance}: the distance must be between 1 and "
                             f"{MAX_DISTANCE} words, e.g. {op}/10", col)
        return Tok("NEAR", col, op, distance=distance, ordered=op == "ONEAR")
    if word in ("SENTENCE", "PARAGRAPH"):
        if query[end:end + 1] != "(":
            raise QueryError(f"{word} needs parentheses right after it, e.g. {word}(China envoy)",
                             col)
        return Tok("SCOPE", col, word.lower())
    return None


def lex(query: str) -> list[Tok]:
    toks: list[Tok] = []
    i = 0
    while i < len(query):
        ch, col = query[i], i + 1
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(Tok(ch, col))
            i += 1
        elif ch in _QUOTES:
            body, i = _phrase(query, i)
            if body.rstrip().endswith("*"):
                toks.append(_word_token(body.rstrip(), col + 1)._replace_phrase())
            else:
                toks.append(Tok("TERM", col, body, phrase=True))
        elif ch == "/":
            body, i = _regex(query, i)
            toks.append(Tok("REGEX", col, body))
        elif ch == "@":
            name = _ALIAS_RE.match(query, i + 1)
            if not name:
                raise QueryError("@ must be followed by an alias name, e.g. @china", col)
            toks.append(Tok("ALIAS", col, name.group()))
            i = name.end()
        elif ch == "=":
            if query[i + 1:i + 2] in _QUOTES:
                body, i = _phrase(query, i + 1)
                toks.append(Tok("TERM", col, body, phrase=True, exact=True))
                continue
            word, i = _bare(query, i + 1)
            if not word:
                raise QueryError("= must be followed by a term or phrase, e.g. =US", col)
            toks.append(_word_token(word, col, exact=True))
        else:
            word, end = _bare(query, i)
            field = _FIELD_RE.match(word)
            if field:
                if field.group(1) not in FIELDS:
                    raise QueryError(f"unknown field '{field.group(1)}:': use one of "
                                     + ", ".join(f"{f}:" for f in FIELDS), col)
                toks.append(Tok("FIELD", col, field.group(1)))
                i += len(field.group())
                continue
            keyword = _keyword(word, col, query, end)
            toks.append(keyword or _word_token(word, col))
            i = end
    toks.append(Tok("END", len(query) + 1))
    return toks
