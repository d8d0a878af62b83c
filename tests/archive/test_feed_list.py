"""The feed list: feed_files, `feeds add` with discovery, OPML import and export (a round trip)."""

from __future__ import annotations

import feedparser  # noqa: F401  (the farm's feeds are real RSS)

from tests.e2e.servers import rss

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>reader export</title></head><body>
  <outline text="World"><outline text="Wire &amp; Co" type="rss" xmlUrl="{base}/wire.xml"/></outline>
  <outline text="Desk" title="Desk" type="rss" xmlUrl="{base}/desk.xml" category="korea,/desk/night"/>
</body></opml>"""


def setup(cli, server, **extra):  # type: ignore[no-untyped-def]
    server.serve("/wire.xml", rss("Wire title", []))
    server.serve("/desk.xml", rss("Desk title", []))
    cli.write_config(feed_files=["feeds/*.yaml"], rules=[{"id": "r", "query": "envoy"}], **extra)


def test_opml_import_then_export_round_trips(sqlite_cli, server, tmp_path):
    setup(sqlite_cli, server)
    (tmp_path / "in.opml").write_text(OPML.format(base=server.base))

    out = sqlite_cli("feeds", "import", "in.opml").stdout
    assert "added 2 feeds" in out
    again = sqlite_cli("feeds", "import", "in.opml").stdout
    assert "all already in the config" in again

    exported = sqlite_cli("feeds", "export").stdout
    (tmp_path / "out.opml").write_text(exported)
    from monitor.parse.opml import parse_opml

    feeds = parse_opml(exported.encode())
    assert [(f.name, f.url, f.tags) for f in feeds] == [
        ("Wire & Co", server.url("/wire.xml"), ("World",)),
        ("Desk", server.url("/desk.xml"), ("korea", "desk", "night"))]
    assert parse_opml(exported.encode()) == parse_opml(OPML.format(base=server.base).encode())

    # the config loads them: check counts them, once polls them
    assert "2 feeds" in sqlite_cli("check").stdout


def test_feeds_add_discovers_the_feed_of_a_page_and_of_a_site(sqlite_cli, server):
    setup(sqlite_cli, server)
    server.serve("/article.html", '<html><head><link rel="alternate" type="application/rss+xml" '
                                  'href="/desk.xml"></head><body>hi</body></html>', "text/html")
    server.serve("/feed", rss("Site feed", []))

    assert "added Desk title: " + server.url("/desk.xml") in sqlite_cli("feeds", "add", server.url("/article.html")).stdout
    assert "added Wire title" in sqlite_cli("feeds", "add", server.url("/wire.xml"), "--tag", "wire").stdout
    server.serve("/home.html", "<html><head><title>no links</title></head><body>home</body></html>", "text/html")
    assert "added Site feed: " + server.url("/feed") in sqlite_cli("feeds", "add", server.url("/home.html")).stdout
    assert "already a feed" in sqlite_cli("feeds", "add", server.url("/wire.xml")).stdout

    text = (sqlite_cli.tmp / "feeds" / "added.yaml").read_text()
    assert text.startswith("feeds:\n") and text.count("  - {url:") == 3 and 'tags: ["wire"]' in text
    assert "3 feeds" in sqlite_cli("check").stdout


def test_feeds_add_reads_a_relative_file_url_from_the_config_files_directory(sqlite_cli, server):
    """As the config reads it: `feeds add file:wire.xml --config conf/monitor.yaml`
    from another directory finds conf/wire.xml."""
    conf = sqlite_cli.tmp / "conf"
    conf.mkdir()
    (conf / "wire.xml").write_text(rss("Local wire", []))
    (conf / "monitor.yaml").write_text("database: sqlite:///m.db\nfeeds: []\nfeed_files: [feeds/*.yaml]\n"
                                       "rules: []\nchannels: {console: {type: console}}\n")
    added = sqlite_cli("feeds", "add", "file:wire.xml", "--config", "conf/monitor.yaml").stdout
    assert "added Local wire: " + (conf / "wire.xml").resolve().as_uri() in added
    assert "1 feeds" in sqlite_cli("check", "--config", "conf/monitor.yaml").stdout


def test_feeds_add_refuses_a_target_the_config_does_not_load_and_a_page_without_feed(sqlite_cli, server):
    server.serve("/wire.xml", rss("Wire title", []))
    sqlite_cli.write_config(rules=[{"id": "r", "query": "envoy"}])
    bad = sqlite_cli("feeds", "add", server.url("/wire.xml"), check=False)
    assert bad.returncode == 1 and "feed_files" in bad.stderr
    assert not (sqlite_cli.tmp / "feeds").exists()

    setup(sqlite_cli, server)
    server.serve("/nothing.html", "<html><body>none</body></html>", "text/html")
    none = sqlite_cli("feeds", "add", server.url("/nothing.html"), check=False)
    assert none.returncode == 1 and "no feed found" in none.stderr and "/rss.xml" in none.stderr


def test_feeds_listing_still_works_with_its_options(sqlite_cli, server):
    setup(sqlite_cli, server, feeds=[{"url": server.url("/wire.xml"), "name": "Wire"}])
    sqlite_cli("once")
    assert [f["name"] for f in sqlite_cli.json("feeds", "--json")] == ["Wire"]
