"""A small archive: two feeds over three days, one story carried twice."""

from __future__ import annotations

from tests.e2e.servers import page, recent_rfc822, rss
from datetime import timedelta

ENVOY = ["China is sending a special envoy to Pyongyang, state media said on Friday.",
         "The envoy will meet officials of North Korea's ruling party during a three-day visit."]
DERBY = ["Manchester United won the derby at Old Trafford on Sunday.",
         "City had led at half time before United turned the derby around."]
RAIN = ["Heavy rain is expected across the south of the country this weekend, forecasters said.",
        "Flood warnings were issued for several rivers."]
RULES = [{"id": "envoy", "name": "Envoys", "query": "envoy AND (Pyongyang OR \"North Korea\")", "notify": ["hook"]},
         {"id": "derby", "name": "Derby", "query": "derby AND United", "notify": ["hook"]}]


def build(server):  # type: ignore[no-untyped-def]
    stories = [("envoy-1", "China sends envoy to Pyongyang", ENVOY, timedelta(hours=2)),
               ("envoy-2", "Envoy lands in North Korea", ["A special envoy arrived in North Korea today, "
                                                          "officials in Pyongyang said."] * 2, timedelta(days=1, hours=2)),
               ("derby-1", "United win the derby", DERBY, timedelta(days=2, hours=3)),
               ("rain-1", "Rain this weekend", RAIN, timedelta(hours=5))]
    items = []
    for key, title, paragraphs, age in stories:
        server.serve(f"/news/{key}.html", page(title, paragraphs), "text/html; charset=utf-8")
        items.append({"title": title, "link": server.url(f"/news/{key}.html"), "guid": key,
                      "description": paragraphs[0], "pubDate": recent_rfc822(age)})
    server.serve("/wire.xml", rss("Wire", items))
    # the first envoy story again, through a second feed under a tracking parameter
    server.serve("/desk.xml", rss("Desk", [{"title": "China sends envoy to Pyongyang", "guid": "d-1",
                                            "link": server.url("/news/envoy-1.html?utm_source=desk"),
                                            "description": ENVOY[0], "pubDate": recent_rfc822(timedelta(hours=2))}]))


def configure(cli, server, receiver, rules=RULES, **extra):  # type: ignore[no-untyped-def]
    return cli.write_config(
        poll={"max_age": "30d"},
        feeds=[{"url": server.url("/wire.xml"), "name": "Wire"}, {"url": server.url("/desk.xml"), "name": "Desk"}],
        rules=rules, channels={"console": {"type": "console"},
                               "hook": {"type": "webhook", "url": receiver.url("/hook")}}, **extra)
