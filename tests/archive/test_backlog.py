"""poll.max_age: a feed's first poll takes old and undated entries as backlog
(stored with the feed's text, no page fetched, no alert); later polls take
old entries as backlog and alert on news."""

from __future__ import annotations

from tests.e2e.servers import page, recent_rfc822, rss

YEAR_AGO = "Mon, 02 Dec 2025 09:00:00 +0000"
RULE = {"id": "envoy", "name": "Envoys", "query": "envoy AND Pyongyang", "notify": ["hook"]}
ENVOY = ["China is sending a special envoy to Pyongyang, state media said on Friday.",
         "The envoy will meet officials of the ruling party during a three-day visit."]


def configure(cli, server, receiver, **feed):  # type: ignore[no-untyped-def]
    return cli.write_config(
        feeds=[{"url": server.url("/rss.xml"), "name": "Wire", **feed}], rules=[RULE],
        channels={"console": {"type": "console"}, "hook": {"type": "webhook", "url": receiver.url("/hook")}})


def old_items(server, n: int):  # type: ignore[no-untyped-def]
    for i in range(n):
        server.serve(f"/old/{i}.html", page(f"Old envoy story {i}", ENVOY), "text/html; charset=utf-8")
    return [{"title": f"Old envoy story {i}", "link": server.url(f"/old/{i}.html"), "guid": f"old-{i}",
             "description": "An envoy went to Pyongyang.", "pubDate": YEAR_AGO} for i in range(n)]


def page_requests(server) -> int:  # type: ignore[no-untyped-def]
    with server.lock:
        return sum(1 for r in server.requests if r.path.endswith(".html"))


def test_a_year_old_backlog_sends_nothing_fetches_no_page_and_is_stored(cli, server, receiver):
    server.serve("/rss.xml", rss("Wire", old_items(server, 5) + [
        {"title": "Undated envoy note", "guid": "undated-1", "description": "An envoy in Pyongyang.",
         "pubDate": None}]))
    configure(cli, server, receiver)

    cli("once")

    assert cli.json("hits", "--json") == []
    assert receiver.posts() == []
    assert page_requests(server) == 0
    feed = cli.json("feeds", "--json")[0]
    assert feed["backlog"] == 6 and feed["articles"] == 6  # stored, so backtest and search see them

    # news arrives: it alerts as usual; an undated entry after the first poll is news too
    server.serve("/news/1.html", page("Envoy arrives in Pyongyang", ENVOY), "text/html; charset=utf-8")
    server.serve("/rss.xml", rss("Wire", [
        {"title": "Envoy arrives in Pyongyang", "link": server.url("/news/1.html"), "guid": "new-1",
         "pubDate": recent_rfc822()},
        {"title": "Another undated envoy note", "guid": "undated-2", "description": "An envoy in Pyongyang.",
         "pubDate": None},
        {"title": "Old envoy story 99", "guid": "old-99", "description": "An envoy in Pyongyang.",
         "pubDate": YEAR_AGO}]))
    cli("once", "--all")

    hits = cli.json("hits", "--json")
    assert sorted(h["title"] for h in hits) == ["Another undated envoy note", "Envoy arrives in Pyongyang"]
    assert len(receiver.posts()) == 2
    assert page_requests(server) == 1  # only the news page
    assert cli.json("feeds", "--json")[0]["backlog"] == 7


def test_max_age_off_alerts_the_backlog_like_news(sqlite_cli, server, receiver):
    server.serve("/rss.xml", rss("Wire", old_items(server, 2)))
    configure(sqlite_cli, server, receiver, max_age="off")

    sqlite_cli("once")

    assert len(sqlite_cli.json("hits", "--json")) == 2
    assert sqlite_cli.json("feeds", "--json")[0]["backlog"] == 0


def test_a_feed_of_10000_entries_costs_no_page_fetch(sqlite_cli, server, receiver):
    """The first poll of a 10,000-entry feed stores them all as backlog
    without one page request (the time it takes is in bench/backlog.py)."""
    items = [{"title": f"Item {i}", "link": server.url(f"/bulk/{i}.html"), "guid": f"b{i}",
              "description": f"Envoy number {i} went to Pyongyang.", "pubDate": YEAR_AGO} for i in range(10_000)]
    server.serve("/rss.xml", rss("Bulk", items))
    configure(sqlite_cli, server, receiver)
    sqlite_cli.write_config(feeds=[{"url": server.url("/rss.xml"), "name": "Bulk"}], rules=[RULE],
                            fetch={"timeout": "10s", "allow_private": ["127.0.0.0/8"], "max_entries": 10_000,
                                   "host_spacing": "0s"},
                            channels={"console": {"type": "console"},
                                      "hook": {"type": "webhook", "url": receiver.url("/hook")}})

    sqlite_cli("once", timeout=300)

    feed = sqlite_cli.json("feeds", "--json")[0]
    assert feed["status"] == "ok" and feed["backlog"] == 10_000 and feed["articles"] == 10_000
    assert page_requests(server) == 0
    assert receiver.posts() == [] and sqlite_cli.json("hits", "--json") == []


def test_backlog_articles_get_their_language(sqlite_cli, server, receiver):
    """A short backlog is detected entry by entry; a long one (here 300
    German entries) is labelled from samples of the feed's text."""
    german = "Der Präsident schickt einen Gesandten nach Pjöngjang, um dort die Minister zu treffen."
    french = "Le président envoie un émissaire à Pyongyang pour rencontrer les ministres du pays."
    server.serve("/rss.xml", rss("Wire", [
        {"title": f"Bericht {i}", "guid": f"de-{i}", "description": german, "pubDate": YEAR_AGO} for i in range(300)]))
    server.serve("/short.xml", rss("Short", [
        {"title": "Rapport", "guid": "fr-1", "description": french, "pubDate": YEAR_AGO},
        {"title": "Bericht", "guid": "de-1", "description": german, "pubDate": YEAR_AGO}]))
    sqlite_cli.write_config(feeds=[{"url": server.url("/rss.xml"), "name": "Wire"},
                                   {"url": server.url("/short.xml"), "name": "Short"}], rules=[RULE],
                            channels={"console": {"type": "console"},
                                      "hook": {"type": "webhook", "url": receiver.url("/hook")}})

    sqlite_cli("once")

    def found(query: str) -> list[str]:
        return [r["title"] for r in sqlite_cli.json("search", query, "--limit", "1000", "--json")["items"]]

    assert len(found("lang:de AND Bericht*")) == 301
    assert found("lang:fr") == ["Rapport"]
    assert receiver.posts() == []


def test_identical_backlog_entries_share_one_story(sqlite_cli, server, receiver):
    """Three links to the same title and text in a backlog are one story
    (a backtest counts it once); a different entry is a story of its own."""
    same = {"title": "Envoy lands in Pyongyang", "description": "An envoy went to Pyongyang.", "pubDate": YEAR_AGO}
    server.serve("/rss.xml", rss("Wire", [
        *({**same, "guid": f"copy-{i}", "link": server.url(f"/copy/{i}.html")} for i in range(3)),
        {"title": "Another envoy", "guid": "other", "description": "Another envoy went to Pyongyang.",
         "pubDate": YEAR_AGO}]))
    configure(sqlite_cli, server, receiver)

    sqlite_cli("once")

    result = sqlite_cli.json("backtest", "--query", "envoy AND Pyongyang", "--since", "400d", "--json")
    assert result["scanned"] == 4 and result["total"] == 2
