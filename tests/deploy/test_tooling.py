"""`make test` (what `.ci/run` runs) runs the strict tooling first: ruff
(`lint`) and mypy (`typecheck`), both configured in pyproject.toml."""

from __future__ import annotations

import re

from .conftest import MAKEFILE, REPO


def test_make_test_runs_ruff_and_mypy() -> None:
    makefile = MAKEFILE.read_text(encoding="utf-8")
    prerequisites = re.search(r"^test:(.*)$", makefile, re.M)
    assert prerequisites is not None, "no test target in the Makefile"
    assert {"lint", "typecheck"} <= set(prerequisites.group(1).split())
    assert re.search(r"^typecheck:.*\n\t\$\(BIN\)/mypy\s*$", makefile, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
