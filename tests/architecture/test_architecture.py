"""The wiring rules of monitor/, checked on the source: no import circles,
and no object assigning another object's attributes (only `self.x = ...`)."""

from __future__ import annotations

import ast

from tests.architecture.imports import ROOT, cycles, graph

# Attribute writes on objects that are not `self`, each with its reason:
# library value objects that are configured by assignment (their only API).
ALLOWED = {
    ("monitor/rules/compiler.py", "options"),  # re2.Options: set by attribute, it has no constructor arguments
    ("monitor/store/engine.py", "dbapi_conn"),  # pysqlite: isolation_level is set by attribute
    ("monitor/store/models.py", "SQLModel"),  # SQLModel's metadata takes its naming convention by attribute
}


def test_no_import_circles() -> None:
    assert cycles(graph()) == []


def test_no_object_assigns_another_objects_attributes() -> None:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = str(path.relative_to(ROOT.parent))
        for node in ast.walk(ast.parse(path.read_text(), rel)):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = [t for target in node.targets for t in _flat(target)]
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = _flat(node.target)
            for target in targets:
                if isinstance(target, ast.Attribute):
                    owner = _root(target)
                    if owner not in ("self", "cls") and (rel, owner) not in ALLOWED:
                        found.append(f"{rel}:{node.lineno}: {ast.unparse(target)} = ...")
    assert found == []


def _flat(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, (ast.Tuple, ast.List)):
        return [t for element in target.elts for t in _flat(element)]
    return [target]


def _root(node: ast.expr) -> str:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)
