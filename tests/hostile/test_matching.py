"""Issue 13, matching without a deadline: no match, anywhere, can hold the
daemon.  The daemon records a too-costly article without hits and a note
(tests/hostile/test_hostile_once.py, the match bomb); here the CLI and the
API's rule tester, whose bodies are bounded too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from monitor.cli import build_app
from monitor.config import load_config
from monitor.rules import MAX_DOCUMENT_CHARS
from monitor.runtime.builder import Runtime, open_runtime
from tests.hostile.measure import Measurements

QUERY = '(China OR Beijing) NEAR/20 (envoy OR diplomat OR delegation) AND ("North Korea" OR Pyongyang)'
BOMB = "China envoy " * 20_000  # 240,000 characters: under the tester's limit, seconds to match without a deadline
CONFIG = f"""
database: sqlite:///DB
poll: {{match_deadline: 10ms}}
rules:
  - {{id: costly, name: Costly, query: '{QUERY}'}}
channels: {{console: {{type: console}}}}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.yaml"
    path.write_text(CONFIG.replace("DB", str(tmp_path / "m.db")))
    return path


@pytest.fixture
async def runtime(config: Path) -> AsyncIterator[Runtime]:
    async with open_runtime(load_config(config), mode="once") as rt:
        yield rt


@pytest.fixture
def api(runtime: Runtime) -> Iterator[httpx.AsyncClient]:
    yield httpx.AsyncClient(transport=httpx.ASGITransport(app=runtime.api), base_url="http://127.0.0.1:8080",
                            timeout=30)


def test_the_cli_stops_a_costly_match_at_the_deadline(config: Path, tmp_path: Path,
                                                      measured: Measurements) -> None:
    article = tmp_path / "bomb.txt"
    article.write_text("China envoy to North Korea\n" + BOMB)
    with measured.case("match CLI: 'China envoy ' x 20,000, 10 ms deadline") as case:
        result = CliRunner().invoke(build_app(), ["match", "--config", str(config), str(article)])
        case.outcome = f"exit {result.exit_code}"
    assert result.exit_code == 1, result.output
    assert "matching timed out after 0.01s (poll.match_deadline)" in result.output
    assert case.seconds < 10


async def test_the_rule_tester_stops_a_costly_match_at_the_deadline(api: httpx.AsyncClient,
                                                                    measured: Measurements) -> None:
    with measured.case("rule tester: 240,000 characters, 10 ms deadline") as case:
        answer = await api.post("/api/test-rule", json={"query": QUERY, "title": "China", "text": BOMB})
        case.outcome = f"HTTP {answer.status_code}"
    assert answer.status_code == 422, answer.text
    assert "matching timed out after 0.01s (poll.match_deadline)" in answer.json()["detail"]
    assert case.seconds < 10
    healthy = await api.post("/api/test-rule", json={"query": QUERY, "text": "China sends an envoy to Pyongyang."})
    assert healthy.status_code == 200 and healthy.json()["matched"] is True


async def test_the_rule_tester_refuses_a_text_past_its_limit(api: httpx.AsyncClient) -> None:
    answer = await api.post("/api/test-rule", json={"query": "envoy", "text": "x" * (MAX_DOCUMENT_CHARS + 1)})
    assert answer.status_code == 422
    assert "at most 250000 characters" in answer.text


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_body_past_the_limit_is_refused_before_it_is_read(api: httpx.AsyncClient, chunked: bool,
                                                                  measured: Measurements) -> None:
    body = b'{"query": "envoy", "text": "' + b"x" * 29_000_000 + b'"}'  # the 29 MB body of the report

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 1 << 20):
            yield body[start:start + (1 << 20)]

    with measured.case(f"rule tester: a 29 MB body ({'chunked' if chunked else 'Content-Length'})") as case:
        answer = await api.post("/api/test-rule", content=chunks() if chunked else body,
                                headers={"content-type": "application/json"})
        case.outcome = f"HTTP {answer.status_code}"
    assert answer.status_code == 413, answer.text
    assert "larger than 2,000,000 bytes" in answer.json()["detail"]
    assert case.seconds < 10


async def test_the_status_page_tester_is_bounded_too(api: httpx.AsyncClient) -> None:
    form = {"query": QUERY, "text": BOMB, "title": "China"}
    page = await asyncio.wait_for(api.post("/", data=form), 30)
    assert page.status_code == 200
    assert "matching timed out after 0.01s" in page.text
