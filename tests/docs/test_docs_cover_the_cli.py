"""Docs that cannot rot: every command is in the README's table, every doc
the README names exists."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from monitor.cli import build_app

ROOT = Path(__file__).resolve().parents[2]


def commands() -> list[str]:
    click_app = typer.main.get_command(build_app())
    names = []
    for name, cmd in click_app.commands.items():
        subs = getattr(cmd, "commands", None)
        names += [f"{name} {sub}" for sub in subs] if subs else [name]
    return names


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [c for c in commands() if f"news-monitor {c}" not in readme]
    assert not missing, f"README.md's command table lacks: {missing}"


def test_every_doc_the_readme_names_exists():
    readme = (ROOT / "README.md").read_text()
    for path in re.findall(r"`((?:docs|deploy)/[\w./-]+)`", readme):
        assert (ROOT / path).exists(), path
