"""The pipeline end to end through the CLI: local feeds and pages in, hits
recorded, a local webhook receives them, and nothing repeats."""

from __future__ import annotations

import base64
import hashlib
import hmac

from tests.e2e.servers import atom, page, rss

ENVOY = [
    "China's Xinhua News Agency reports that President Xi Jinping is sending a senior diplomat to North Korea "
    "on Friday as a special envoy.",
    "It's unclear why Song Tao, who heads the International Liaison Department of China's Communist Party, "
    "is being dispatched to Pyongyang this week.",
    "Song is officially being sent to explain the results of the party congress in October, officials said.",
]
WEATHER = [
    "Heavy rain is expected across the south of the country this weekend, forecasters said on Thursday.",
    "Flood warnings have been issued for several rivers and residents were advised to avoid travel.",
    "Temperatures will recover by Tuesday as a high-pressure system moves in from the west.",
]
RULE = {
    "id": "china-envoy-nk", "name": "Chinese envoy to North Korea",
    "query": "@china NEAR/20 (envoy OR diplomat OR delegation) AND @north_korea",
    "notify": ["hook"],
}
ALIASES = {"china": ["China", "Chinese", "Beijing", "PRC", "Xi Jinping"],
           "north_korea": ["North Korea", "DPRK", "Pyongyang", "Kim Jong-un", "Kim Jong Un"]}


def farm(server):
    server.serve("/news/envoy.html", page("China sends envoy to North Korea", ENVOY), "text/html; charset=utf-8")
    server.serve("/news/weather.html", page("Rain expected this weekend", WEATHER), "text/html; charset=utf-8")
    server.serve("/rss.xml", rss("Wire RSS", [
        {"title": "China sends envoy to North Korea", "link": server.url("/news/envoy.html?utm_source=rss"),
         "guid": "wire-1", "description": "Xi is sending a diplomat."},
        {"title": "Rain expected this weekend", "link": server.url("/news/weather.html"), "guid": "wire-2",
         "description": "Rain."},
    ]))
    # the same envoy article reached through a second feed, under another tracking parameter
    server.serve("/atom.xml", atom("Desk Atom", [
        {"title": "China sends envoy to North Korea", "link": server.url("/news/envoy.html?utm_medium=atom")},
    ]), "application/atom+xml")


def configure(cli, server, receiver, **extra):
    return cli.write_config(
        feeds=[{"url": server.url("/rss.xml"), "name": "Wire RSS", "tags": ["wire"]},
               {"url": server.url("/atom.xml"), "name": "Desk Atom"}],
        aliases=ALIASES, rules=[RULE],
        channels={"console": {"type": "console"},
                  "hook": {"type": "webhook", "url": receiver.url("/hook"), "secret": "s3cret-key"}},
        **extra)


def test_once_records_one_hit_and_delivers_it_signed(cli, server, receiver):
    farm(server)
    configure(cli, server, receiver)

    cli("once")

    hits = cli.json("hits", "--json")
    assert len(hits) == 1, hits  # two feeds carried the same article: one article, one hit
    hit = hits[0]
    assert set(hit) >= {"id", "rule", "url", "title", "source", "published", "matched_at", "snippet", "terms"}
    assert hit["rule"] == "china-envoy-nk"
    assert hit["url"].startswith(server.url("/news/envoy.html"))
    assert "envoy" in hit["snippet"].lower() and "North Korea" in hit["snippet"]
    terms = [t.lower() for t in hit["terms"]]
    assert "envoy" in terms and "north korea" in terms, terms

    posts = receiver.posts()
    assert len(posts) == 1
    body = posts[0].json()
    assert body["rule"]["id"] == "china-envoy-nk"
    assert "North Korea" in str(body)
    headers = posts[0].headers
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + posts[0].body
    expected = base64.b64encode(hmac.new(b"s3cret-key", signed, hashlib.sha256).digest()).decode()
    assert f"v1,{expected}" in headers["webhook-signature"].split()


def test_second_once_uses_conditional_get_and_adds_nothing(cli, server, receiver):
    farm(server)
    configure(cli, server, receiver)
    cli("once")
    first_pages = len(server.hits("/news/envoy.html"))

    cli("once", "--all")  # due or not: polls again

    assert server.hits("/rss.xml")[-1].headers.get("if-none-match")  # conditional GET
    assert len(cli.json("hits", "--json")) == 1
    assert len(receiver.posts()) == 1
    assert len(server.hits("/news/envoy.html")) == first_pages  # no page fetched again


def test_new_items_after_restart_alert_once_and_old_ones_never_again(cli, server, receiver):
    farm(server)
    configure(cli, server, receiver)
    cli("once")
    # the feed changes: a new envoy story joins the old items (ETag changes, so this is a full fetch)
    server.serve("/news/envoy2.html", page("Beijing delegation in Pyongyang", [
        "A Chinese delegation arrived in Pyongyang on Monday, North Korea's state media said.",
        "The delegation is led by a senior diplomat of the party, according to the report.",
        "Analysts said the visit signals warmer ties between Beijing and North Korea this year."]),
        "text/html; charset=utf-8")
    server.serve("/rss.xml", rss("Wire RSS", [
        {"title": "Beijing delegation in Pyongyang", "link": server.url("/news/envoy2.html"), "guid": "wire-3"},
        {"title": "China sends envoy to North Korea", "link": server.url("/news/envoy.html?utm_source=rss"),
         "guid": "wire-1", "description": "Xi is sending a diplomat."},
    ]))

    cli("once", "--all")

    hits = cli.json("hits", "--json")
    assert sorted(h["title"] for h in hits) == ["Beijing delegation in Pyongyang", "China sends envoy to North Korea"]
    assert len(receiver.posts()) == 2
    assert len({p.headers["webhook-id"] for p in receiver.posts()}) == 2


def test_unreachable_article_page_falls_back_to_feed_text(cli, server, receiver):
    server.serve("/rss.xml", rss("Wire RSS", [
        {"title": "Diplomatic visit", "link": server.url("/missing.html"), "guid": "m-1",
         "description": "<p>China is sending a special envoy to Pyongyang, North Korea, state media said.</p>"},
    ]))
    cli.write_config(feeds=[{"url": server.url("/rss.xml"), "name": "Wire RSS"}], aliases=ALIASES,
                     rules=[{**RULE, "notify": ["console"]}])

    cli("once")

    hits = cli.json("hits", "--json")
    assert len(hits) == 1 and hits[0]["title"] == "Diplomatic visit"


def test_feeds_json_reports_health(cli, server, receiver):
    farm(server)
    configure(cli, server, receiver)
    cli.write_config(
        feeds=[{"url": server.url("/rss.xml"), "name": "Wire RSS"},
               {"url": server.url("/nothing.xml"), "name": "Broken"}],
        aliases=ALIASES, rules=[{**RULE, "notify": ["console"]}])

    cli("once")

    feeds = {f["name"]: f for f in cli.json("feeds", "--json")}
    for f in feeds.values():
        assert set(f) >= {"url", "status", "error_count", "last_error", "next_poll_at", "last_poll_at", "articles"}
    assert feeds["Wire RSS"]["status"] == "ok" and feeds["Wire RSS"]["articles"] == 2
    assert feeds["Broken"]["status"] == "failing" and feeds["Broken"]["error_count"] == 1
    assert "404" in feeds["Broken"]["last_error"]


def test_hits_filters_and_formats(cli, server, receiver):
    farm(server)
    configure(cli, server, receiver)
    cli("once")

    unknown = cli("hits", "--json", "--rule", "no-such-rule", check=False)
    assert unknown.returncode == 2 and "unknown rule 'no-such-rule'" in unknown.stderr, unknown
    assert len(cli.json("hits", "--json", "--since", "1h")) == 1
    csv_out = cli("hits", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,rule,") and len(csv_out) == 2
    jsonl = cli("hits", "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == 1 and '"china-envoy-nk"' in jsonl[0]
