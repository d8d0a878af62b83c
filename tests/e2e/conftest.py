from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import sys
from pathlib import Path

import pytest
import yaml

from tests.e2e.inprocess import news_monitor
from tests.e2e.servers import LocalServer, Receiver
from tests.procs import kill_group

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server():
    with LocalServer() as s:
        yield s


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


class Cli:
    """Runs `news-monitor` as a user would: a real config file, its argv, its
    output and exit status; a real process, except the read-only commands
    (tests/e2e/inprocess.py says why and how to force processes)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.config = tmp_path / "monitor.yaml"
        self.env = {**os.environ, "NEWS_MONITOR_CONFIG": str(self.config), "PYTHONPATH": str(ROOT)}

    def write_config(self, **sections) -> Path:
        data = {
            "database": f"sqlite:///{self.tmp / 'monitor.db'}",
            "fetch": {"timeout": "10s", "allow_private": ["127.0.0.0/8"], "host_spacing": "0s"},
            "channels": {"console": {"type": "console"}},
            "defaults": {"notify": ["console"]},
        }
        data.update(sections)
        self.config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        return self.config

    def __call__(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        proc = news_monitor(args, env=self.env, cwd=self.tmp, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"news-monitor {' '.join(args)} exited {proc.returncode}\n"
                                 f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        return proc

    def json(self, *args: str):
        return json.loads(self(*args).stdout)

    def popen(self, *args: str) -> Process:
        return Process(subprocess.Popen([sys.executable, "-m", "monitor", *args], env=self.env, cwd=self.tmp,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        start_new_session=True))  # its own process group: killed as one


class Process:
    """A running daemon whose stderr is read line by line as it comes."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.out: list[str] = []
        self.readers = [threading.Thread(target=self._read, args=(proc.stderr, self.lines), daemon=True),
                        threading.Thread(target=self._read, args=(proc.stdout, self.out), daemon=True)]
        for reader in self.readers:
            reader.start()

    def _read(self, pipe, into: list[str]) -> None:
        for line in pipe:
            with self.changed:
                into.append(line)
                self.changed.notify_all()

    @property
    def stdout(self) -> str:
        with self.changed:
            return "".join(self.out)

    @property
    def stderr(self) -> str:
        with self.changed:
            return "".join(self.lines)

    def wait_for_log(self, text: str, timeout: float = 30.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: any(text in line for line in self.lines) or
                                         self.proc.poll() is not None, timeout=timeout) and \
                any(text in line for line in self.lines)

    def wait_for_log_count(self, text: str, count: int, timeout: float = 30.0) -> bool:
        def enough() -> bool:
            return sum(text in line for line in self.lines) >= count
        with self.changed:
            return self.changed.wait_for(lambda: enough() or self.proc.poll() is not None, timeout=timeout) \
                and enough()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        """Signal it and wait; fail when it takes longer than `timeout`."""
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(self.proc)
            self.proc.wait()
            raise AssertionError(f"the daemon did not stop within {timeout} s:\n{self.stderr}") from None
        finally:
            kill_group(self.proc)  # anything of its group still alive (a worker it failed to end)
        for reader in self.readers:
            reader.join(timeout=5)
        return self.proc.returncode

    def kill(self) -> None:
        """SIGKILL the daemon alone, as a crash would (its workers must die with
        it: that is what the kill tests check), then the rest of its group."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        kill_group(self.proc)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)
