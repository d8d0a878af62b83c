"""One alert per story: the same wire story through three outlets, under
different URLs and headlines, is one hit and one alert naming the others."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.servers import page, rss
from tests.e2e.test_once import ALIASES, RULE

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_80eb8aaf9f9dd6d1.txt"
OTHER = [
    "North Korea said on Tuesday it had tested a new engine for its space launch vehicle at the Sohae site.",
    "The test was overseen by senior officials, state media reported, without naming them.",
    "South Korea's military said it was analysing the report with the United States.",
    "Satellite imagery last month showed construction at the launch site had resumed after a pause.",
    "Analysts said the engine could also be used in long-range missiles, which the North denies.",
]


def paragraphs() -> list[str]:
    return [p for p in SEED.read_text().split("\n") if p.strip()][:12]


def outlet(server, name: str, slug: str, headline: str, paras: list[str], query: str = "") -> str:
    server.serve(f"/{slug}/story.html", page(headline, paras), "text/html; charset=utf-8")
    return server.serve(f"/{slug}/rss.xml", rss(name, [
        {"title": headline, "link": server.url(f"/{slug}/story.html{query}"), "guid": f"{slug}-1"}]))


def test_three_outlets_one_story_one_alert_naming_the_others(cli, server, receiver):
    text = paragraphs()
    feeds = [
        outlet(server, "Wire", "wire", "China’s Xi dispatches special envoy to North Korea", text),
        outlet(server, "Daily", "daily", "Beijing sends top diplomat to Pyongyang",
               ["Subscribe to our newsletter for the latest news."] + text + ["Read more: world news"],
               "?utm_source=rss"),
        outlet(server, "Herald", "herald", "Xi’s envoy heads to North Korea after Trump visit", text[:-1]),
    ]
    # a different story about North Korea stays a different story (and matches no rule here)
    server.serve("/other/story.html", page("North Korea tests rocket engine", OTHER), "text/html")
    server.serve("/other/rss.xml", rss("Other", [{"title": "North Korea tests rocket engine",
                                                   "link": server.url("/other/story.html"), "guid": "o-1"}]))
    cli.write_config(
        feeds=[{"url": u, "name": n} for u, n in zip(feeds, ["Wire", "Daily", "Herald"])]
        + [{"url": server.url("/other/rss.xml"), "name": "Other"}],
        aliases=ALIASES, rules=[RULE],
        channels={"console": {"type": "console"}, "hook": {"type": "webhook", "url": receiver.url("/hook")}})

    cli("once")

    hits = cli.json("hits", "--json")
    assert len(hits) == 1, hits
    posts = receiver.posts()
    assert len(posts) == 1
    alert = posts[0].json()
    hit = alert["hits"][0]
    assert sorted(hit["outlets"]) == ["Daily", "Herald", "Wire"] and hit["outlets"][0] == hit["source"], hit
    assert hit["outlets"] == hits[0]["outlets"]  # one meaning: every outlet, in the CLI and the webhook
    stories = cli.json("stories", "--json")
    by_size = sorted(stories, key=lambda s: len(s["outlets"]))
    assert len(stories) == 2
    assert sorted(by_size[-1]["outlets"]) == ["Daily", "Herald", "Wire"]
    assert by_size[0]["outlets"] == ["Other"]


def test_follow_up_when_the_story_reaches_n_outlets(cli, server, receiver):
    text = paragraphs()
    first = [outlet(server, "Wire", "wire", "China’s Xi dispatches special envoy to North Korea", text),
             outlet(server, "Daily", "daily", "Beijing sends top diplomat to Pyongyang", text)]
    config = dict(aliases=ALIASES, rules=[{**RULE, "follow_up": {"outlets": 3}}],
                  channels={"console": {"type": "console"}, "hook": {"type": "webhook", "url": receiver.url("/hook")}})
    cli.write_config(feeds=[{"url": u, "name": n} for u, n in zip(first, ["Wire", "Daily"])], **config)
    cli("once")
    assert [p.json()["type"] for p in receiver.posts()] == ["alert"]

    third = outlet(server, "Herald", "herald", "Xi’s envoy heads to North Korea", text[1:])
    cli.write_config(feeds=[{"url": u, "name": n} for u, n in zip(first + [third], ["Wire", "Daily", "Herald"])],
                     **config)
    cli("once")
    cli("once", "--all")  # and never a second follow-up

    kinds = [p.json()["type"] for p in receiver.posts()]
    assert kinds == ["alert", "follow-up"], kinds
    follow = receiver.posts()[1].json()["hits"][0]
    assert sorted(follow["outlets"]) == ["Daily", "Herald", "Wire"] and follow["outlets"][0] == follow["source"]
