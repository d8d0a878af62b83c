"""Configuration: `load_config(path)` -> a validated, frozen `Config`.

    from monitor.config import load_config, Config
    config = load_config(Path("config/monitor.yaml"))   # ConfigError lists every problem

Reference of every key: docs/config.md.
"""

from __future__ import annotations

from monitor.config.loader import load_config
from monitor.config.model import (Config, Defaults, FetchConfig, HealthConfig, HttpConfig,
                                  LogConfig, PollConfig, RetentionConfig, Secret)

__all__ = [
    "Config",
    "Defaults",
    "FetchConfig",
    "HealthConfig",
    "HttpConfig",
    "LogConfig",
    "PollConfig",
    "RetentionConfig",
    "Secret",
    "load_config",
]
