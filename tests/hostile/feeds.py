"""Content-level hostile feeds (issues 5 and 13), as bytes, and the one healthy feed."""

from __future__ import annotations

import codecs

from tests.e2e.servers import page
from tests.hostile import bodies

ENVOY = [
    "China's Xinhua News Agency reports that President Xi Jinping is sending a senior diplomat to North Korea "
    "on Friday as a special envoy.",
    "It's unclear why Song Tao, who heads the International Liaison Department of China's Communist Party, "
    "is being dispatched to Pyongyang this week.",
    "Song is officially being sent to explain the results of the party congress in October, officials said.",
]
ARTICLE = page("China sends envoy to North Korea", ENVOY).encode()

RULES = [
    {"id": "envoy", "name": "Envoy", "query": "envoy AND (Pyongyang OR \"North Korea\")"},
    {"id": "cp1252", "name": "Café", "query": '"café crème"'},
    {"id": "sjis", "name": "Tokushi", "query": "特使"},
    {"id": "bom", "name": "Lodz", "query": "Łódź"},
    {"id": "lie", "name": "Zurich", "query": "Zürich"},
    {"id": "future", "name": "Future", "query": "Zanzibar"},
    {"id": "ssrf", "name": "Quokka", "query": "quokka"},
    {"id": "mission", "name": "Mission", "query": "Ulaanbaatar NEAR/5 mission"},
    {"id": "costly", "name": "Envoy near North Korea",  # the default rule's shape: NEAR with alternatives
     "query": '(China OR Beijing) NEAR/20 (envoy OR diplomat OR delegation) AND ("North Korea" OR Pyongyang)'},
]
MISSIONS = ["trade", "health", "culture", "science", "water"]


def rss(items: str, *, declaration: str = ' encoding="utf-8"', title: str = "Feed") -> str:
    return (f'<?xml version="1.0"{declaration}?>\n<rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.invalid/</link><description>d</description>{items}</channel></rss>")


def item(title: str, *, guid: str | None = None, link: str | None = None, text: str = "",
         date: str | None = "Fri, 27 Nov 2026 09:00:00 +0000") -> str:
    parts = [f"<title>{title}</title>"]
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link:
        parts.append(f"<link>{link}</link>")
    if text:
        parts.append(f"<description>{text}</description>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


BILLION_LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
                  + "".join(f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 2 else "") + ";") * 10}">\n'
                            for n in range(2, 10))
                  + ']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
                  "</item></channel></rss>").encode()
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title></item></channel></rss>')


def content(base: str) -> dict[str, tuple[bytes, str]]:
    """path -> (body, content type).  `base` is the server's http://127.0.0.1:PORT."""
    xml = "application/rss+xml"
    bozo = rss(item("Good one", guid="b1", text="first") + item("Good two", guid="b2", text="second")
               + "<item><title>Broken <b>unclosed</title>").replace("</channel></rss>", "")
    many = rss("".join(item(f"Bulk {n}", guid=f"m{n}", date=None) for n in range(10_000)))  # < 1 MB
    ssrf_links = ["http://10.0.0.1/internal", "http://169.254.169.254/latest/meta-data/",
                  f"http://127.0.0.2:{base.rsplit(':', 1)[1]}/c/article"]
    return {
        "/c/healthy": (rss(item("China sends envoy to North Korea", guid="h1", link=f"{base}/c/article",
                                text="Xi is sending a diplomat.")).encode(), xml),
        "/c/article": (ARTICLE, "text/html; charset=utf-8"),
        "/c/billion-laughs": (BILLION_LAUGHS, xml),
        "/c/xxe": (XXE, xml),
        "/c/bozo": (bozo.encode(), xml),
        "/c/cp1252": (rss(item("Café crème – “quoted”", guid="w1", text="Déjà vu"),
                          declaration=' encoding="windows-1252"').encode("cp1252"),
                      "application/rss+xml; charset=windows-1252"),
        "/c/shift-jis": (rss(item("北朝鮮に特使", guid="s1", text="習近平国家主席が特使を派遣"),
                             declaration=' encoding="Shift_JIS"').encode("shift_jis"), xml),
        "/c/bom": (codecs.BOM_UTF8 + rss(item("Łódź ünïcode", guid="u1", text="naïve"), declaration="").encode(),
                   "application/rss+xml"),
        "/c/lying-declaration": (rss(item("Café Zürich", guid="l1", text="Crème brûlée")).encode("latin-1"), xml),
        "/c/ten-thousand": (many.encode(), xml),
        "/c/duplicate-guids": (rss(item("Dup one", guid="same", text="one") + item("Dup two", guid="same", text="two")
                                   + item("Other", guid="other", text="three")).encode(), xml),
        "/c/no-links-no-dates": (rss(item("Bare one", text="first bare", date=None)
                                     + item("Bare two", text="second bare", date=None)).encode(), xml),
        "/c/future-dates": (rss(item("Zanzibar news from the future", guid="f1", text="Zanzibar",
                                     date="Sat, 01 Jan 2150 00:00:00 GMT")).encode(), xml),
        "/c/html-page": (b'<!DOCTYPE html><html><head><title>News</title><link rel="alternate" '
                         b'type="application/rss+xml" href="/c/healthy-feed.xml"></head><body>Hi</body></html>',
                         "text/html; charset=utf-8"),
        "/c/cp037-entities": (bodies.declared("cp037", bodies.quadratic_entities(2_000)), xml),
        "/c/utf7-entities": (('<?xml version="1.0" encoding="utf-8"?>\n' + bodies.quadratic_entities(2_000))
                             .encode("utf-7"), "application/rss+xml; charset=utf-7"),
        "/c/attributes": (bodies.attributes(40_000), xml),
        "/c/slow-parse": (bodies.elements(120_000), xml),
        "/c/match-bomb": (rss(item("China envoy", guid="bomb", text="China envoy " * 25_000, date=None)
                              + "".join(item(f"A {kind} mission to Ulaanbaatar", guid=f"m-{kind}",
                                             text=f"The {kind} mission to Ulaanbaatar left on {day}day.", date=None)
                                        for kind, day in zip(MISSIONS, ("Mon", "Tues", "Wednes", "Thurs", "Fri"))))
                          .encode(), xml),
        "/c/ssrf": (rss("".join(item(f"Quokka sighting {n}", guid=f"x{n}", link=link,
                                     text=f"A quokka was seen near site {n}, the feed says.")
                                for n, link in enumerate(ssrf_links))).encode(), xml),
    }


def healed(path: str) -> bytes:
    """What every hostile path serves once the server is healed: a small valid feed."""
    return rss(item(f"All well at {path}", guid=f"ok{path}", text="Nothing to see.")).encode()
