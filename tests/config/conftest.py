from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from monitor.config import Config, load_config
from monitor.errors import ConfigError


class ConfigDir:
    """A temporary directory to write config files into and load them from."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def load(self, text: str, env: Mapping[str, str] | None = None, name: str = "monitor.yaml") -> Config:
        return load_config(self.write(name, text), environ=env or {})

    def problems(self, text: str, env: Mapping[str, str] | None = None,
                 name: str = "monitor.yaml") -> list[str]:
        with pytest.raises(ConfigError) as info:
            self.load(text, env, name)
        return info.value.problems


@pytest.fixture
def cfg(tmp_path: Path) -> ConfigDir:
    return ConfigDir(tmp_path)


@pytest.fixture
def one_problem(cfg: ConfigDir) -> Callable[..., str]:
    def check(text: str, env: Mapping[str, str] | None = None) -> str:
        problems = cfg.problems(text, env)
        assert len(problems) == 1, problems
        return problems[0]
    return check
