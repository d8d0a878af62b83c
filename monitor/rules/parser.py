"""Query text -> AST (monitor.rules.syntax), refusing anything ambiguous.

Precedence, loosest first: OR, AND (also implied between adjacent terms),
NOT, NEAR/n and ONEAR/n (left to right), then terms, "phrases", /regex/,
@alias, field:..., SENTENCE(...), PARAGRAPH(...) and (groups).
"""

from __future__ import annotations

from monitor.rules.lexer import QueryError, Tok, lex
from monitor.rules.syntax import (
    META_FIELDS, Alias, And, Field, Near, Node, Not, Or, Regex, Scope, Term,
)

_STARTS = frozenset({"TERM", "REGEX", "ALIAS", "(", "SCOPE", "FIELD", "NOT"})


def _describe(tok: Tok) -> str:
    if tok.kind == "END":
        return "the end of the query"
    if tok.kind == "NEAR":
        return f"{tok.text}/{tok.distance}"
    if tok.kind in ("TERM", "REGEX", "ALIAS"):
        return repr(tok.text)
    if tok.kind == "SCOPE":
        return tok.text.upper()
    if tok.kind == "FIELD":
        return f"{tok.text}:"
    return tok.kind if tok.kind not in "()" else f"'{tok.kind}'"


class _Parser:
    def __init__(self, toks: list[Tok]) -> None:
        self.toks = toks
        self.pos = 0

    def peek(self) -> Tok:
        return self.toks[self.pos]

    def take(self) -> Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def query(self) -> Node:
        if self.peek().kind == "END":
            raise QueryError("empty query: write at least one term, e.g. envoy", 1)
        node = self.or_()
        tok = self.peek()
        if tok.kind == ")":
            raise QueryError("unexpected ')' with no matching '(': remove it or add '(' before",
                             tok.column)
        if tok.kind != "END":  # an operator with nothing before it
            raise QueryError(f"{_describe(tok)} needs a term before it, e.g. a {_describe(tok)} b",
                             tok.column)
        return node

    def or_(self) -> Node:
        first = self.peek()
        children = [self.and_()]
        while self.peek().kind == "OR":
            op = self.take()
            children.append(self.and_(after=op))
        return children[0] if len(children) == 1 else Or(tuple(children), first.column)

    def and_(self, after: Tok | None = None) -> Node:
        first = self.peek()
        children = [self.unary(after)]
        while True:
            tok = self.peek()
            if tok.kind == "AND":
                self.take()
                children.append(self.unary(tok))
            elif tok.kind in _STARTS:
                children.append(self.unary(None))
            else:
                break
        return children[0] if len(children) == 1 else And(tuple(children), first.column)

    def unary(self, after: Tok | None) -> Node:
        tok = self.peek()
        if tok.kind == "NOT":
            self.take()
            return Not(self.unary(tok), tok.column)
        return self.near(after)

    def near(self, after: Tok | None) -> Node:
        node = self.primary(after)
        while self.peek().kind == "NEAR":
            op = self.take()
            if self.peek().kind == "NOT":
                raise QueryError(f"NOT cannot be used inside {_describe(op)}: put it outside, "
                                 f"e.g. (a {_describe(op)} b) AND NOT c", self.peek().column)
            right = self.primary(op)
            node = Near(node, right, op.distance, op.ordered, op.column)
        return node

    def primary(self, after: Tok | None) -> Node:
        tok = self.take()
        if tok.kind == "TERM":
            return Term(tok.text, tok.column, tok.phrase, tok.wildcard, tok.exact)
        if tok.kind == "REGEX":
            return Regex(tok.text, tok.column)
        if tok.kind == "ALIAS":
            return Alias(tok.text, tok.column)
        if tok.kind == "(":
            return self.group(tok, lambda child: child)
        if tok.kind == "SCOPE":
            opening = self.take()
            return self.group(opening, lambda child: Scope(tok.text, child, tok.column),
                              f"{tok.text.upper()}()")
        if tok.kind == "FIELD":
            return Field(tok.text, self.primary(tok), tok.column)
        if after is None:
            raise QueryError(f"{_describe(tok)} needs a term before it, e.g. a {_describe(tok)} b"
                             if tok.kind not in ("END", ")") else
                             f"unexpected {_describe(tok)}", tok.column)
        raise QueryError(f"expected a term, phrase or '(' after {_describe(after)}, found "
                         f"{_describe(tok)}", tok.column)

    def group(self, opening: Tok, wrap, name: str = "group '()'") -> Node:  # type: ignore[no-untyped-def]
        if self.peek().kind == ")":
            raise QueryError(f"empty {name}: put a term inside or remove it", opening.column)
        child = self.or_()
        closing = self.take()
        if closing.kind != ")":
            if closing.kind == "END":
                raise QueryError(f"missing ')' to close the '(' at column {opening.column}: "
                                 "add ')'", closing.column)
            raise QueryError(f"expected ')' to close the '(' at column {opening.column}, found "
                             f"{_describe(closing)}", closing.column)
        return wrap(child)


def _positive(node: Node) -> bool:
    """Whether the node can match with evidence (is not purely negative)."""
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_positive(c) for c in node.children)
    return True


def _check(node: Node, in_near: str | None = None, top: bool = False) -> None:
    """Structural rules the grammar alone does not enforce."""
    if top and not _positive(node):
        raise QueryError("a rule needs at least one positive term: NOT only excludes, "
                         "e.g. envoy AND NOT Japan", getattr(node, "column", 1))
    if isinstance(node, Not):
        if in_near:
            raise QueryError(f"NOT cannot be used inside {in_near}: put it outside, "
                             f"e.g. (a {in_near} b) AND NOT c", node.column)
        _check(node.child)
    elif isinstance(node, And):
        if in_near:
            raise QueryError(f"AND cannot be an operand of {in_near}: use a \"quoted phrase\", "
                             f"an OR group, or SENTENCE(...)", node.column)
        if not _positive(node):
            raise QueryError("a group needs at least one positive term besides NOT, "
                             "e.g. (envoy AND NOT Japan)", node.column)
        for child in node.children:
            _check(child)
    elif isinstance(node, Or):
        for child in node.children:
            if isinstance(child, Not):
                raise QueryError("NOT cannot be an OR alternative: combine it with AND, "
                                 "e.g. (a OR b) AND NOT c", child.column)
            _check(child, in_near)
    elif isinstance(node, Near):
        label = f"{'ONEAR' if node.ordered else 'NEAR'}/{node.distance}"
        _check(node.left, label)
        _check(node.right, label)
    elif isinstance(node, Scope):
        if in_near:
            raise QueryError(f"{node.kind.upper()}(...) cannot be an operand of {in_near}: "
                             f"put the NEAR inside it", node.column)
        _check(node.child, top=True)
    elif isinstance(node, Field):
        if in_near and node.name in META_FIELDS:
            raise QueryError(f"{node.name}: cannot be used inside {in_near}: proximity is "
                             "measured in the title or text only", node.column)
        if node.name in META_FIELDS and not isinstance(node.child, (Term, Or, Alias)):
            raise QueryError(f"{node.name}: takes a term, a \"phrase\", an @alias or an OR group,"
                             f" e.g. {node.name}:(a OR b)", node.column)
        _check(node.child, in_near)


def parse_query(text: str) -> Node:
    """Parse one watch-rule query.  Raises QueryError (a RuleError) naming the
    column, what was expected and how to fix it."""
    node = _Parser(lex(text)).query()
    _check(node, top=True)
    return node
