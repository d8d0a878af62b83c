"""The first five minutes: the shipped config and the bundled seed."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def shipped_config_with_only_the_seed(tmp_path: Path) -> Path:
    """config/monitor.yaml as shipped, minus the internet feeds (tests have no network)."""
    conf = tmp_path / "config"
    shutil.copytree(ROOT / "config", conf)
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    data = yaml.safe_load((conf / "monitor.yaml").read_text())
    data["feeds"] = [f for f in data["feeds"] if f["url"].startswith("file:")]
    data["database"] = f"sqlite:///{tmp_path / 'demo.db'}"
    (conf / "monitor.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return conf / "monitor.yaml"


def test_shipped_config_is_valid(cli):
    out = cli("check", "--config", str(ROOT / "config" / "monitor.yaml"))
    assert "OK" in out.stdout + out.stderr


def test_seed_article_alerts_on_the_console(cli, tmp_path):
    config = shipped_config_with_only_the_seed(tmp_path)

    out = cli("once", "--config", str(config))

    assert "China’s Xi dispatches special envoy to North Korea" in out.stdout
    assert "Chinese envoy to North Korea" in out.stdout  # the rule's name
    hits = cli.json("hits", "--json", "--config", str(config))
    assert [h["rule"] for h in hits] == ["china-envoy-nk"]
    assert "envoy" in hits[0]["snippet"] and "North Korea" in hits[0]["snippet"]
    feeds = cli.json("feeds", "--json", "--config", str(config))
    assert feeds[0]["status"] == "ok" and feeds[0]["articles"] == 1


def test_seed_article_is_extracted_from_its_page_not_the_feed(cli, tmp_path):
    """The seed feed links its HTML page next to it; the page's full text is used."""
    config = shipped_config_with_only_the_seed(tmp_path)
    cli("once", "--config", str(config))
    import sqlite3
    con = sqlite3.connect(tmp_path / "demo.db")
    (source, text), = con.execute("select text_source, text from article").fetchall()
    assert source == "full"
    assert "Comments are closed" not in text  # boilerplate left out by extraction
    assert "Song Tao" in text
