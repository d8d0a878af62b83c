"""Query text -> AST (monitor.rules.syntax), refusing anything ambiguous.

Precedence, loosest first: OR, AND (also implied between adjacent terms),
NOT and `-`, NEAR/n and ONEAR/n (left to right), then terms, "phrases",
/regex/, @alias, field:..., SENTENCE(...), PARAGRAPH(...), LEAD(...),
ATLEAST/n(...) and (groups).  A query nests at most MAX_DEPTH levels.
"""

from __future__ import annotations

from monitor.rules.lexer import QueryError, Tok, lex
from monitor.rules.syntax import (
    META_FIELDS, Alias, And, AtLeast, Field, Near, Node, Not, Or, Regex, Scope, Term,
)

_STARTS = frozenset({"TERM", "REGEX", "ALIAS", "(", "SCOPE", "ATLEAST", "FIELD", "NOT"})
MAX_DEPTH = 50
_TOO_DEEP = (f"the query nests more than {MAX_DEPTH} levels deep (groups, NOT, NEAR chains, "
             "scopes, fields): simplify it or split it into several rules")


def _describe(tok: Tok) -> str:
    if tok.kind == "END":
        return "the end of the query"
    if tok.kind == "NEAR":
        return f"{tok.text}/{tok.distance}"
    if tok.kind in ("TERM", "REGEX", "ALIAS"):
        return repr(tok.text)
    if tok.kind == "SCOPE":
        return f"LEAD/{tok.distance}" if tok.text == "lead" else tok.text.upper()
    if tok.kind == "ATLEAST":
        return f"ATLEAST/{tok.distance}"
    if tok.kind == "NOT" and tok.text == "-":
        return "'-'"
    if tok.kind == "FIELD":
        return f"{tok.text}:"
    return tok.kind if tok.kind not in "()" else f"'{tok.kind}'"


class _Parser:
    def __init__(self, toks: list[Tok]) -> None:
        self.toks = toks
        self.pos = 0
        self.depth = 0

    def enter(self, tok: Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(_TOO_DEEP, tok.column)

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
        if len(children) == 1:
            return children[0]
        flat: list[Node] = []  # (a AND NOT b) AND c is a AND NOT b AND c
        for child in children:
            flat.extend(child.children if isinstance(child, And) else (child,))
        return And(tuple(flat), first.column)

    def unary(self, after: Tok | None) -> Node:
        tok = self.peek()
        if tok.kind != "NOT":
            return self.near(after)
        self.take()
        if self.peek().kind == "NOT":
            raise QueryError(f"double negation: {_describe(tok)} {_describe(self.peek())} "
                             "cancels out: remove both, or keep one to exclude", self.peek().column)
        return Not(self.near(tok), tok.column)

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
            return Term(tok.text, tok.column, tok.phrase, tok.exact)
        if tok.kind == "REGEX":
            return Regex(tok.text, tok.column)
        if tok.kind == "ALIAS":
            return Alias(tok.text, tok.column)
        if tok.kind == "(":
            return self.group(tok, lambda child: child)
        if tok.kind == "SCOPE":
            opening = self.take()
            name = "LEAD()" if tok.text == "lead" else f"{tok.text.upper()}()"
            return self.group(opening, lambda child: Scope(tok.text, child, tok.column,
                                                           tok.distance), name)
        if tok.kind == "ATLEAST":
            opening = self.take()
            return self.group(opening, lambda child: AtLeast(tok.distance, child, tok.column),
                              f"ATLEAST/{tok.distance}()")
        if tok.kind == "FIELD":
            self.enter(tok)
            child = self.primary(tok)
            self.depth -= 1
            return Field(tok.text, child, tok.column)
        if after is None:
            raise QueryError(f"{_describe(tok)} needs a term before it, e.g. a {_describe(tok)} b"
                             if tok.kind not in ("END", ")") else
                             f"unexpected {_describe(tok)}", tok.column)
        raise QueryError(f"expected a term, phrase or '(' after {_describe(after)}, found "
                         f"{_describe(tok)}", tok.column)

    def group(self, opening: Tok, wrap, name: str = "group '()'") -> Node:  # type: ignore[no-untyped-def]
        if self.peek().kind == ")":
            raise QueryError(f"empty {name}: put a term inside or remove it", opening.column)
        self.enter(opening)
        child = self.or_()
        self.depth -= 1
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


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (And, Or)):
        return node.children
    if isinstance(node, Near):
        return (node.left, node.right)
    if isinstance(node, (Not, Scope, Field, AtLeast)):
        return (node.child,)
    return ()


def _check_depth(root: Node) -> None:
    """Refuse a tree deeper than MAX_DEPTH (a NEAR chain nests one level per
    operand), without recursing."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise QueryError(_TOO_DEEP, getattr(node, "column", 1))
        stack.extend((child, depth + 1) for child in _children(node))


def _countable(node: Node) -> bool:
    """What ATLEAST/n(...) can count: terms, regexes, aliases, OR groups and
    title:/text: scopes of them."""
    if isinstance(node, (Term, Regex, Alias)):
        return True
    if isinstance(node, Or):
        return all(_countable(c) for c in node.children)
    if isinstance(node, Field):
        return node.name in ("title", "text") and _countable(node.child)
    return False


def _check(node: Node, in_near: str | None = None, top: bool = False) -> None:
    """Structural rules the grammar alone does not enforce."""
    if top and not _positive(node):
        raise QueryError("a rule needs at least one positive term: NOT only excludes, "
                         "e.g. envoy AND NOT Japan", getattr(node, "column", 1))
    if isinstance(node, Not):
        if in_near:
            raise QueryError(f"NOT cannot be used inside {in_near}: put it outside, "
                             f"e.g. (a {in_near} b) AND NOT c", node.column)
        if isinstance(node.child, Not) or isinstance(node.child, And) and not _positive(node.child):
            raise QueryError("double negation: NOT of a NOT cancels out: remove both, or write "
                             "what should be there (NOT (NOT a AND NOT b) is a OR b)", node.column)
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
            if not _positive(child):
                raise QueryError("NOT cannot be an OR alternative: combine it with AND, "
                                 "e.g. (a OR b) AND NOT c", child.column)
            _check(child, in_near)
    elif isinstance(node, Near):
        label = f"{'ONEAR' if node.ordered else 'NEAR'}/{node.distance}"
        _check(node.left, label)
        _check(node.right, label)
    elif isinstance(node, Scope):
        if in_near:
            raise QueryError(f"{node.label()}(...) cannot be an operand of {in_near}: "
                             f"put the NEAR inside it", node.column)
        _check(node.child, top=True)
    elif isinstance(node, AtLeast):
        if in_near:
            raise QueryError(f"ATLEAST/{node.count}(...) cannot be an operand of {in_near}: "
                             "put it beside the NEAR with AND", node.column)
        if not _countable(node.child):
            raise QueryError(f"ATLEAST/{node.count}(...) counts terms, phrases, @aliases, "
                             "regexes or an OR group of them, e.g. ATLEAST/3(china OR beijing)",
                             node.column)
        _check(node.child)
    elif isinstance(node, Field):
        if in_near and node.name in META_FIELDS:
            raise QueryError(f"{node.name}: cannot be used inside {in_near}: proximity is "
                             "measured in the title or text only", node.column)
        if node.name in META_FIELDS and not isinstance(node.child, (Term, Or, Alias)):
            raise QueryError(f"{node.name}: takes a term, a \"phrase\", an @alias or an OR group,"
                             f" e.g. {node.name}:(a OR b)", node.column)
        if not _positive(node.child):
            raise QueryError(f"{node.name}:(NOT ...) is refused: write the NOT outside, e.g. "
                             f"envoy AND NOT {node.name}:japan", node.column)
        _check(node.child, in_near)


def parse_query(text: str) -> Node:
    """Parse one watch-rule query.  Raises QueryError (a RuleError) naming the
    column, what was expected and how to fix it."""
    node = _Parser(lex(text)).query()
    _check_depth(node)
    _check(node, top=True)
    return node
