"""Query text -> tokens, each with its 1-based column.

Operators are whole UPPERCASE words: `AND OR NOT`, `NEAR/n`, `ONEAR/n`,
`SENTENCE(`, `PARAGRAPH(`, `LEAD(` / `LEAD/n(`, `ATLEAST/n(`; a word that
merely begins with one (`NEARBY`, `ANDROID`, `LEADER`) is a word.  A `-` in
front of a term, phrase or group excludes it (`-japan` = `NOT japan`).
Field names are case-insensitive (`TITLE:envoy`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.errors import RuleError
from monitor.rules.patterns import literal_letters, term_words
from monitor.rules.syntax import FIELDS

_NEAR_RE = re.compile(r"(O?NEAR)(?:/(.*))?")
_LEAD_RE = re.compile(r"LEAD(?:/(.*))?")
_ATLEAST_RE = re.compile(r"ATLEAST(?:(/)(.*)|\d+)?")
_ALIAS_RE = re.compile(r"[A-Za-z0-9_\-]+")
_FIELD_RE = re.compile(r"^([A-Za-z]+):")
_BARE_STOP = frozenset(' \t\r\n()"“”')
_URL_STOP = frozenset(' \t\r\n)')
_QUOTES = {'"': '"', "“": "”", "”": "”"}
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_MID_STAR_RE = re.compile(r"\*(?=[^\W_])")
MAX_DISTANCE = 1000
MAX_COUNT = 1000
LEAD_WORDS = 50  # LEAD(...) without a number: the title and the first 50 words


class QueryError(RuleError):
    """A syntax error at a column of one query."""

    def __init__(self, detail: str, column: int) -> None:
        self.detail = detail
        self.column = column
        super().__init__(f"{detail} (column {column})")


@dataclass(frozen=True)
class Tok:
    kind: str  # ( ) AND OR NOT NEAR SCOPE ATLEAST FIELD TERM REGEX ALIAS END
    column: int
    text: str = ""
    distance: int = 0  # NEAR: words; SCOPE lead: words; ATLEAST: the count
    ordered: bool = False
    phrase: bool = False
    exact: bool = False


def check_term(text: str, column: int, written: str | None = None) -> None:
    """Refuse a term or phrase whose wildcards would mislead (also used for
    alias entries).  `written`: how to quote it in a message."""
    shown = written if written is not None else text
    mid = _MID_STAR_RE.search(text)
    if mid:
        bad = next(w for w in text.split() if "*" in w and _MID_STAR_RE.search(w))
        raise QueryError(f"'*' is only allowed at the end of a word, e.g. nucle* (? stands for "
                         f"one letter, e.g. organi?ation): fix {bad!r}", column + mid.start())
    if not any(ch.isalnum() for ch in text):
        raise QueryError(f"{shown!r} has no letters or digits to match: remove it or quote a "
                         "real word", column)
    if any(piece and not piece.strip("*?") for piece in re.split(r"[^\w*?]+", text)):
        raise QueryError(f"a wildcard must touch a word, e.g. nucle* or organi?ation: "
                         f"fix {shown!r}", column)
    for word in term_words(text):
        if word.regex is None:
            continue
        before_star, letters = literal_letters(word)
        if "*" in word.text and before_star < 3:
            raise QueryError(f"a wildcard needs at least 3 letters before *, e.g. nucle*: "
                             f"{_as_written(word.text, text, shown)!r} would match too much",
                             column)
        if letters < 3:
            raise QueryError(f"a ? wildcard needs at least 3 other letters in its word, e.g. "
                             f"organi?ation: {_as_written(word.text, text, shown)!r} would "
                             "match too much", column)


def _as_written(norm: str, text: str, shown: str) -> str:
    """The word of `text` a normalised wildcard word came from (for messages)."""
    for chunk in text.split():
        if chunk.lower().strip("\"“”") == norm or chunk.lower().startswith(norm.rstrip("*?")):
            return chunk
    return shown


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


def _bare(query: str, i: int, stop: frozenset[str] = _BARE_STOP) -> tuple[str, int]:
    j = i
    while j < len(query) and query[j] not in stop:
        j += 1
    return query[i:j], j


def _term(text: str, col: int, phrase: bool = False, exact: bool = False,
          written: str | None = None) -> Tok:
    check_term(text, col, written)
    return Tok("TERM", col, text, phrase=phrase, exact=exact)


def _number(op: str, digits: str | None, col: int, example: str, limit: int, unit: str,
            suffix: str = "") -> int:
    if not digits or not digits.isdigit():
        raise QueryError(f"{op}/ needs a number, e.g. {example}", col)
    value = int(digits)
    if not 1 <= value <= limit:
        raise QueryError(f"{op}/{value}: the {unit} must be between 1 and {limit}{suffix}, "
                         f"e.g. {example}", col)
    return value


def _keyword(word: str, col: int, query: str, end: int) -> Tok | None:
    if word in ("AND", "OR", "NOT"):
        return Tok(word, col)
    paren = query[end:end + 1] == "("
    near = _NEAR_RE.fullmatch(word)
    if near:
        op, digits = near.groups()
        distance = _number(op, digits, col, f"{op}/10", MAX_DISTANCE, "distance", " words")
        return Tok("NEAR", col, op, distance=distance, ordered=op == "ONEAR")
    if word in ("SENTENCE", "PARAGRAPH"):
        if not paren:
            raise QueryError(f"{word} needs parentheses right after it, e.g. {word}(China envoy)",
                             col)
        return Tok("SCOPE", col, word.lower())
    lead = _LEAD_RE.fullmatch(word)
    if lead and (paren or lead.group(1) is not None):
        size = LEAD_WORDS if lead.group(1) is None else _number(
            "LEAD", lead.group(1), col, "LEAD/30(china envoy)", MAX_DISTANCE, "number of words")
        if not paren:
            raise QueryError(f"{word} needs parentheses right after it, e.g. {word}(China envoy)",
                             col)
        return Tok("SCOPE", col, "lead", distance=size)
    atleast = _ATLEAST_RE.fullmatch(word)
    if atleast:
        slash, digits = atleast.groups()  # ATLEAST3 (Factiva's atleast3) is refused with the fix
        if not slash or not paren:
            raise QueryError("ATLEAST needs a count and parentheses, e.g. ATLEAST/3(china)", col)
        count = _number("ATLEAST", digits, col, "ATLEAST/3(china)", MAX_COUNT, "count")
        return Tok("ATLEAST", col, "atleast", distance=count)
    return None


def _url_value(query: str, i: int, col: int) -> tuple[Tok, int]:
    """`url:` followed by a pasted address: its words, scheme and wildcards dropped."""
    raw, end = _bare(query, i, _URL_STOP)
    words = _SCHEME_RE.sub("", raw).replace("*", " ").replace("?", " ")
    if not any(ch.isalnum() for ch in words):
        raise QueryError(f"url: needs an address or words of one, e.g. url:yna.co.kr "
                         f"(found {raw!r})", col)
    return Tok("TERM", col, words, phrase=True), end


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
            toks.append(_term(body, col, phrase=True, written=f'"{body}"'))
        elif ch == "/":
            body, i = _regex(query, i)
            toks.append(Tok("REGEX", col, body))
        elif ch == "@":
            alias = _ALIAS_RE.match(query, i + 1)
            if not alias:
                raise QueryError("@ must be followed by an alias name, e.g. @china", col)
            toks.append(Tok("ALIAS", col, alias.group()))
            i = alias.end()
        elif ch == "=":
            if query[i + 1:i + 2] in _QUOTES:
                body, i = _phrase(query, i + 1)
                toks.append(_term(body, col, phrase=True, exact=True, written=f'="{body}"'))
                continue
            word, i = _bare(query, i + 1)
            if not word:
                raise QueryError("= must be followed by a term or phrase, e.g. =US", col)
            toks.append(_term(word, col, exact=True, written=word))
        elif ch == "-":
            if i + 1 >= len(query) or query[i + 1].isspace() or query[i + 1] == ")":
                raise QueryError("'-' must be followed by what to exclude, e.g. -japan, "
                                 '-"south korea" or -(japan OR korea)', col)
            toks.append(Tok("NOT", col, "-"))
            i += 1
        else:
            word, end = _bare(query, i)
            field = _FIELD_RE.match(word)
            if field:
                name = field.group(1).lower()
                if name not in FIELDS:
                    if _SCHEME_RE.match(word):
                        raise QueryError(f"an address needs url: in front of it, e.g. "
                                         f"url:{_SCHEME_RE.sub('', word)}", col)
                    raise QueryError(f"unknown field '{field.group(1)}:': use one of "
                                     + ", ".join(f"{f}:" for f in FIELDS), col)
                toks.append(Tok("FIELD", col, name))
                i += len(field.group())
                if name == "url" and i < len(query) and query[i] not in '("“”@' \
                        and not query[i].isspace():
                    tok, i = _url_value(query, i, i + 1)
                    toks.append(tok)
                continue
            keyword = _keyword(word, col, query, end)
            toks.append(keyword or _term(word, col, written=word))
            i = end
    toks.append(Tok("END", len(query) + 1))
    return toks
