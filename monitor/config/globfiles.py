"""`rule_files:` and `feed_files:`: the YAML files a list of globs names.

Globs are relative to the config file's directory and read in sorted order;
a path without a wildcard that matches nothing is an error; each file is
read once (never the config file itself), recorded in `ctx.files`, and each
glob, absolute, goes to `patterns` so the watcher notices new files."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from pathlib import Path

from monitor.config.fields import Ctx, as_str_list
from monitor.config.yamltree import Node, read_yaml


def listed_files(ctx: Ctx, node: Node | None, key: str, patterns: list[str]) -> Iterator[Node]:
    """The parsed tree of every file the `key:` globs of `node` match (files
    that do not parse are reported in ctx.problems and skipped)."""
    if node is None:
        return
    seen: set[Path] = {f.resolve() for f in ctx.files[:1]}  # never the config file itself
    for i, pattern in enumerate(as_str_list(ctx, node, key) or ()):
        full = str(ctx.base_dir / pattern)
        patterns.append(os.path.abspath(full))
        matches = sorted(Path(p) for p in glob.glob(full, recursive=True))
        if not matches and not glob.has_magic(pattern):
            ctx.error(node.value[i], f"{key}[{i}]", f"no such file {full!r}; fix the path "
                                                    "(relative to the config file's directory)")
        for path in matches:
            if path.resolve() in seen or not path.is_file():
                continue
            seen.add(path.resolve())
            ctx.files.append(path)
            tree = read_yaml(path, str(path), ctx.environ, ctx.problems)
            if tree is not None:
                yield tree
