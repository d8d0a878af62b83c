"""Options shared by several commands."""

from __future__ import annotations

import os
from pathlib import Path

import typer

DEFAULT_CONFIG = "config/monitor.yaml"

ConfigOption = typer.Option(
    None, "--config", "-c",
    help=f"Config file (default: $NEWS_MONITOR_CONFIG or {DEFAULT_CONFIG}).",
)


def config_path(value: Path | None) -> Path:
    if value is not None:
        return value
    return Path(os.environ.get("NEWS_MONITOR_CONFIG") or DEFAULT_CONFIG)
