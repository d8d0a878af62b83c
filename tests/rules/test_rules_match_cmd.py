"""`news-monitor match`: .txt, .html, stdin and URL inputs, text and JSON output."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import build_app
from rules_helpers import SEED, SEED_TITLE

CONFIG = """
aliases:
  china: [China, Chinese, Beijing, PRC, "Xi Jinping"]
  north_korea: ["North Korea", DPRK, Pyongyang, "Kim Jong-un", "Kim Jong Un"]
rules:
  - id: china-envoy-nk
    name: Chinese envoy to North Korea
    query: '@china NEAR/20 (envoy OR diplomat OR delegation) AND @north_korea'
    examples:
      match: ["China sends special envoy to Pyongyang"]
      no_match: ["Japan's envoy met officials; North Korea was not discussed"]
  - id: whales
    name: Whales
    query: whale*
channels: {console: {type: console}}
fetch: {allow_private: [127.0.0.0/8]}   # the test page is on loopback, as for the daemon
"""
PARAGRAPHS = "".join(f"<p>{p}</p>" for p in SEED.read_text(encoding="utf-8").split("\n\n") if p)
PAGE = (f"<html><head><title>{SEED_TITLE}</title></head><body><article><h1>{SEED_TITLE}</h1>"
        f"{PARAGRAPHS}</article></body></html>")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def seed_txt(tmp_path: Path) -> Path:
    path = tmp_path / "seed.txt"
    path.write_text(SEED_TITLE + "\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture
def page_url():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/article"
    server.shutdown()
    server.server_close()


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(build_app(), ["match", *args], input=stdin)


def test_txt_file_report(config, seed_txt):
    result = run("--config", str(config), str(seed_txt))
    assert result.exit_code == 0, result.output
    assert f"title: {SEED_TITLE}" in result.output
    assert "MATCH china-envoy-nk (Chinese envoy to North Korea)" in result.output
    assert "**envoy**" in result.output and "**North Korea**" in result.output


def test_json_output_one_object_per_input(config, seed_txt, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Weather\nSunny all week.", encoding="utf-8")
    result = run("--config", str(config), "--json", str(seed_txt), str(other))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["input"] for d in data] == [str(seed_txt), str(other)]
    assert data[0]["title"] == SEED_TITLE and data[0]["lang"] == "en"
    [m] = data[0]["matches"]
    assert m["rule"] == "china-envoy-nk" and m["name"] == "Chinese envoy to North Korea"
    assert "envoy" in m["terms"] and "North Korea" in m["snippet"]
    assert data[1]["matches"] == []


def test_stdin_and_rule_filter(config):
    text = "Whale watching\nA whale was seen near the coast."
    result = run("--config", str(config), "--json", "--rule", "china-envoy-nk", "-", stdin=text)
    assert json.loads(result.output)[0]["matches"] == []
    result = run("--config", str(config), "--json", "--rule", "whales", "-", stdin=text)
    assert json.loads(result.output)[0]["matches"][0]["terms"] == ["Whale"]  # distinct, first form found


def test_html_file_and_url_are_extracted_like_the_daemon(config, tmp_path, page_url):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    result = run("--config", str(config), "--json", str(page), page_url)
    assert result.exit_code == 0, result.output
    for item in json.loads(result.output):
        assert item["title"] == SEED_TITLE
        assert [m["rule"] for m in item["matches"]] == ["china-envoy-nk"]


def test_a_url_goes_through_the_daemons_guarded_fetcher(config, page_url):
    """Issue 14: `match URL` had its own httpx.Client: no SSRF guard, the whole
    body read before cutting it.  It now fetches as the daemon does."""
    guarded = config.parent / "guarded.yaml"
    guarded.write_text(CONFIG.replace("fetch: {allow_private: [127.0.0.0/8]}", ""), encoding="utf-8")
    result = run("--config", str(guarded), page_url)
    assert result.exit_code == 1
    assert "internal" in result.output or "private" in result.output or "loopback" in result.output, result.output
    small = config.parent / "small.yaml"
    small.write_text(CONFIG.replace("fetch: {allow_private: [127.0.0.0/8]}",
                                    "fetch: {allow_private: [127.0.0.0/8], max_bytes: 1KB}"), encoding="utf-8")
    result = run("--config", str(small), page_url)
    assert result.exit_code == 1 and "larger than max_bytes=1000" in result.output, result.output


def test_unknown_rule_missing_file_and_broken_config(config, tmp_path):
    result = run("--config", str(config), "--rule", "nope", "-", stdin="x\ny")
    assert result.exit_code == 2 and "unknown rule id nope" in result.output
    result = run("--config", str(config), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1 and "no such file" in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(CONFIG.replace("NEAR/20", "NEAR/"), encoding="utf-8")
    result = run("--config", str(broken), "-", stdin="x\ny")
    assert result.exit_code == 1 and "NEAR/ needs a number, e.g. NEAR/10" in result.output
